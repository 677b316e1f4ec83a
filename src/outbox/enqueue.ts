/**
 * @module canon/outbox/enqueue
 * Writing events into the outbox inside the caller's transaction: one INSERT for any
 * number of events, which also NOTIFYs the relays (PostgreSQL delivers the notification
 * at COMMIT, and never for a rolled-back transaction). Everything is checked and
 * serialized before the first statement, so bad input writes nothing.
 */
import { CanonError, describe, ErrorCodes, invalidOption } from '../core/errors.js';
import { assertEnvelope, type EventEnvelope } from '../events/envelope.js';
import { serializePayload } from './payload.js';
import type { QueueSpec } from './queue/spec.js';
import { type Queryable, runQuery } from './store/types.js';

export interface EnqueueOptions {
  /** Where the relay publishes it (default: the event type). */
  topic?: string;
  /** Ordering key: events with the same key are published in enqueue order. */
  key?: string;
}

/** One item of `enqueueMany`: an envelope, or an envelope with its options. */
export type EnqueueEntry = EventEnvelope | ({ event: EventEnvelope } & EnqueueOptions);

interface Row {
  id: string;
  type: string;
  topic: string;
  key: string | null;
  payload: string;
}

function optionalText(value: unknown, option: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > 1024) {
    throw invalidOption(
      option,
      `expected a non-empty string of at most 1024 characters, got ${describe(value)}`,
    );
  }
  return value;
}

/** Validates one entry and serializes its payload. */
export function toRow(entry: unknown, at: string): Row {
  const wrapped = entry !== null && typeof entry === 'object' && 'event' in entry && !('id' in entry);
  const event = wrapped ? (entry as { event: unknown }).event : entry;
  const options = (wrapped ? entry : {}) as EnqueueOptions;
  assertEnvelope(event, wrapped ? `${at}.event` : at);
  return {
    id: event.id,
    type: event.type,
    topic: optionalText(options.topic, `${at}.topic`) ?? event.type,
    key: optionalText(options.key, `${at}.key`) ?? null,
    payload: serializePayload(event),
  };
}

/** Builds the INSERT (with the NOTIFY when `notify`) for `spec`. */
export function insertSql(spec: QueueSpec, notify: boolean): string {
  const insert = `INSERT INTO ${spec.table.sql} (id, type, topic, key, payload)
    SELECT e.id, e.type, e.topic, e.key, e.payload::jsonb
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS e(id, type, topic, key, payload)`;
  if (!notify) return insert;
  return `WITH inserted AS (${insert} RETURNING 1)
    SELECT pg_notify('${spec.table.channel}', '') FROM (SELECT 1 FROM inserted LIMIT 1) AS any_row`;
}

/** Throws `CANON_OUTBOX_NO_TRANSACTION` unless `tx` is inside a transaction block. */
export async function assertInTransaction(tx: Queryable, table: string): Promise<void> {
  try {
    await runQuery(tx, 'SAVEPOINT canon_outbox_check');
  } catch (err) {
    if ((err as { code?: string }).code !== '25P01') throw err; // 25P01: no_active_sql_transaction
    throw new CanonError(
      ErrorCodes.OUTBOX_NO_TRANSACTION,
      `canon: outbox.enqueue into ${table} ran outside a transaction (requireTransaction is set): pass the client of your BEGIN … COMMIT or your PGlite transaction; nothing was written`,
      { table },
    );
  }
  await runQuery(tx, 'RELEASE SAVEPOINT canon_outbox_check');
}

/**
 * Inserts `rows` through `tx` in one statement.
 *
 * @example
 * await insertRows(client, statement, [toRow(event, 'event')]);
 */
export async function insertRows(tx: Queryable, statement: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  await runQuery(tx, statement, [
    rows.map((row) => row.id),
    rows.map((row) => row.type),
    rows.map((row) => row.topic),
    rows.map((row) => row.key),
    rows.map((row) => row.payload),
  ]);
}
