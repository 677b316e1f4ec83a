/**
 * @module canon/browser/telemetry
 * `initTelemetry`: the page's errors, logs, traced API calls, navigation timing and Web
 * Vitals, sent in batches to `canon/browser-ingest`, where each record becomes a
 * `kind: 'browser'` wide event. Nothing here throws into the page once it is running:
 * every handler catches its own failures.
 */
import { cleanFields, clip, describeError } from './describe.js';
import { check, inRange } from './options.js';
import { propagate } from './propagation.js';
import { parseTraceparent, randomHex } from './ids.js';
import type { BrowserRecord, FieldValue } from './records.js';
import { createSender, type TelemetryStats } from './sender.js';

export interface TelemetryOptions {
  /** Where `canon/browser-ingest` listens (a path, or a URL on another origin). */
  endpoint: string;
  /** The web app's name, recorded as `browser.service`. */
  service: string;
  /** The app's version or build id (`browser.release`). */
  release?: string;
  /** The share of page loads that send records, decided once per page (default 1). */
  sampleRate?: number;
  /** Records per request (default 20, at most 100). */
  maxBatch?: number;
  /** Records kept while waiting; past this the oldest are dropped and counted (default 100). */
  maxQueue?: number;
  /** How long a record may wait before its batch is sent (default 5000 ms). */
  flushIntervalMs?: number;
  /** Same-origin path prefixes whose `fetch` calls get `traceparent` and `x-request-id`, e.g. `['/api']`. */
  propagateTo?: readonly string[];
  /** Send one record with the page's navigation timing after it loads (default false). */
  navigation?: boolean;
  /** Fields on every record (`user.id`, `plan`…); the ingest keeps only those it lists. */
  fields?: Record<string, FieldValue>;
  /** The trace the page belongs to; default: `<meta name="traceparent" content="00-…">` when present. */
  traceparent?: string;
}

/** A Web Vital as the `web-vitals` package reports it (`onLCP(telemetry.vital)`). */
export interface VitalMetric {
  name: string;
  value: number;
  rating?: string;
  id?: string;
  navigationType?: string;
}

export type LogFields = Record<string, FieldValue>;

export interface Telemetry {
  /** The page's trace id: on every record and every traced `fetch`. */
  readonly traceId: string;
  /** False when `sampleRate` left this page load out: nothing is sent. */
  readonly sampled: boolean;
  readonly log: {
    info(message: string, fields?: LogFields): void;
    warn(message: string, fields?: LogFields): void;
    error(message: string, fields?: LogFields): void;
  };
  /** Records an error the page caught (`handled: true`). */
  captureError(error: unknown, fields?: LogFields): void;
  /** Records a Web Vital; pass it to `web-vitals`: `onLCP(telemetry.vital)`. */
  vital(metric: VitalMetric): void;
  /** Sets (or, with `undefined`, removes) a field sent on every later record. */
  set(name: string, value: FieldValue | undefined): void;
  /** Sends what is queued now. */
  flush(): Promise<void>;
  /** Stops capturing, restores `fetch`, and sends what is queued. */
  close(): Promise<void>;
  stats(): TelemetryStats;
}

/** A record as the page describes it; `timestamp`, `url` and the trace are added when it is queued. */
type Described = BrowserRecord extends infer R ? (R extends BrowserRecord ? Omit<R, 'timestamp' | 'url'> : never) : never;

let active: Telemetry | undefined;

function checkOptions(options: TelemetryOptions): void {
  check(typeof options === 'object' && options !== null, 'options', 'an object', options);
  const { endpoint, service, release, propagateTo, fields, traceparent } = options;
  check(typeof endpoint === 'string' && endpoint !== '', 'endpoint', 'a URL or path', endpoint);
  check(typeof service === 'string' && service !== '', 'service', 'a non-empty string', service);
  check(release === undefined || typeof release === 'string', 'release', 'a string', release);
  check(inRange(options.sampleRate, 0, 1), 'sampleRate', 'a number from 0 to 1', options.sampleRate);
  check(inRange(options.maxBatch, 1, 100), 'maxBatch', 'a number from 1 to 100', options.maxBatch);
  check(inRange(options.maxQueue, 1, 10_000), 'maxQueue', 'a number from 1 to 10000', options.maxQueue);
  check(inRange(options.flushIntervalMs, 1, 600_000), 'flushIntervalMs', 'a number of ms', options.flushIntervalMs);
  check(
    propagateTo === undefined || (Array.isArray(propagateTo) && propagateTo.every((p) => typeof p === 'string' && p.startsWith('/'))),
    'propagateTo',
    "an array of same-origin path prefixes ('/api')",
    propagateTo,
  );
  check(fields === undefined || (typeof fields === 'object' && fields !== null), 'fields', 'an object', fields);
  check(traceparent === undefined || typeof traceparent === 'string', 'traceparent', 'a string', traceparent);
}

