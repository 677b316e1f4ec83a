/**
 * @module canon/consumer/inbox/pglite
 * The inbox on embedded PGlite: handlers get the PGlite `Transaction` as `ctx.tx`. PGlite
 * is one connection, so handlers with an inbox run one transaction at a time whatever
 * the consumer's concurrency. `@electric-sql/pglite` is never imported, not even its
 * types: it is an optional peer.
 */
import { pgliteStore } from '../../outbox/store/pglite.js';
import type { PgliteDb, TransactionOf } from '../../pg/driver.js';
import { createInbox, type Inbox, type InboxOptions } from './inbox.js';

/**
 * An inbox over a PGlite instance.
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite';
 * import { consume, pgliteInbox } from 'canon/consumer';
 * const db = new PGlite('./data/app');
 * await consume({ canon, source, inbox: pgliteInbox(db), handler: (event, ctx) => ctx.tx.query('…') });
 */
export function pgliteInbox<D extends PgliteDb>(db: D, options?: InboxOptions): Inbox<TransactionOf<D>> {
  return createInbox<TransactionOf<D>>(pgliteStore(db), options);
}
