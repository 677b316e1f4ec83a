/**
 * @module canon/webhooks/replay/pg
 * A replay store in a PostgreSQL or PGlite table, shared by every instance of the
 * receiver: one row per accepted webhook id until it expires. A claim is one
 * `INSERT … ON CONFLICT` (atomic across instances); expired rows are deleted at most once
 * a minute, on the way.
 */
import { describe, invalidOption } from '../../core/errors.js';
import { migrateTable } from '../../outbox/store/migrate.js';
import { parseTableName } from '../../outbox/store/table-name.js';
import type { OutboxStore } from '../../outbox/store/types.js';
import type { ReplayStore } from './types.js';

export interface PgReplayStoreOptions {
  /** `pgStore(pool)` or `pgliteStore(db)` from `canon/outbox`. */
  store: OutboxStore;
  /** Table name, optionally schema-qualified (default `'canon_webhook_replays'`). */
  table?: string;
}

export interface PgReplayStore extends ReplayStore {
  /** Creates the table (also done on first use). */
  migrate(): Promise<void>;
}

const CLEANUP_EVERY_MS = 60_000;

/**
 * A {@link ReplayStore} in a database table.
 *
 * @example
 * const replay = pgReplayStore({ store: pgStore(pool) });
 * app.post('/webhooks', webhookExpress({ secret, replay }), handler);
 */
export function pgReplayStore(options: PgReplayStoreOptions): PgReplayStore {
  const store = options?.store;
  if (typeof store?.query !== 'function' || typeof store.transaction !== 'function') {
    throw invalidOption('store', `expected pgStore(pool) or pgliteStore(db), got ${describe(store)}`);
  }
  const table = parseTableName(options.table ?? 'canon_webhook_replays', 'table');
  const steps = [
    [
      `CREATE TABLE IF NOT EXISTS ${table.sql} (key text PRIMARY KEY, expires_at timestamptz NOT NULL)`,
      `CREATE INDEX IF NOT EXISTS ${table.object('expires_idx')} ON ${table.sql} (expires_at)`,
    ],
  ];
  const claimSql = `INSERT INTO ${table.sql} AS r (key, expires_at)
    VALUES ($1, now() + $2::double precision * interval '1 second')
    ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE r.expires_at <= now()
    RETURNING 1`;
  let migrated: Promise<void> | undefined;
  let cleanedAt = Date.now();

  function migrate(): Promise<void> {
    migrated ??= migrateTable(store, { table, component: 'webhook_replays', steps }).then(
      () => undefined,
      (err) => {
        migrated = undefined;
        throw err;
      },
    );
    return migrated;
  }

  return {
    migrate,
    async claim(key, ttlSec) {
      await migrate();
      const { rows } = await store.query(claimSql, [key, ttlSec]);
      if (Date.now() - cleanedAt > CLEANUP_EVERY_MS) {
        cleanedAt = Date.now();
        store.query(`DELETE FROM ${table.sql} WHERE expires_at <= now()`).catch(() => {});
      }
      return rows.length > 0;
    },
    async release(key) {
      await migrate();
      await store.query(`DELETE FROM ${table.sql} WHERE key = $1`, [key]);
    },
  };
}