/**
 * Starts capturing the page's errors, unhandled rejections and logs, and sends them to
 * `endpoint`. A second call closes the first. Bad options throw a `TypeError` naming the
 * option (`err.option`), at once; nothing throws afterwards.
 *
 * @example
 * import { initTelemetry } from 'canon/browser';
 * const telemetry = initTelemetry({ endpoint: '/_canon/browser', service: 'shop-web', propagateTo: ['/api'] });
 * telemetry.log.info('checkout opened', { cart_items: 3 });
 */
export function initTelemetry(options: TelemetryOptions): Telemetry {
  checkOptions(options);
  void active?.close();
  const endpoint = new URL(options.endpoint, location.href).href;
  const pageFields: Record<string, FieldValue> = {};
  cleanFields(pageFields, options.fields);
  const parent = parseTraceparent(
    options.traceparent ?? document.querySelector<HTMLMetaElement>('meta[name="traceparent"]')?.content,
  );
  const traceId = parent?.[0] ?? randomHex(16);
  const sampled = Math.random() < (options.sampleRate ?? 1);
  const sender = createSender({
    endpoint,
    service: options.service,
    release: options.release,
    maxBatch: options.maxBatch ?? 20,
    maxQueue: options.maxQueue ?? 100,
    flushIntervalMs: options.flushIntervalMs ?? 5000,
    fetch: globalThis.fetch.bind(globalThis),
  });
  let closed = false;

  /** Queues the record `describe` makes; whatever fails on the way (a value that cannot be read) is dropped. */
  function record(describe: () => Described, fields?: unknown): void {
    try {
      if (!sampled || closed) return;
      const partial = describe();
      const all = { ...pageFields };
      cleanFields(all, fields);
      const full = { ...partial, timestamp: Date.now(), url: location.origin + location.pathname, trace_id: traceId } as BrowserRecord;
      if (parent) full.parent_span_id = parent[1];
      if (Object.keys(all).length > 0) full.fields = all;
      sender.push(full);
    } catch {
      // telemetry never breaks the page
    }
  }

  const logAt = (level: 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) =>
    record(() => ({ type: 'log', level, message: clip(String(message), 1000) }), fields);
  const onError = (event: ErrorEvent): void =>
    record(() => ({ type: 'error', error: describeError(event.error, event.error ? undefined : event.message) }));
  const onRejection = (event: PromiseRejectionEvent): void =>
    record(() => ({ type: 'rejection', error: describeError(event.reason) }));
  const onHidden = (): void => {
    if (document.visibilityState === 'hidden') sender.beacon();
  };
  function onLoaded(): void {
    setTimeout(() => {
      const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
      if (!nav) return;
      const { type, responseStart, domContentLoadedEventEnd, loadEventEnd, transferSize } = nav;
      const ms = (value: number) => Math.round(value * 10) / 10;
      record(() => ({
        type: 'navigation',
        navigation: { type, ttfb_ms: ms(responseStart), dom_content_loaded_ms: ms(domContentLoadedEventEnd), load_ms: ms(loadEventEnd), transfer_size: transferSize },
      }));
    });
  }

  addEventListener('error', onError);
  addEventListener('unhandledrejection', onRejection);
  addEventListener('pagehide', sender.beacon);
  document.addEventListener('visibilitychange', onHidden);
  if (options.navigation && document.readyState === 'complete') onLoaded();
  else if (options.navigation) addEventListener('load', onLoaded, { once: true });
  const restore = options.propagateTo?.length
    ? propagate(options.propagateTo, traceId, sampled ? '01' : '00', endpoint, (call) => record(() => call))
    : undefined;

  const telemetry: Telemetry = {
    traceId,
    sampled,
    log: { info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
    captureError: (error, fields) => record(() => ({ type: 'error', handled: true, error: describeError(error) }), fields),
    vital: (metric) =>
      record(() => ({
        type: 'vital',
        vital: { name: String(metric.name), value: Number(metric.value), rating: metric.rating, id: metric.id, navigation_type: metric.navigationType },
      })),
    set(name, value) {
      if (value === undefined) delete pageFields[name];
      else cleanFields(pageFields, { [name]: value });
    },
    flush: () => sender.flush().catch(() => {}),
    async close() {
      if (closed) return;
      closed = true;
      if (active === telemetry) active = undefined;
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onRejection);
      removeEventListener('pagehide', sender.beacon);
      removeEventListener('load', onLoaded);
      document.removeEventListener('visibilitychange', onHidden);
      restore?.();
      await telemetry.flush();
      sender.stop();
    },
    stats: () => sender.stats(),
  };
  active = telemetry;
  return telemetry;
}
