/**
 * @module canon/sse/pg-backplane
 * A backplane over PostgreSQL LISTEN/NOTIFY. Each publish is one statement that takes a
 * transaction-level advisory lock, draws `nextval` from a sequence and notifies: the lock
 * makes commit order equal sequence order, and PostgreSQL delivers notifications in
 * commit order, so every instance receives messages in sequence order. Large messages
 * are chunked under NOTIFY's 8 000-byte limit. A lost LISTEN connection is reopened.
 */
import { describe, invalidOption } from '../core/errors.js';
import type { SseBackplane, SseBackplaneListener } from './backplane.js';
import { ChunkJoiner, splitPayload } from './pg-chunks.js';

/** A node-postgres `Pool` (structural: `pg` is not imported). */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  connect(): Promise<PgClientLike>;
}

/** A pooled node-postgres client. */
export interface PgClientLike {
  query(text: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeListener(event: string, listener: (...args: any[]) => void): unknown;
  release(error?: Error | boolean): void;
}

export interface PgBackplaneOptions {
  /** The NOTIFY channel; the sequence is `<schema>.<channel>_seq`. Default `canon_sse`. */
  channel?: string;
  /** An existing schema for the sequence. Default `public`. */
  schema?: string;
  /** Delay before reopening a lost LISTEN connection. Default 1 000 ms. */
  reconnectMs?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,58}$/;
/** First key of the advisory lock ('CANO'), the second is the channel's hash. */
const LOCK_SPACE = 1129206350;

const PUBLISH_SQL = `WITH lock AS (SELECT pg_advisory_xact_lock(${LOCK_SPACE}, hashtext($1))),
  next AS (SELECT nextval($2::regclass) AS id FROM lock)
SELECT next.id::text AS id, pg_notify($1, next.id::text || ':' || c.ord || ':' || $3::int || ':' || c.chunk)
FROM next, unnest($4::text[]) WITH ORDINALITY AS c(chunk, ord)`;

function identifier(value: unknown, option: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
    throw invalidOption(
      option,
      `expected a lowercase SQL identifier (${IDENTIFIER.source}), got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * Joins hubs through PostgreSQL. Pass a `pg` Pool; one of its connections is held for
 * LISTEN while the hub runs.
 *
 * @example
 * import pg from 'pg';
 * import { createSseHub, pgBackplane } from 'canon/sse';
 * const hub = createSseHub({ backplane: pgBackplane(new pg.Pool(), { channel: 'app_sse' }) });
 */
export function pgBackplane(pool: PgPoolLike, options: PgBackplaneOptions = {}): SseBackplane {
  if (pool === null || typeof pool !== 'object' || typeof pool.query !== 'function') {
    throw invalidOption('pool', `expected a pg Pool, got ${describe(pool)}`);
  }
  const channel = identifier(options.channel ?? 'canon_sse', 'channel');
  const sequence = `"${identifier(options.schema ?? 'public', 'schema')}"."${channel}_seq"`;
  const reconnectMs = options.reconnectMs ?? 1_000;
  if (!Number.isSafeInteger(reconnectMs) || reconnectMs < 0 || reconnectMs > 2_147_483_647) {
    throw invalidOption(
      'reconnectMs',
      `expected an integer from 0 to 2147483647, got ${describe(reconnectMs)}`,
    );
  }
  const joiner = new ChunkJoiner();
  let ensured: Promise<void> | undefined;
  let listening: PgClientLike | undefined;
  let retry: NodeJS.Timeout | undefined;
  /**
   * True while `listen()` runs: its caller handles its failure (reopen retries, subscribe
   * rejects), so the 'error' that pg also emits for the same failure must not start a
   * second reconnect, whose client would overwrite (and leak) the first one's.
   */
  let connecting = false;
  let closed = false;
  let hub: SseBackplaneListener | undefined;

  function ensureSequence(): Promise<void> {
    ensured ??= pool.query(`CREATE SEQUENCE IF NOT EXISTS ${sequence}`).then(
      () => undefined,
      (error: { code?: string }) => {
        if (error?.code === '23505' || error?.code === '42P07') return; // created concurrently
        ensured = undefined;
        throw error;
      },
    );
    return ensured;
  }

  function onNotification(message: { channel: string; payload?: string }): void {
    if (message.channel !== channel || message.payload === undefined) return;
    const complete = joiner.add(message.payload);
    if (complete !== undefined) hub?.message(complete[0], complete[1]);
  }

  function onError(error: Error): void {
    hub?.error(error, 'listen');
    drop(error);
    if (!closed && !connecting) retry = setTimeout(reopen, reconnectMs).unref();
  }

  function drop(error?: Error): PgClientLike | undefined {
    const client = listening;
    listening = undefined;
    if (client === undefined) return undefined;
    client.removeListener('notification', onNotification);
    client.removeListener('error', onError);
    if (error !== undefined) client.release(error);
    return client;
  }

  async function listen(): Promise<void> {
    connecting = true;
    try {
      const client = await pool.connect();
      if (closed) {
        client.release(); // close() ran while we waited, and found no client to release
        return;
      }
      listening = client;
      client.on('notification', onNotification);
      client.on('error', onError);
      joiner.clear();
      try {
        await client.query(`LISTEN "${channel}"`);
      } catch (error) {
        drop(error as Error);
        throw error;
      }
    } finally {
      connecting = false;
    }
  }

  function reopen(): void {
    if (closed) return;
    listen().then(() => {
      if (!closed) hub?.resubscribed();
    }, onError);
  }

  return {
    async subscribe(subscriber) {
      hub = subscriber;
      await ensureSequence();
      await listen();
    },
    async publish(payload) {
      await ensureSequence();
      const chunks = splitPayload(payload);
      const { rows } = await pool.query(PUBLISH_SQL, [channel, sequence, chunks.length, chunks]);
      return Number(rows[0].id);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const client = drop();
      if (client === undefined) return;
      try {
        await client.query(`UNLISTEN "${channel}"`);
        client.release();
      } catch (error) {
        client.release(error as Error);
      }
    },
  };
}
