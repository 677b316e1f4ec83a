/**
 * @module canon/outbox/store/pglite
 * The embedded PGlite store (PostgreSQL compiled to WebAssembly, in process).
 *
 * PGlite is one connection: every query and transaction of the process runs one after
 * another on it. So `FOR UPDATE SKIP LOCKED` never has anything to skip, several relays
 * on one PGlite instance are several publishers taking turns to claim (correct, since
 * each claim leases its rows, but not parallel database work), and a relay's queries
 * wait while the application holds a transaction open. LISTEN/NOTIFY works in process:
 * a commit that enqueued wakes every relay of the instance. Rows leased by a crashed
 * process are reclaimed after the lease like with PostgreSQL, if the data directory
 * outlives the process. `@electric-sql/pglite` is never imported, not even its types: it
 * is an optional peer.
 */
import { describe, invalidOption } from '../../core/errors.js';
import type { PgliteDb } from '../../pg/driver.js';
import { type OutboxStore, runQuery } from './types.js';

/**
 * A store over a PGlite instance.
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite';
 * import { createOutbox, pgliteStore } from 'canon/outbox';
 * const db = new PGlite('./data/app');
 * const outbox = createOutbox({ store: pgliteStore(db) });
 */
export function pgliteStore(db: PgliteDb): OutboxStore {
  const candidate = db as PgliteDb | null;
  if (typeof candidate?.transaction !== 'function' || typeof candidate.listen !== 'function') {
    throw invalidOption('db', `expected a PGlite instance (new PGlite(...)), got ${describe(db)}`);
  }
  return {
    kind: 'pglite',
    query: (text, params) => runQuery(db, text, params),
    transaction: (fn) => db.transaction((tx) => fn(tx)),
    async listen(channel, onNotify) {
      const unlisten = await db.listen(channel, () => onNotify());
      return async () => {
        if (!db.closed) await unlisten();
      };
    },
  };
}
