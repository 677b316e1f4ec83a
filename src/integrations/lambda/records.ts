/**
 * @module canon/lambda/records
 * SQS and SNS batches: one `kind: 'message'` event per record, with the same `message`
 * fields as Canon's broker consumers (`source` `sqs`/`sns`, `subject_or_queue` the queue
 * or topic name, `consumer` the function, `attempt` SQS's approximate receive count,
 * `redelivered`, `lag_ms`, `result`) plus `message.id`. A record continues the trace its
 * `traceparent` message attribute names, else SQS's `AWSTraceHeader` (X-Ray), else the
 * trace recorded in a Canon event envelope body. The handler gets the batch as usual;
 * records named in the `batchItemFailures` it returns are marked `outcome: 'error'`
 * (`message.result: 'retried'`), and all of them when it throws.
 */
import type { Canon } from '../../core/canon.js';
import type { WideEvent } from '../../core/event.js';
import { type DeliveryView, startMessageUnit } from '../../consumer/unit.js';
import { type EventEnvelope, isEventEnvelope } from '../../events/envelope.js';
import type { Fields } from '../../core/paths.js';
import { type Invocation, endWithRemaining, markOnce } from './invocation.js';
import { xrayTraceparent } from './xray.js';

type Shape = Record<string, any>;

/** Each record's unit while its invocation runs (for `forEachRecord`). */
const recordUnits = new WeakMap<object, WideEvent>();

/** SQS's largest message; a body above it is not read for an envelope. */
const MAX_ENVELOPE_BODY = 262_144;

/** A Canon envelope in a record body (checked cheaply before parsing). */
function envelopeOf(body: unknown): EventEnvelope | undefined {
  if (typeof body !== 'string' || body.length > MAX_ENVELOPE_BODY || body.charCodeAt(0) !== 123) return undefined;
  if (!body.includes('"correlation_id"')) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    return isEventEnvelope(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The last `:`-separated part of an ARN: the queue or topic name. */
function arnName(arn: unknown): string | undefined {
  return typeof arn === 'string' ? arn.slice(arn.lastIndexOf(':') + 1) : undefined;
}

function sqsView(record: Shape): DeliveryView {
  const attributes: Shape = record.attributes ?? {};
  const messageAttributes: Shape = record.messageAttributes ?? {};
  const attempt = Number(attributes.ApproximateReceiveCount) || 1;
  const sent = Number(attributes.SentTimestamp);
  const attribute = (name: string): string | undefined => {
    const value = messageAttributes[name]?.stringValue;
    return typeof value === 'string' ? value : undefined;
  };
  return {
    subject: arnName(record.eventSourceARN) ?? 'sqs',
    attempt,
    redelivered: attempt > 1,
    publishedAt: Number.isFinite(sent) ? sent : undefined,
    header(name) {
      if (name === 'traceparent') return attribute(name) ?? xrayTraceparent(attributes.AWSTraceHeader);
      return attribute(name);
    },
  };
}

function snsView(record: Shape): DeliveryView {
  const sns: Shape = record.Sns ?? {};
  const published = Date.parse(sns.Timestamp);
  return {
    subject: arnName(sns.TopicArn) ?? 'sns',
    attempt: 1,
    redelivered: false,
    publishedAt: Number.isFinite(published) ? published : undefined,
    header(name) {
      const value = sns.MessageAttributes?.[name]?.Value;
      return typeof value === 'string' ? value : undefined;
    },
  };
}

/**
 * The id `batchItemFailures` names a record by: SQS's `messageId`, SNS's `MessageId`.
 *
 * @example
 * batchItemFailures.push({ itemIdentifier: recordId(record)! });
 */
export function recordId(record: Shape): string | undefined {
  const id = record.messageId ?? record.Sns?.MessageId;
  return typeof id === 'string' ? id : undefined;
}

function failedIds(result: unknown): Set<string> {
  const failures = (result as Shape | null)?.batchItemFailures;
  const ids = new Set<string>();
  if (Array.isArray(failures)) {
    for (const failure of failures) if (typeof failure?.itemIdentifier === 'string') ids.add(failure.itemIdentifier);
  }
  return ids;
}

const REPORTED = { name: 'BatchItemFailure', message: 'the handler reported this record in batchItemFailures' };

class RecordsInvocation implements Invocation {
  readonly scope = undefined;

  constructor(
    readonly sqs: boolean,
    readonly records: Shape[],
    readonly units: WideEvent[],
  ) {}

  settle(result: unknown, remainingMs: number | undefined): unknown {
    const failed = this.sqs ? failedIds(result) : new Set<string>();
    this.records.forEach((record, i) => {
      const unit = this.units[i];
      const reported = failed.has(recordId(record) as string);
      if (reported) markOnce(unit, REPORTED);
      unit.set('message.result', reported ? 'retried' : 'acked');
      endWithRemaining(unit, remainingMs);
    });
    return result;
  }

  fail(err: unknown, remainingMs: number | undefined): void {
    for (const unit of this.units) {
      markOnce(unit, err);
      unit.set('message.result', 'retried'); // the whole batch comes back
      endWithRemaining(unit, remainingMs);
    }
  }
}

/**
 * @internal Starts one unit per record of an SQS or SNS batch.
 *
 * @example
 * const invocation = startRecordsInvocation(canon, event, 'sqs', 'orders-worker', (unit) => faas);
 */
export function startRecordsInvocation(
  canon: Canon,
  event: Shape,
  sqs: boolean,
  consumer: string,
  faas: () => Fields,
): Invocation {
  const records: Shape[] = event.Records;
  const source = { kind: sqs ? 'sqs' : 'sns', consumer };
  const units = records.map((record) => {
    const body = sqs ? record.body : record.Sns?.Message;
    const unit = startMessageUnit(canon, source, sqs ? sqsView(record) : snsView(record), envelopeOf(body), undefined);
    unit.set('message.id', recordId(record));
    unit.fields.faas = faas();
    if (record !== null && typeof record === 'object') recordUnits.set(record, unit);
    return unit;
  });
  return new RecordsInvocation(sqs, records, units);
}

/**
 * The wide event of a record of the batch `canonLambda` is handling (undefined for any
 * other object), for handlers that process records their own way.
 *
 * @example
 * await Promise.all(event.Records.map((record) => recordEvent(record)?.set('order.id', JSON.parse(record.body).id)));
 */
export function recordEvent(record: object): WideEvent | undefined {
  return recordUnits.get(record);
}
