/**
 * @module canon/webhooks/attempt-writer
 * Writes the delivery log with group commit: successful attempts (the common case) wait
 * while one insert is in flight and then go in together, in one statement that also ends
 * their endpoints' failure streaks; under load the batches grow by themselves. Failed
 * attempts are written one by one (./delivery-log), since they decide whether their
 * endpoint gets disabled.
 */
import { ASYNC_COMMIT } from '../outbox/queue/spec.js';
import { type Queryable, runQuery } from '../outbox/store/types.js';
import { uuidv7 } from '../core/ids.js';
import { type AttemptRecord, recordAttempt } from './delivery-log.js';
import type { WebhookTables } from './schema.js';

const MAX_BATCH = 500;

interface Waiting {
  record: AttemptRecord;
  resolve(): void;
  reject(error: unknown): void;
}

export interface AttemptWriter {
  /** Writes `record`; resolves to why its endpoint got disabled, if it just was. */
  write(record: AttemptRecord): Promise<string | undefined>;
}

function insertDeliveredSql(tables: WebhookTables): string {
  return `WITH logged AS (
    INSERT INTO ${tables.attempts.sql} (id, delivery_seq, endpoint_id, event_id, event_type, webhook_id, attempt,
      status, response_status, response_headers, response_body, duration_ms)
    SELECT a.id, a.seq, a.endpoint_id, a.event_id, a.event_type, a.webhook_id, a.attempt, 'delivered', a.status,
      a.headers::jsonb, a.body, a.duration_ms
    FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[],
      $9::text[], $10::text[], $11::double precision[])
      AS a(id, seq, endpoint_id, event_id, event_type, webhook_id, attempt, status, headers, body, duration_ms)
    RETURNING 1
  ), healed AS (
    UPDATE ${tables.endpoints.sql} SET failing_since = NULL
    WHERE id = ANY($3::text[]) AND failing_since IS NOT NULL
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM logged)::int AS logged, (SELECT count(*) FROM healed)::int AS healed,
    (SELECT ${ASYNC_COMMIT}) AS async_commit`;
}

/**
 * @internal Creates the writer of `tables`' delivery log.
 *
 * @example
 * const writer = createAttemptWriter(store, tables, disableAfterMs);
 * await writer.write(record);
 */
export function createAttemptWriter(
  db: Queryable,
  tables: WebhookTables,
  disableAfterMs: number,
): AttemptWriter {
  const statement = insertDeliveredSql(tables);
  let waiting: Waiting[] = [];
  let flushing = false;

  async function insert(records: AttemptRecord[]): Promise<void> {
    await runQuery(db, statement, [
      records.map(() => uuidv7()),
      records.map((r) => r.delivery_seq),
      records.map((r) => r.endpoint_id),
      records.map((r) => r.event_id),
      records.map((r) => r.event_type),
      records.map((r) => r.webhook_id),
      records.map((r) => r.attempt),
      records.map((r) => r.response_status ?? null),
      records.map((r) => (r.response_headers === undefined ? null : JSON.stringify(r.response_headers))),
      records.map((r) => r.response_body ?? null),
      records.map((r) => r.duration_ms),
    ]);
  }

  async function flush(): Promise<void> {
    flushing = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, MAX_BATCH);
      waiting = waiting.slice(MAX_BATCH);
      try {
        await insert(batch.map((w) => w.record));
        for (const w of batch) w.resolve();
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    flushing = false;
  }

  return {
    write(record) {
      if (record.status !== 'delivered') return recordAttempt(db, tables, record, disableAfterMs);
      return new Promise((resolve, reject) => {
        waiting.push({ record, resolve: () => resolve(undefined), reject });
        if (!flushing) void flush();
      });
    },
  };
}
