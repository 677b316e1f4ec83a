/**
 * @module canon/nats/topology
 * Creates what a publisher or source needs on JetStream and accepts what already exists
 * as it is (never updating a stream or consumer's configuration):
 *
 * - the stream, when missing, with subjects `<stream>.*.>` (events go to
 *   `<stream>.<event type>`, e.g. `ORDERS.order.placed`), which leaves `<stream>.dlq` free;
 * - the dead-letter stream `<stream>_DLQ` capturing the subject `<stream>.dlq`. When
 *   another stream already captures that subject, dead letters would flow back to that
 *   stream's consumers, so this fails with `CANON_BROKER_TOPOLOGY` instead;
 * - the durable pull consumer, when missing, with explicit acks, `max_deliver` =
 *   maxAttempts + 1 (one delivery beyond the last attempt, so a message whose last
 *   attempt crashed the consumer is still dead-lettered rather than dropped by the
 *   server) and the given `ack_wait`.
 */
import type { ConsumerInfo, JetStreamManager } from 'nats';
import { CanonError, ErrorCodes } from '../../core/errors.js';

const NANOS_PER_MS = 1_000_000;

/** True for the JetStream API's "not found" errors (stream, consumer, message). */
export function isNotFound(error: unknown): boolean {
  const err = error as { code?: unknown; api_error?: { code?: number } } | null;
  return err?.api_error?.code === 404 || err?.code === '404' || err?.code === 404;
}

/** The dead-letter subject of `stream`. */
export const deadLetterSubject = (stream: string) => `${stream}.dlq`;
/** The stream keeping `stream`'s dead letters. */
export const deadLetterStream = (stream: string) => `${stream}_DLQ`;

/**
 * Creates `stream` with subjects `<stream>.*.>` unless it exists.
 *
 * @example
 * await ensureStream(jsm, 'ORDERS');
 */
export async function ensureStream(jsm: JetStreamManager, stream: string): Promise<void> {
  try {
    await jsm.streams.info(stream);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.streams.add({ name: stream, subjects: [`${stream}.*.>`] });
  }
}

/**
 * Makes sure `<stream>.dlq` is kept in `<stream>_DLQ`, creating that stream if needed.
 *
 * @example
 * await ensureDeadLetterStream(jsm, 'ORDERS');
 */
export async function ensureDeadLetterStream(jsm: JetStreamManager, stream: string): Promise<void> {
  const subject = deadLetterSubject(stream);
  const wanted = deadLetterStream(stream);
  let owner: string | undefined;
  try {
    owner = await jsm.streams.find(subject);
  } catch {
    owner = undefined; // no stream captures the subject
  }
  if (owner === wanted) return;
  if (owner !== undefined) {
    throw new CanonError(
      ErrorCodes.BROKER_TOPOLOGY,
      `canon: the dead-letter subject ${subject} is captured by stream ${owner}, so dead letters would be redelivered to its consumers; narrow ${owner}'s subjects (e.g. ${stream}.*.>) so that ${wanted} can keep them`,
      { stream, subject, owner },
    );
  }
  await jsm.streams.add({ name: wanted, subjects: [subject] });
}

export interface DurableSpec {
  stream: string;
  durable: string;
  filterSubject?: string;
  maxAttempts: number;
  ackWaitMs: number;
}

/**
 * Returns the durable's info, creating it when missing.
 *
 * @example
 * const info = await ensureDurable(jsm, { stream: 'ORDERS', durable: 'billing', maxAttempts: 5, ackWaitMs: 30_000 });
 */
export async function ensureDurable(jsm: JetStreamManager, spec: DurableSpec): Promise<ConsumerInfo> {
  try {
    return await jsm.consumers.info(spec.stream, spec.durable);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return jsm.consumers.add(spec.stream, {
    durable_name: spec.durable,
    ack_policy: 'explicit' as ConsumerInfo['config']['ack_policy'],
    deliver_policy: 'all' as ConsumerInfo['config']['deliver_policy'],
    max_deliver: spec.maxAttempts + 1,
    ack_wait: spec.ackWaitMs * NANOS_PER_MS,
    ...(spec.filterSubject ? { filter_subject: spec.filterSubject } : {}),
  });
}
