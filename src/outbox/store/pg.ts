/**
 * @module canon/outbox/store/pg
 * The node-postgres store. Uses the caller's `Pool` for queries and transactions, and
 * holds one of its connections for LISTEN while a relay listens (size the pool for it).
 * `pg` itself is never imported, not even its types: it is the caller's optional peer.
 */
import { describe, invalidOption } from '../../core/errors.js';
import type { PgPool, PgPoolClient } from '../../pg/driver.js';
import { type OutboxStore, runQuery, toSqlResult, type Unlisten } from './types.js';

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

async function rollback(client: PgPoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (err) {
    return err as Error; // a broken connection must not go back to the pool
  }
}

/** Keeps one pooled connection LISTENing, reconnecting with backoff when it drops. */
function listener(pool: PgPool, channel: string, onNotify: () => void) {
  let client: PgPoolClient | undefined;
  let stopped = false;
  let retryMs = RECONNECT_MIN_MS;
  let timer: NodeJS.Timeout | undefined;

  const onNotification = (message: { channel: string }) => {
    if (message.channel === channel) onNotify();
  };
  const onError = (err: Error) => drop(err);

  function retryLater(): void {
    if (stopped) return;
    timer = setTimeout(() => connect().catch(retryLater), retryMs);
    timer.unref();
    retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
  }

  function drop(err: Error): void {
    const lost = client;
    client = undefined;
    if (lost) {
      lost.off('notification', onNotification);
      lost.off('error', onError);
      lost.release(err);
    }
    retryLater();
  }

  /** One attempt to get a connection LISTENing; the first one's failure goes to the caller. */
  async function connect(): Promise<void> {
    const next = await pool.connect();
    next.on('notification', onNotification);
    next.on('error', onError);
    try {
      await next.query(`LISTEN "${channel}"`);
    } catch (err) {
      next.off('notification', onNotification);
      next.off('error', onError);
      next.release(err as Error);
      throw err;
    }
    if (stopped) {
      next.release();
      return;
    }
    client = next;
    retryMs = RECONNECT_MIN_MS;
    onNotify(); // anything committed while we were not listening is picked up now
  }

  async function stop(): Promise<void> {
    stopped = true;
    clearTimeout(timer);
    const current = client;
    client = undefined;
    if (!current) return;
    current.off('notification', onNotification);
    current.off('error', onError);
    try {
      await current.query(`UNLISTEN "${channel}"`);
      current.release();
    } catch (err) {
      current.release(err as Error);
    }
  }

  return { connect, stop };
}

/**
 * A store over a node-postgres `Pool`.
 *
 * @example
 * import pg from 'pg';
 * import { createOutbox, pgStore } from 'canon/outbox';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const outbox = createOutbox({ store: pgStore(pool) });
 */
export function pgStore(pool: PgPool): OutboxStore {
  if (typeof (pool as PgPool | null)?.connect !== 'function' || typeof pool.query !== 'function') {
    throw invalidOption('pool', `expected a node-postgres Pool (new pg.Pool(...)), got ${describe(pool)}`);
  }
  return {
    kind: 'pg',
    query: (text, params) => runQuery(pool, text, params),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        broken = await rollback(client);
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async script(sql) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        // no parameters: the simple query protocol, which takes several statements at once
        const result = await client.query(sql);
        return (Array.isArray(result) ? result : [result]).map((one) => toSqlResult(one));
      } catch (err) {
        broken = await rollback(client); // a no-op warning when the script opened no transaction
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async listen(channel, onNotify): Promise<Unlisten> {
      const subscription = listener(pool, channel, onNotify);
      await subscription.connect();
      return subscription.stop;
    },
  };
}
