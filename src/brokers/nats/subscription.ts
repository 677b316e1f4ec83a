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

/**
 * Acks sent together once the current burst of work is done (`setImmediate`): the client
 * writes one frame per flush, so a batch of acks costs one socket write instead of one each.
 */
function ackBatcher() {
  let batch: JsMsg[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const sending = batch;
    batch = [];
    for (const msg of sending) msg.ack();
  };
  return {
    flush,
    ack(msg: JsMsg) {
      batch.push(msg);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
}

type AckBatcher = ReturnType<typeof ackBatcher>;

/** What the deliveries of one subscription share. */
interface Shared {
  spec: NatsSubscriptionSpec;
  inFlight: Set<JsMsg>;
  acks: AckBatcher;
}

/** One delivery (a class: one allocation per message on the hot path). */
class NatsDelivery implements SourceMessage {
  readonly body: Uint8Array;
  readonly subject: string;
  readonly attempt: number;
  readonly redelivered: boolean;
  readonly publishedAt: number;
  readonly redriveFor: string | undefined;

  constructor(
    private readonly msg: JsMsg,
    private readonly shared: Shared,
  ) {
    const { info } = msg;
    this.body = msg.data;
    this.subject = msg.subject;
    this.attempt = info.deliveryCount;
    this.redelivered = info.redelivered;
    this.publishedAt = info.timestampNanos / NANOS_PER_MS;
    this.redriveFor = msg.headers?.get(WireHeaders.redriveFor) || undefined;
  }

  header(name: string): string | undefined {
    return this.msg.headers?.get(name) || undefined;
  }

  ack(): void {
    this.shared.inFlight.delete(this.msg);
    this.shared.acks.ack(this.msg);
  }

  retry(delayMs: number): void {
    this.shared.inFlight.delete(this.msg);
    this.msg.nak(delayMs);
  }

  async deadLetter(letter: DeadLetter): Promise<void> {
    const { msg, shared } = this;
    const { js, stream, consumerName } = shared.spec;
    await js.publish(deadLetterSubject(stream), msg.data, {
      msgID: `dlq:${consumerName}:${msg.info.streamSequence}`,
      headers: toMsgHdrs(
        { ...deadLetterHeaders(letter), [SUBJECT_HEADER]: msg.subject },
        msg.headers,
        OMIT_ON_COPY,
      ),
    });
    shared.inFlight.delete(msg);
    msg.ack();
  }

  release(): void {
    this.shared.inFlight.delete(this.msg); // no more working(): redelivered after ack_wait (see stop)
  }
}

/**
 * Starts pulling from `spec.consumer`.
 *
 * @example
 * const subscription = await natsSubscription({ js, consumer, stream: 'ORDERS', consumerName: 'ORDERS/billing', prefetch: 20, ackWaitMs: 30_000 });
 */
export async function natsSubscription(spec: NatsSubscriptionSpec): Promise<Subscription> {
  const inFlight = new Set<JsMsg>();
  const acks = ackBatcher();
  const shared: Shared = { spec, inFlight, acks };
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
      return new NatsDelivery(msg, shared);
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
      acks.flush();
      await messages?.close();
    },
  };
}
