/**
 * @module canon/cli/database
 * The `--database URL` (or `DATABASE_URL`) of the operations commands, opened for one
 * command and closed after it.
 */
import { type Database, openDatabase } from '../read/ops/database.js';
import { type Parsed, stringOption } from './args.js';
import { UsageError } from './errors.js';

/** Options every operations command takes. */
export const DATABASE_OPTIONS = { database: { type: 'string' }, json: { type: 'boolean' } } as const;

/**
 * Runs `fn` with the database of `parsed` (`--database`, else `DATABASE_URL`), then closes it.
 *
 * @example
 * await withDatabase(parsed, 'outbox status', env, (db) => createOutbox({ store: db.store }).stats());
 */
export async function withDatabase<T>(
  parsed: Parsed,
  command: string,
  env: NodeJS.ProcessEnv,
  fn: (db: Database) => Promise<T>,
): Promise<T> {
  const url = stringOption(parsed, 'database') ?? env.DATABASE_URL;
  if (!url) throw new UsageError(`canon ${command}: give the database with --database postgres://… or DATABASE_URL`);
  const db = await openDatabase(url);
  try {
    return await fn(db);
  } finally {
    await db.close().catch(() => {});
  }
}
