/**
 * @module canon/consumer/inbox/inbox
 * The idempotency inbox: a table of `(consumer, event_id)` pairs written in the same
 * transaction as the handler's own changes. A redelivered event whose pair is already
 * there is acknowledged without running the handler again; a handler that throws rolls
 * the pair back with everything else, so the retry runs it for real.
 *
 * Two deliveries of one event handled at once (a redelivery while the first attempt is
 * still running) do not both run: the second insert waits on the first transaction's
 * row lock and then finds it committed (duplicate) or rolled back (runs).
 *
 * Built on the outbox's store, table-name validation and versioned migrations.
 */
import { describe, invalidOption } from '../../core/errors.js';
import { migrateTable } from '../../outbox/store/migrate.js';
import { parseTableName, type TableName } from '../../outbox/store/table-name.js';
import { type OutboxStore, type Queryable, runQuery } from '../../outbox/store/types.js';

export interface InboxOptions {
  /** Table name, optionally schema-qualified (default `'canon_inbox'`). */
  table?: string;
}

export interface Inbox<Tx = Queryable> {
  /** The table, as given. */
  readonly table: string;
  /** Creates or upgrades the table; `consume` calls it before subscribing. */
  migrate(): Promise<void>;
  /**
   * Records `(consumer, eventId)` and runs `fn` in the same transaction. Resolves `false`
   * without calling `fn` when the pair was already recorded (a duplicate).
   */
  run(consumer: string, eventId: string, fn: (tx: Tx) => Promise<unknown>): Promise<boolean>;
  /** Deletes pairs recorded more than `olderThanMs` ago; resolves to how many. */
  cleanup(olderThanMs: number): Promise<number>;
}

function migrations(table: TableName): string[][] {
  return [
    [
      `CREATE TABLE IF NOT EXISTS ${table.sql} (
        consumer text NOT NULL,
        event_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`,
      `CREATE INDEX IF NOT EXISTS ${table.object('processed_at')} ON ${table.sql} (processed_at)`,
    ],
  ];
}

/**
 * An inbox in `store` (see `pgInbox` and `pgliteInbox`).
 *
 * @example
 * const inbox = createInbox<PoolClient>(pgStore(pool), { table: 'app.inbox' });
 */
export function createInbox<Tx>(store: OutboxStore, options: InboxOptions = {}): Inbox<Tx> {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { table? }, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (key !== 'table') throw invalidOption(key, 'unknown option (known: table)');
  }
  const table = parseTableName(options.table ?? 'canon_inbox', 'table');
  const insert = `INSERT INTO ${table.sql} (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id`;
  return {
    table: table.text,
    async migrate() {
      await migrateTable(store, { table, component: 'inbox', steps: migrations(table) });
    },
    run(consumer, eventId, fn) {
      return store.transaction(async (tx: Queryable) => {
        const { rows } = await runQuery(tx, insert, [consumer, eventId]);
        if (rows.length === 0) return false;
        await fn(tx as Tx);
        return true;
      });
    },
    async cleanup(olderThanMs) {
      if (!Number.isFinite(olderThanMs) || olderThanMs < 0)
        throw invalidOption('olderThanMs', `expected a number >= 0, got ${describe(olderThanMs)}`);
      const { rowCount } = await store.query(
        `DELETE FROM ${table.sql} WHERE processed_at < now() - ($1::double precision * interval '1 millisecond')`,
        [olderThanMs],
      );
      return rowCount;
    },
  };
}
