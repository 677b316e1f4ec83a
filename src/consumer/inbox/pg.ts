/**
 * @module canon/consumer/inbox/pg
 * The inbox on node-postgres: handlers get the transaction's client (pg's `PoolClient`
 * for a `pg.Pool`) as `ctx.tx`. `pg` itself is never imported, not even its types: it is
 * the caller's optional peer dependency.
 */
import { pgStore } from '../../outbox/store/pg.js';
import type { ClientOf, PgPool } from '../../pg/driver.js';
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
export function pgInbox<P extends PgPool>(pool: P, options?: InboxOptions): Inbox<ClientOf<P>> {
  return createInbox<ClientOf<P>>(pgStore(pool), options);
}
