/**
 * @module canon/consumer/source
 * The small interface between the consumer runtime and a broker. Everything brokers have
 * in common (decoding, upcasting, the wide event per message, retry and dead-letter
 * decisions, idempotency, concurrency, graceful stop) lives once in `canon/consumer`; a
 * source only speaks its broker's protocol:
 *
 * 1. `subscribe(policy)` creates what is missing (stream, durable, queue, group, the
 *    dead-letter destination), accepts what exists as it is, and starts fetching.
 * 2. The runtime pulls deliveries with `subscription.next()` only when it has a free
 *    handler slot, so a source's own buffer (JetStream pull batch, RabbitMQ prefetch,
 *    `XREADGROUP COUNT`) is the only read-ahead.
 * 3. Each delivery is settled exactly once: `ack()` after the handler succeeded,
 *    `retry(delayMs)` with the broker's native delayed redelivery, `deadLetter(letter)`
 *    to publish it to the dead-letter destination and remove it, or `release()` to hand
 *    it back unhandled (used on stop for deliveries fetched but never started).
 * 4. `stop()` stops fetching (a pending `next()` resolves `undefined`); after the runtime
 *    has settled what it was handling, `close()` frees what the subscription opened.
 *
 * Sources of `canon/nats`, `canon/rabbitmq` and `canon/redis-streams` implement it; a
 * source for another broker implements the same four methods and passes `consume`.
 */

/** What the runtime tells a source when subscribing. */
export interface SourcePolicy {
  /** Attempts before dead-lettering (a source may size native limits from it). */
  maxAttempts: number;
  /** Handlers run at once by this consumer (a source may size its read-ahead from it). */
  concurrency: number;
}

/** Why and after how many attempts a message is dead-lettered. */
export interface DeadLetter {
  /** One-line summary of the last error: `"<type>: <message>"`, at most 1 000 characters. */
  error: string;
  /** Attempts made, the last one included. */
  attempts: number;
  /** The consumer that gave up (durable, queue or group). */
  consumer: string;
  /** ISO-8601 time of the decision. */
  failedAt: string;
}

/** One delivery of one message to this consumer. */
export interface SourceMessage {
  /** The message body: a JSON envelope as Canon's publishers write it. */
  readonly body: Uint8Array | string;
  /** A header (NATS header, AMQP header, Redis stream field) by lowercase name. */
  header(name: string): string | undefined;
  /** NATS subject, RabbitMQ queue or Redis stream the message came from. */
  readonly subject: string;
  /** 1 for the first delivery; counts the broker's redeliveries (see each broker's docs). */
  readonly attempt: number;
  /** True when the broker delivered it before (a retry, or a consumer that died). */
  readonly redelivered: boolean;
  /** When the broker accepted the message (ms since the epoch), when known. */
  readonly publishedAt: number | undefined;
  /** Set by `redrive`: only this consumer should handle it, others acknowledge and skip it. */
  readonly redriveFor?: string;
  ack(): Promise<void> | void;
  /** Redeliver after `delayMs` through the broker's native means. */
  retry(delayMs: number, error: string): Promise<void> | void;
  /** Publish to the dead-letter destination with `letter`, then remove from the source. */
  deadLetter(letter: DeadLetter): Promise<void>;
  /**
   * Hand back unhandled (on stop): RabbitMQ requeues it at once, Redis lets the next sweep
   * take it, NATS leaves it to be redelivered after `ack_wait`.
   */
  release(): Promise<void> | void;
}

export interface Subscription {
  /** The next delivery, waiting for one; `undefined` once stopped. Rejects on broker trouble. */
  next(): Promise<SourceMessage | undefined>;
  /** Stops fetching; deliveries fetched but not yet handed out are released. */
  stop(): Promise<void>;
  /** Frees what `subscribe` opened (the caller's own connection stays open). */
  close(): Promise<void>;
}

export interface MessageSource {
  /** Broker name for the wide event's `message.source`: `'nats'`, `'rabbitmq'`, `'redis-streams'`. */
  readonly kind: string;
  /** The consumer's identity (durable, queue, group): the inbox key and the redrive target. */
  readonly consumer: string;
  /** Creates what is missing and starts fetching; resolves once subscribed. */
  subscribe(policy: SourcePolicy): Promise<Subscription>;
  /** Moves up to `limit` dead-lettered messages of this consumer back; resolves to how many. */
  redrive(limit: number): Promise<number>;
}
