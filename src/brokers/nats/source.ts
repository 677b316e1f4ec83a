/**
 * @module canon/nats/source
 * `natsSource`: consume a JetStream stream through a durable pull consumer. Several
 * processes with the same `durable` share its messages (competing consumers); different
 * durables on one stream each get every message (fan-out).
 */
import type { JetStreamClient } from 'nats';
import { describe, invalidOption } from '../../core/errors.js';
import type { MessageSource, SourcePolicy, Subscription } from '../../consumer/source.js';
import { redriveNats } from './redrive.js';
import { natsSubscription } from './subscription.js';
import { ensureDeadLetterStream, ensureDurable, ensureStream } from './topology.js';
import { checkJetStream, checkName } from './validate.js';
import { rejectUnknownOptions } from '../../core/option-checks.js';

export interface NatsSourceOptions {
  /** `nc.jetstream()`. */
  js: JetStreamClient;
  /** The stream; created with subjects `<stream>.*.>` when missing. */
  stream: string;
  /** The durable pull consumer; created when missing. */
  durable: string;
  /** Only these subjects, when the durable is created (e.g. `ORDERS.order.*`). */
  filterSubject?: string;
  /** `ack_wait` of a created durable (default 30 000 ms): a crashed consumer's messages are redelivered after it. */
  ackWaitMs?: number;
  /** Messages pulled ahead of the handlers (default max(10, 2 × concurrency)). */
  prefetch?: number;
}

const KNOWN = ['js', 'stream', 'durable', 'filterSubject', 'ackWaitMs', 'prefetch'];
const NANOS_PER_MS = 1_000_000;

function positiveInteger(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1)
    throw invalidOption(option, `expected a positive integer, got ${describe(value)}`);
  return value as number;
}

/**
 * A JetStream source for `consume`.
 *
 * @example
 * import { connect } from 'nats';
 * import { consume } from 'canon/consumer';
 * import { natsSource } from 'canon/nats';
 * const nc = await connect({ servers: '127.0.0.1:4222' });
 * await consume({ canon, source: natsSource({ js: nc.jetstream(), stream: 'ORDERS', durable: 'billing' }), handler });
 */
export function natsSource(options: NatsSourceOptions): MessageSource {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { js, stream, durable, ... }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { js, stream, durable, filterSubject } = options;
  checkJetStream(js);
  checkName(stream, 'stream');
  checkName(durable, 'durable');
  if (filterSubject !== undefined && (typeof filterSubject !== 'string' || filterSubject === ''))
    throw invalidOption('filterSubject', `expected a subject, got ${describe(filterSubject)}`);
  const ackWaitMs = positiveInteger(options.ackWaitMs, 'ackWaitMs') ?? 30_000;
  const prefetch = positiveInteger(options.prefetch, 'prefetch');
  const consumer = `${stream}/${durable}`;

  return {
    kind: 'nats',
    consumer,
    async subscribe(policy: SourcePolicy): Promise<Subscription> {
      const jsm = await js.jetstreamManager();
      await ensureStream(jsm, stream);
      await ensureDeadLetterStream(jsm, stream);
      const info = await ensureDurable(jsm, {
        stream,
        durable,
        filterSubject,
        maxAttempts: policy.maxAttempts,
        ackWaitMs,
      });
      return natsSubscription({
        js,
        consumer: await js.consumers.get(stream, durable),
        stream,
        consumerName: consumer,
        prefetch: prefetch ?? Math.max(10, 2 * policy.concurrency),
        ackWaitMs: (info.config.ack_wait ?? ackWaitMs * NANOS_PER_MS) / NANOS_PER_MS,
      });
    },
    async redrive(limit) {
      return redriveNats(js, stream, consumer, limit);
    },
  };
}
