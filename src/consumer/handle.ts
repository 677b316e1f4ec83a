/**
 * @module canon/consumer/handle
 * One delivery, start to end: decode, open its wide event, run the handler in its scope
 * (inside the inbox transaction when there is one), then settle it with the broker:
 *
 * | handler | attempt | settlement | `message.result` |
 * |---|---|---|---|
 * | resolved | any | ack | `acked` |
 * | inbox says already handled | any | ack | `duplicate` |
 * | threw, retriable | < maxAttempts | `retry(backoff(attempt))` | `retried` |
 * | threw | = maxAttempts, or `retriable: false` | dead-letter | `dead_lettered` |
 * | not run | > maxAttempts (earlier deliveries never settled: a crash) | dead-letter | `dead_lettered` |
 *
 * Nothing here throws: a failed settlement is recorded on the wide event
 * (`message.settle_error`) and the broker redelivers the message later.
 */
import { storage } from '../core/context.js';
import type { WideEvent } from '../core/event.js';
import { normalizeError } from '../core/normalize-error.js';
import { isPlainObject } from '../core/paths.js';
import type { EventEnvelope } from '../events/envelope.js';
import { backoffDelay } from '../outbox/queue/backoff.js';
import { decodeBody, readEvent } from './decode.js';
import type { MessageContext, ResolvedConsumeOptions } from './options.js';
import type { SourceMessage } from './source.js';
import { startMessageUnit } from './unit.js';
import { errorSummary } from './wire.js';

/** What became of a delivery (`unsettled`: the broker refused the settlement and will redeliver). */
export type MessageResult = 'acked' | 'duplicate' | 'retried' | 'dead_lettered' | 'skipped' | 'unsettled';

type Outcome = { result: 'acked' | 'duplicate' } | { result: 'failed'; error: unknown };

class AttemptsExceeded extends Error {
  override name = 'AttemptsExceeded';
  readonly retriable = false;
}

async function runHandler<Tx>(
  options: ResolvedConsumeOptions<Tx>,
  message: SourceMessage,
  envelope: EventEnvelope,
  unit: WideEvent,
): Promise<Outcome> {
  const event = options.definitions.size === 0 ? envelope : await readEvent(envelope, options.definitions);
  const context = (tx: Tx): MessageContext<Tx> => ({
    tx,
    attempt: message.attempt,
    redelivered: message.redelivered,
    subject: message.subject,
    header: (name) => message.header(name),
    canon: unit,
  });
  const { inbox, handler } = options;
  if (!inbox) {
    await handler(event, context(undefined as Tx));
    return { result: 'acked' };
  }
  const ran = await inbox.run(options.source.consumer, event.id, async (tx) => handler(event, context(tx)));
  return { result: ran ? 'acked' : 'duplicate' };
}

/** Settles `message`; synchronous for a fire-and-forget ack (NATS, RabbitMQ): no extra turn. */
function settle<Tx>(
  options: ResolvedConsumeOptions<Tx>,
  message: SourceMessage,
  unit: WideEvent,
  outcome: Outcome,
): MessageResult | Promise<MessageResult> {
  if (outcome.result !== 'failed') {
    const acked = message.ack();
    const result = outcome.result;
    return acked ? acked.then(() => result) : result;
  }
  return settleFailure(options, message, unit, outcome.error);
}

async function settleFailure<Tx>(
  options: ResolvedConsumeOptions<Tx>,
  message: SourceMessage,
  unit: WideEvent,
  error: unknown,
): Promise<MessageResult> {
  const attempt = message.attempt;
  if ((error as { retriable?: unknown })?.retriable === false || attempt >= options.maxAttempts) {
    await message.deadLetter({
      error: errorSummary(error),
      attempts: attempt,
      consumer: options.source.consumer,
      failedAt: new Date().toISOString(),
    });
    return 'dead_lettered';
  }
  const delay = backoffDelay(attempt, options.backoff);
  unit.set('message.retry_in_ms', delay);
  await message.retry(delay, errorSummary(error));
  return 'retried';
}

/**
 * Handles one delivery; resolves to what became of it once settled, never rejects.
 * `handled()` is called as soon as the handler is done (before the broker confirmed the
 * settlement), so the next message can start while the acknowledgement travels.
 *
 * @example
 * const result = await handleMessage(options, message, () => slots.release()); // 'acked'
 */
export async function handleMessage<Tx>(
  options: ResolvedConsumeOptions<Tx>,
  message: SourceMessage,
  handled: () => void,
): Promise<MessageResult> {
  if (message.redriveFor !== undefined && message.redriveFor !== options.source.consumer) {
    // redriven for another consumer of the same stream: not ours to handle again
    handled();
    try {
      await message.ack();
    } catch {}
    return 'skipped';
  }
  let envelope: EventEnvelope | undefined;
  let outcome: Outcome | undefined;
  try {
    envelope = decodeBody(message.body);
  } catch (error) {
    outcome = { result: 'failed', error };
  }
  const unit = startMessageUnit(options.canon, options.source, message, envelope, options.maxAttempts);
  if (!outcome && message.attempt > options.maxAttempts) {
    const error = new AttemptsExceeded(
      `delivered ${message.attempt} times, more than retry.maxAttempts (${options.maxAttempts}): earlier deliveries were never settled (a consumer crashed or stopped mid-handler)`,
    );
    outcome = { result: 'failed', error };
  }
  if (!outcome) {
    try {
      outcome = await storage.run(unit, () => runHandler(options, message, envelope!, unit));
    } catch (error) {
      outcome = { result: 'failed', error };
    }
  }
  handled();
  if (outcome.result === 'failed') unit.markError(outcome.error);
  let result: MessageResult = 'unsettled';
  try {
    const settled = settle(options, message, unit, outcome);
    result = typeof settled === 'string' ? settled : await settled;
  } catch (err) {
    unit.set('message.settle_error', normalizeError(err));
  }
  const info = unit.fields.message;
  if (isPlainObject(info)) info.result = result;
  unit.end();
  return result;
}
