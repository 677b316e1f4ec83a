/**
 * @module canon/browser/sender
 * The telemetry queue. Records wait in a bounded queue (when it is full the oldest is
 * dropped, and counted) and leave in batches: as soon as `maxBatch` are waiting, else
 * every `flushIntervalMs`, and with `navigator.sendBeacon` when the page is hidden or
 * unloaded. A batch refused with `429` or `5xx`, or lost to the network, goes back to the
 * front of the queue and waits (`Retry-After`, else backoff); one refused for good (`4xx`)
 * is dropped and counted. Bodies are `text/plain` JSON, so no CORS preflight is needed.
 */
import { backoff } from './backoff.js';
import type { BrowserRecord } from './records.js';

/** @internal */
export interface SenderOptions {
  endpoint: string;
  service: string;
  release: string | undefined;
  maxBatch: number;
  maxQueue: number;
  flushIntervalMs: number;
  /** The page's own `fetch`, as it was before `propagateTo` wrapped it. */
  fetch: typeof fetch;
}

export interface TelemetryStats {
  /** Records waiting to be sent. */
  queued: number;
  /** Records the endpoint accepted (or handed to `sendBeacon`). */
  sent: number;
  /** Records lost: the queue was full (oldest first), or the endpoint refused them for good. */
  dropped: number;
}

/** @internal */
export interface Sender {
  push(record: BrowserRecord): void;
  /** Sends everything queued (not waiting out a `429`); resolves when done. */
  flush(): Promise<void>;
  /** Hands everything queued to `sendBeacon` (page hidden or going away). */
  beacon(): void;
  stats(): TelemetryStats;
  stop(): void;
}

/** Under the ingest's default 64 KiB body limit and the 64 KiB keepalive/beacon quota. */
const MAX_BODY_BYTES = 60_000;
const MAX_RETRY_MS = 60_000;
const encoder = new TextEncoder();

/**
 * @internal Creates the queue and its sending loop.
 *
 * @example
 * const sender = createSender({ endpoint: '/_canon/browser', service: 'web', ... });
 * sender.push(record);
 */
export function createSender(options: SenderOptions): Sender {
  const { endpoint, maxBatch, maxQueue } = options;
  const head = `{"service":${JSON.stringify(options.service)},${
    options.release === undefined ? '' : `"release":${JSON.stringify(options.release)},`
  }"dropped":`;
  const queue: string[] = [];
  let sent = 0;
  let dropped = 0;
  let failures = 0;
  let pausedUntil = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  function trim(): void {
    while (queue.length > maxQueue) {
      queue.shift();
      dropped++;
    }
  }

  function schedule(ms: number): void {
    if (timer === undefined && queue.length > 0 && !stopped) {
      timer = setTimeout(() => {
        timer = undefined;
        void send();
      }, ms);
    }
  }

  /** The next batch off the queue: up to `maxBatch` records and `MAX_BODY_BYTES`. */
  function take(): [body: string, records: string[]] | undefined {
    let size = 100;
    let count = 0;
    while (count < queue.length && count < maxBatch) {
      size += encoder.encode(queue[count]!).length + 1;
      if (count > 0 && size > MAX_BODY_BYTES) break;
      count++;
    }
    if (count === 0) return undefined;
    const records = queue.splice(0, count);
    return [`${head}${dropped},"records":[${records.join(',')}]}`, records];
  }

  function retryLater(records: string[], afterMs: number | undefined): void {
    failures++;
    queue.unshift(...records);
    trim();
    pausedUntil = Date.now() + (afterMs ?? backoff(failures - 1, options.flushIntervalMs, MAX_RETRY_MS));
  }

  async function post(body: string, records: string[]): Promise<void> {
    try {
      const response = await options.fetch(endpoint, { method: 'POST', body, keepalive: true });
      if (response.ok) {
        sent += records.length;
        failures = 0;
      } else if (response.status === 429 || response.status >= 500) {
        const seconds = Number(response.headers.get('retry-after'));
        retryLater(records, seconds > 0 ? Math.min(seconds * 1000, MAX_RETRY_MS * 5) : undefined);
      } else dropped += records.length; // refused for good (403, 413, 400): resending cannot help
    } catch {
      retryLater(records, undefined);
    }
  }

  function send(): Promise<void> {
    if (inFlight) return inFlight;
    const wait = pausedUntil - Date.now();
    if (wait > 0) {
      schedule(wait);
      return Promise.resolve();
    }
    const batch = take();
    if (!batch) return Promise.resolve();
    inFlight = post(...batch).finally(() => {
      inFlight = undefined;
      if (queue.length >= maxBatch && failures === 0) void send();
      else schedule(Math.max(options.flushIntervalMs, pausedUntil - Date.now()));
    });
    return inFlight;
  }

  return {
    push(record) {
      queue.push(JSON.stringify(record));
      trim();
      if (queue.length >= maxBatch) void send();
      else schedule(options.flushIntervalMs);
    },
    async flush() {
      while (inFlight || (queue.length > 0 && pausedUntil <= Date.now())) await (inFlight ?? send());
    },
    beacon() {
      for (let batch = take(); batch; batch = take()) {
        let queued = false;
        try {
          queued = navigator.sendBeacon(endpoint, batch[0]);
        } catch {
          // no sendBeacon here, or it refused the URL: a keepalive fetch may still go
        }
        if (queued) sent += batch[1].length;
        else {
          queue.unshift(...batch[1]); // over the beacon quota: a keepalive fetch may still go
          pausedUntil = 0;
          void send();
          return;
        }
      }
    },
    stats: () => ({ queued: queue.length, sent, dropped }),
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
