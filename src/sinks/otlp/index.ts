/**
 * @module canon/sinks/otlp
 * `otlpSink`: ships events as OTLP/HTTP JSON logs. Events wait in a bounded queue (full
 * queue: new events are dropped and counted), go out in batches (by size or after an
 * interval), optionally gzipped, and a failed batch is retried with exponential backoff
 * and jitter on 429, 5xx, timeouts and network errors. Writing never blocks or throws.
 */
import { AsyncResource } from 'node:async_hooks';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { publish, sinkErrorChannel } from '../../core/diagnostics.js';
import type { Fields } from '../../core/paths.js';
import type { Sink } from '../../core/sink.js';
import { encodeLogs } from './encode.js';
import { type OtlpSinkOptions, resolveOtlpOptions } from './options.js';
import { post } from './transport.js';

export type { OtlpSinkOptions } from './options.js';

const gzipAsync = promisify(gzip);

/** Counts of an `otlpSink`, in events (`retries` in requests). */
export interface OtlpSinkStats {
  /** Waiting to be sent. */
  queued: number;
  /** Accepted by the endpoint. */
  exported: number;
  /** Refused because the queue was full or the sink closed. */
  dropped: number;
  /** Lost after the endpoint refused them (4xx) or every retry failed. */
  failed: number;
  /** Requests repeated after a retryable failure. */
  retries: number;
}

export interface OtlpSink extends Sink {
  stats(): OtlpSinkStats;
  flush(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A sink that exports events to an OTLP/HTTP logs endpoint (an OpenTelemetry Collector,
 * or any backend speaking OTLP). Call `await canon.close()` at shutdown so queued events
 * are sent.
 *
 * @example
 * import { createCanon, otlpSink, stdoutSink } from 'canon';
 * const canon = createCanon({
 *   sinks: [stdoutSink(), otlpSink({ url: 'http://collector:4318/v1/logs', headers: { authorization: `Bearer ${token}` }, gzip: true })],
 * });
 */
export function otlpSink(options?: OtlpSinkOptions): OtlpSink {
  const config = resolveOtlpOptions(options);
  const target = { url: config.url, headers: config.headers, timeoutMs: config.timeoutMs };
  const counts = { exported: 0, dropped: 0, failed: 0, retries: 0 };
  const queue: Fields[] = [];
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> | undefined;
  let closed = false;

  function backoff(attempt: number, retryAfterMs?: number): number {
    const exponential = config.retryDelayMs * 2 ** attempt;
    const jittered = exponential / 2 + (Math.random() * exponential) / 2;
    return Math.min(config.maxRetryDelayMs, Math.max(jittered, retryAfterMs ?? 0));
  }

  async function send(batch: Fields[]): Promise<void> {
    const json = Buffer.from(JSON.stringify(encodeLogs(batch, config.resource)));
    const body = config.gzip ? await gzipAsync(json) : json;
    for (let attempt = 0; ; attempt++) {
      const result = await post(target, body, config.gzip ? 'gzip' : undefined);
      if (result.ok) {
        counts.exported += batch.length;
        return;
      }
      if (!result.retryable || attempt >= config.maxRetries) {
        counts.failed += batch.length;
        publish(sinkErrorChannel, () => ({ sink: 'otlp', error: result.error }));
        return;
      }
      counts.retries++;
      await sleep(backoff(attempt, result.retryAfterMs));
    }
  }

  async function drainQueue(): Promise<void> {
    while (queue.length > 0) await send(queue.splice(0, config.batchSize));
  }

  /** Sends a partial batch later, unless a send is already planned. */
  function schedule(): void {
    if (timer !== undefined || draining !== undefined) return;
    timer = setTimeout(startDrain, config.flushIntervalMs);
    timer.unref();
  }

  // Exports run in the context the sink was created in, never in a request's.
  const startDrain = AsyncResource.bind(function startDrain(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    draining ??= drainQueue().finally(() => {
      draining = undefined;
      if (queue.length > 0) schedule(); // written while the last batch was settling
    });
  });

  async function flush(): Promise<void> {
    while (queue.length > 0 || draining) {
      startDrain();
      await draining;
    }
  }

  return {
    write(_line, event) {
      if (closed || queue.length >= config.maxQueueSize) {
        counts.dropped++;
        return;
      }
      queue.push(event);
      if (queue.length >= config.batchSize) startDrain();
      else schedule();
    },
    flush,
    async close() {
      await flush();
      closed = true;
    },
    stats: () => ({ queued: queue.length, ...counts }),
  };
}
