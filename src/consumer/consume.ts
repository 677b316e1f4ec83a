/**
 * @module canon/consumer/consume
 * `consume`: the consumer runtime. Pulls deliveries from a source only while a handler
 * slot is free (`concurrency`), handles each in its own wide event (./handle), and stops
 * gracefully: stop fetching, finish the handlers in flight and settle them, then close.
 */
import { handleMessage, type MessageResult } from './handle.js';
import { type ConsumeOptions, type ResolvedConsumeOptions, resolveConsumeOptions } from './options.js';
import type { SourceMessage, Subscription } from './source.js';
import { reportBackgroundError } from '../core/background-error.js';

/** Deliveries by what became of them since the consumer started; `in_flight`: handlers running. */
export type ConsumerStats = Record<MessageResult, number> & { in_flight: number };

export interface Consumer {
  /** Stops fetching, waits for the handlers in flight to finish and settle, then closes. */
  stop(): Promise<void>;
  stats(): ConsumerStats;
}

const FIRST_PAUSE_MS = 100;
const MAX_PAUSE_MS = 30_000;

function reportError<Tx>(options: ResolvedConsumeOptions<Tx>, error: unknown, operation: string): void {
  const fields = { message: { source: options.source.kind, consumer: options.source.consumer, operation } };
  reportBackgroundError(
    { canon: options.canon, kind: 'message', fields, onError: options.onError },
    error,
    operation,
  );
}

/**
 * Starts consuming; resolves once subscribed (after migrating the inbox, when given).
 *
 * @example
 * import { consume } from 'canon/consumer';
 * import { natsSource } from 'canon/nats';
 * const consumer = await consume({
 *   canon,
 *   source: natsSource({ js: nc.jetstream(), stream: 'ORDERS', durable: 'billing' }),
 *   concurrency: 8,
 *   retry: { maxAttempts: 5, backoff: { baseMs: 1_000, maxMs: 30_000 } },
 *   handler: async (event, ctx) => {
 *     ctx.canon.set('billing.invoice_id', await invoice(event.data));
 *   },
 * });
 * process.on('SIGTERM', () => consumer.stop());
 */
export async function consume<Tx = undefined>(options: ConsumeOptions<Tx>): Promise<Consumer> {
  const resolved = resolveConsumeOptions(options);
  const { concurrency } = resolved;
  await resolved.inbox?.migrate();
  const subscription: Subscription = await resolved.source.subscribe({
    maxAttempts: resolved.maxAttempts,
    concurrency,
  });
  const counts: Record<MessageResult, number> = {
    acked: 0,
    duplicate: 0,
    retried: 0,
    dead_lettered: 0,
    skipped: 0,
    unsettled: 0,
  };
  // handlers running, and deliveries whose settlement the broker has not confirmed yet
  let inFlight = 0;
  let settling = 0;
  const maxSettling = Math.max(64, concurrency * 4);
  let stopping = false;
  let wake: (() => void) | undefined;
  let drained: (() => void) | undefined;

  const signal = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const waitForSignal = (ms?: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      if (ms !== undefined) setTimeout(resolve, ms).unref();
    });

  function dispatch(message: SourceMessage): void {
    inFlight++;
    settling++;
    const handled = () => {
      inFlight--;
      signal();
    };
    void handleMessage(resolved, message, handled).then((result) => {
      counts[result]++;
      settling--;
      if (settling === 0) drained?.();
      signal();
    });
  }

  async function loop(): Promise<void> {
    let pauseMs = FIRST_PAUSE_MS;
    while (!stopping) {
      if (inFlight >= concurrency || settling >= maxSettling) {
        await waitForSignal();
        continue;
      }
      let message: SourceMessage | undefined;
      try {
        message = await subscription.next();
        pauseMs = FIRST_PAUSE_MS;
      } catch (error) {
        if (stopping) break;
        reportError(resolved, error, 'fetch');
        await waitForSignal(pauseMs);
        pauseMs = Math.min(pauseMs * 2, MAX_PAUSE_MS);
        continue;
      }
      if (!message) break;
      if (stopping) {
        await Promise.resolve(message.release()).catch(() => {});
        break;
      }
      dispatch(message);
    }
  }

  const looping = loop().catch((error) => reportError(resolved, error, 'loop'));
  let stopped: Promise<void> | undefined;

  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        await subscription.stop().catch((error) => reportError(resolved, error, 'stop'));
        signal();
        await looping;
        if (settling > 0) await new Promise<void>((resolve) => (drained = resolve));
        await subscription.close().catch((error) => reportError(resolved, error, 'close'));
      })();
      return stopped;
    },
    stats: () => ({ ...counts, in_flight: inFlight }),
  };
}
