/**
 * @module canon/nats/publisher
 * `natsPublisher`: a relay publisher (`createRelay({ publish })`) over JetStream. Each
 * event is published with `Nats-Msg-Id` = its id, so JetStream drops a re-publish of the
 * same event within the stream's duplicate window (a relay retrying after a lost ack),
 * and the promise resolves once JetStream acknowledged storing it. Headers are kept few
 * (`ce-type`, `traceparent`): every consumer parses all of them for each message.
 */
import type { JetStreamClient } from 'nats';
import { describe, invalidOption } from '../../core/errors.js';
import { encodeEvent } from '../../consumer/wire.js';
import type { EventEnvelope } from '../../events/envelope.js';
import type { PublishContext, Publisher } from '../../outbox/relay-options.js';
import { toMsgHdrs } from './headers.js';
import { ensureStream } from './topology.js';
import { checkJetStream, checkName } from './validate.js';
import { integerOption, rejectUnknownOptions } from '../../core/option-checks.js';

export interface NatsPublisherOptions {
  /** `nc.jetstream()`. */
  js: JetStreamClient;
  /** The subject of each event, e.g. `(event) => \`ORDERS.${event.type}\``. */
  subject: (event: EventEnvelope, context: PublishContext) => string;
  /** Create this stream (subjects `<stream>.*.>`) on first publish when it is missing. */
  stream?: string;
  /** How long to wait for JetStream's ack (default 5 000 ms). */
  timeoutMs?: number;
}

const KNOWN = ['js', 'subject', 'stream', 'timeoutMs'];

/**
 * A publisher to JetStream.
 *
 * @example
 * import { connect } from 'nats';
 * import { natsPublisher } from 'canon/nats';
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * const relay = createRelay({
 *   outbox,
 *   publish: natsPublisher({ js: nc.jetstream(), stream: 'ORDERS', subject: (event) => `ORDERS.${event.type}` }),
 * });
 */
export function natsPublisher(options: NatsPublisherOptions): Publisher {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { js, subject, stream? }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { js, subject, stream, timeoutMs = 5_000 } = options;
  checkJetStream(js);
  if (typeof subject !== 'function')
    throw invalidOption(
      'subject',
      `expected (event, { topic, key, attempt }) => string, got ${describe(subject)}`,
    );
  if (stream !== undefined) checkName(stream, 'stream');
  integerOption(timeoutMs, 'timeoutMs', undefined, { min: 1 });
  let ready: Promise<void> | undefined;
  const ensure = () =>
    (ready ??= (async () => ensureStream(await js.jetstreamManager(), stream!))().catch((err) => {
      ready = undefined; // try again on the next publish
      throw err;
    }));

  return async function publishToNats(event, context) {
    if (stream !== undefined) await ensure();
    const { body, headers } = encodeEvent(event, 'compact');
    await js.publish(subject(event, context), body, {
      msgID: event.id,
      headers: toMsgHdrs(headers),
      timeout: timeoutMs,
    });
  };
}
