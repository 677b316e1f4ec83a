/**
 * @module canon/lambda/for-each-record
 * `forEachRecord(event, fn)`: runs `fn` for each record of an SQS or SNS batch inside the
 * record's own unit, so everything `fn` calls (`getWideEvent()`, loggers, tracked
 * queries and fetches) lands on that record's event, and returns the partial batch
 * response Lambda expects: a record whose `fn` threw is marked and listed in
 * `batchItemFailures`. In a FIFO queue's batch the first failure stops the batch: the
 * records after it are not run and are listed too, so their order is kept.
 */
import { storage } from '../../core/context.js';
import { describe, invalidOption } from '../../core/errors.js';
import type { WideEvent } from '../../core/event.js';
import { roundMs } from '../../core/event.js';
import { integerOption } from '../../core/option-checks.js';
import { isPlainObject } from '../../core/paths.js';
import { recordEvent, recordId } from './records.js';

/** What an SQS handler returns to report failed records (`SQSBatchResponse`). */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Options of {@link forEachRecord}. */
export interface ForEachRecordOptions {
  /** Records run at once (default 1: one after the other). Ignored for FIFO queues. */
  concurrency?: number;
}

const SKIPPED = {
  name: 'FifoBatchStopped',
  message: 'not run: an earlier record of this FIFO batch failed, so this one comes back to keep the order',
};

function isFifo(records: readonly object[]): boolean {
  const arn = (records[0] as { eventSourceARN?: unknown } | undefined)?.eventSourceARN;
  return typeof arn === 'string' && arn.endsWith('.fifo');
}

async function runOne<T extends object>(record: T, fn: (record: T) => unknown): Promise<boolean> {
  const unit: WideEvent | undefined = recordEvent(record);
  const started = performance.now();
  try {
    await (unit ? storage.run(unit, fn, record) : fn(record));
    return true;
  } catch (err) {
    unit?.markError(err);
    return false;
  } finally {
    unit?.set('message.handler_ms', roundMs(performance.now() - started));
  }
}

/**
 * Runs `fn(record)` for each record inside its own unit and returns `{ batchItemFailures }`
 * naming the records whose `fn` threw. Return it from an SQS handler (with
 * `ReportBatchItemFailures` enabled on the event source mapping).
 *
 * @example
 * import type { SQSEvent } from 'aws-lambda';
 * export const handler = canonLambda(canon, (event: SQSEvent) =>
 *   forEachRecord(event, async (record) => {
 *     getWideEvent()?.set('order.id', JSON.parse(record.body).id);
 *   }),
 * );
 */
export async function forEachRecord<T extends object>(
  event: { Records: readonly T[] },
  fn: (record: T) => unknown,
  options?: ForEachRecordOptions,
): Promise<BatchResponse> {
  if (!isPlainObject(event) && (typeof event !== 'object' || event === null)) {
    throw invalidOption('forEachRecord(event)', `expected an SQS or SNS event, got ${describe(event)}`);
  }
  const records = event.Records;
  if (!Array.isArray(records)) {
    throw invalidOption('forEachRecord(event)', `expected an event with Records, got ${describe(records)}`);
  }
  if (typeof fn !== 'function') throw invalidOption('forEachRecord(fn)', `expected (record) => unknown, got ${describe(fn)}`);
  const fifo = isFifo(records);
  const concurrency = fifo ? 1 : integerOption(options?.concurrency, 'concurrency', 1, { min: 1 });
  const failed = new Set<T>();
  let next = 0;
  let stopped = false;
  async function worker(): Promise<void> {
    while (next < records.length) {
      const record = records[next++];
      if (stopped) {
        recordEvent(record)?.markError(SKIPPED);
        failed.add(record);
      } else if (!(await runOne(record, fn))) {
        failed.add(record);
        if (fifo) stopped = true;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, records.length) }, worker));
  const batchItemFailures: BatchResponse['batchItemFailures'] = [];
  for (const record of records) {
    const id = recordId(record as Record<string, unknown>);
    if (failed.has(record) && id !== undefined) batchItemFailures.push({ itemIdentifier: id });
  }
  return { batchItemFailures };
}
