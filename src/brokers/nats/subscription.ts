/**
 * @module canon/nats/subscription
 * A running JetStream pull subscription as the consumer runtime sees it. Deliveries are
 * settled natively: `ack`, `nak(delay)` for a retry (the server redelivers after the
 * delay and counts the delivery), and a dead letter is published to `<stream>.dlq` before
 * the original is acknowledged. While a handler runs, `working()` is sent every third of
 * the durable's `ack_wait`, so a slow handler is not redelivered to another consumer;
 * a consumer that died stops sending it, and its messages are redelivered after `ack_wait`.
 */
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from 'nats';
import type { DeadLetter, SourceMessage, Subscription } from '../../consumer/source.js';
import { deadLetterHeaders, WireHeaders } from '../../consumer/wire.js';
import { toMsgHdrs } from './headers.js';
import { deadLetterSubject } from './topology.js';

/** Original subject of a dead letter, for redrive. */
export const SUBJECT_HEADER = 'x-canon-subject';
const OMIT_ON_COPY = new Set(['nats-msg-id']);
const NANOS_PER_MS = 1_000_000;

export interface NatsSubscriptionSpec {
  js: JetStreamClient;
  consumer: Consumer;
  stream: string;
  /** `<stream>/<durable>`. */
  consumerName: string;
  prefetch: number;
  ackWaitMs: number;
}

function deliveryOf(msg: JsMsg, spec: NatsSubscriptionSpec, inFlight: Set<JsMsg>): SourceMessage {
  const settled = () => inFlight.delete(msg);
  return {
    body: msg.data,
    header: (name) => msg.headers?.get(name) || undefined,
    subject: msg.subject,
    attempt: msg.info.deliveryCount,
    redelivered: msg.info.redelivered,
    publishedAt: msg.info.timestampNanos / NANOS_PER_MS,
    redriveFor: msg.headers?.get(WireHeaders.redriveFor) || undefined,
    ack() {
      settled();
      msg.ack();
    },
    retry(delayMs) {
      settled();
      msg.nak(delayMs);
    },
    async deadLetter(letter: DeadLetter) {
      await spec.js.publish(deadLetterSubject(spec.stream), msg.data, {
        msgID: `dlq:${spec.consumerName}:${msg.info.streamSequence}`,
        headers: toMsgHdrs(
          { ...deadLetterHeaders(letter), [SUBJECT_HEADER]: msg.subject },
          msg.headers,
          OMIT_ON_COPY,
        ),
      });
      settled();
      msg.ack();
    },
    release() {
      settled(); // no more working(): redelivered after ack_wait (see stop)
    },
  };
}

/**
 * Starts pulling from `spec.consumer`.
 *
 * @example
 * const subscription = await natsSubscription({ js, consumer, stream: 'ORDERS', consumerName: 'ORDERS/billing', prefetch: 20, ackWaitMs: 30_000 });
 */
export async function natsSubscription(spec: NatsSubscriptionSpec): Promise<Subscription> {
  const inFlight = new Set<JsMsg>();
  let stopped = false;
  let messages: ConsumerMessages | undefined;
  let iterator: AsyncIterator<JsMsg> | undefined;

  async function open(): Promise<AsyncIterator<JsMsg>> {
    messages = await spec.consumer.consume({ max_messages: spec.prefetch });
    return (iterator = messages[Symbol.asyncIterator]());
  }
  await open();
  const heartbeat = setInterval(
    () => {
      for (const msg of inFlight) msg.working();
    },
    Math.max(50, Math.floor(spec.ackWaitMs / 3)),
  );
  heartbeat.unref();

  return {
    async next() {
      if (stopped) return undefined;
      const step = await (iterator ?? (await open())).next();
      if (step.done) {
        iterator = undefined;
        if (stopped) return undefined;
        throw new Error(`canon: the JetStream subscription of ${spec.consumerName} ended; subscribing again`);
      }
      const msg = step.value;
      if (stopped) return undefined; // redelivered after ack_wait (see stop)
      inFlight.add(msg);
      return deliveryOf(msg, spec, inFlight);
    },
    async stop() {
      stopped = true;
      messages?.stop();
      const rest = iterator;
      if (!rest) return;
      // Pulled but never started: left unacknowledged, redelivered after ack_wait. A nak
      // would be redelivered at once into this consumer's pull request, which the server
      // keeps open until it expires, and the message would wait there just the same.
      for (let step = await rest.next(); !step.done; step = await rest.next());
    },
    async close() {
      clearInterval(heartbeat);
      await messages?.close();
    },
  };
}
