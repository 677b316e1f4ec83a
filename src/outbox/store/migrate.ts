/**
 * @module canon/outbox/store/migrate
 * Versioned, idempotent migrations for Canon's tables. Each table has a list of steps
 * (step i brings it to version i+1); the version reached is stamped in a
 * `canon_migrations` table of the same schema. Migrating takes an advisory lock, so
 * several processes starting at once migrate once; a table stamped with a version newer
 * than this code knows is refused (`CANON_OUTBOX_SCHEMA_VERSION`) instead of misused.
 */
import { CanonError, ErrorCodes } from '../../core/errors.js';
import { hash32, type TableName } from './table-name.js';
import { type OutboxStore, runQuery } from './types.js';

export interface Migration {
  /** The table being migrated (its schema holds `canon_migrations`). */
  table: TableName;
  /** What the table is for, recorded with its version: `'outbox'`, `'webhook_deliveries'`. */
  component: string;
  /** `steps[i]`: the statements that take the table from version i to i+1. */
  steps: readonly (readonly string[])[];
}

/** Advisory-lock namespace for Canon migrations (`'cnmg'`). */
const MIGRATION_LOCK_CLASS = 0x636e6d67;

/**
 * Brings `migration.table` to the latest version; resolves to the version.
 *
 * @example
 * await migrateTable(store, { table: parseTableName('outbox'), component: 'outbox', steps: [[`CREATE TABLE ...`]] });
 */
export async function migrateTable(store: OutboxStore, migration: Migration): Promise<number> {
  const { table, component, steps } = migration;
  const registry = table.schema ? `"${table.schema}".canon_migrations` : 'canon_migrations';
  return store.transaction(async (tx) => {
    await runQuery(tx, 'SELECT pg_advisory_xact_lock($1, $2)', [
      MIGRATION_LOCK_CLASS,
      hash32(table.schema ?? ''),
    ]);
    if (table.schema) await runQuery(tx, `CREATE SCHEMA IF NOT EXISTS "${table.schema}"`);
    await runQuery(
      tx,
      `CREATE TABLE IF NOT EXISTS ${registry} (
        name text PRIMARY KEY,
        component text NOT NULL,
        version integer NOT NULL,
        migrated_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const { rows } = await runQuery<{ version: number }>(
      tx,
      `SELECT version FROM ${registry} WHERE name = $1`,
      [table.name],
    );
    const current = rows[0]?.version ?? 0;
    if (current > steps.length) {
      throw new CanonError(
        ErrorCodes.OUTBOX_SCHEMA_VERSION,
        `canon: table ${table.text} is at version ${current} but this Canon knows up to ${steps.length}; upgrade Canon`,
        { table: table.text, version: current, known: steps.length },
      );
    }
    for (let version = current; version < steps.length; version++) {
      for (const statement of steps[version]) await runQuery(tx, statement);
    }
    if (current < steps.length) {
      await runQuery(
        tx,
        `INSERT INTO ${registry} (name, component, version) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, migrated_at = now()`,
        [table.name, component, steps.length],
      );
    }
    return steps.length;
  });
}
