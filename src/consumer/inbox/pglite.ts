/**
 * @module canon/consumer/inbox/pglite
 * The inbox on embedded PGlite: handlers get the PGlite `Transaction` as `ctx.tx`. PGlite
 * is one connection, so handlers with an inbox run one transaction at a time whatever
 * the consumer's concurrency. `@electric-sql/pglite` is never imported: it is an optional peer.
 */
import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import { pgliteStore } from '../../outbox/store/pglite.js';
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
export function pgliteInbox(db: PGliteInterface, options?: InboxOptions): Inbox<Transaction> {
  return createInbox<Transaction>(pgliteStore(db), options);
}
