/**
 * @module canon/consumer/inbox/pg
 * The inbox on node-postgres: handlers get the transaction's `PoolClient` as `ctx.tx`.
 * `pg` itself is never imported: it is the caller's optional peer dependency.
 */
import type { Pool, PoolClient } from 'pg';
import { pgStore } from '../../outbox/store/pg.js';
import { createInbox, type Inbox, type InboxOptions } from './inbox.js';

/**
 * An inbox over a node-postgres `Pool`.
 *
 * @example
 * import pg from 'pg';
 * import { consume, pgInbox } from 'canon/consumer';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await consume({
 *   canon, source, inbox: pgInbox(pool),
 *   handler: async (event, ctx) => {
 *     await ctx.tx.query('UPDATE stock SET reserved = reserved + 1 WHERE sku = $1', [event.data.sku]);
 *   },
 * });
 */
export function pgInbox(pool: Pool, options?: InboxOptions): Inbox<PoolClient> {
  return createInbox<PoolClient>(pgStore(pool), options);
}
