/**
 * @module canon/browser-ingest/records
 * One received record → the parts of its wide event. Only the documented record shape is
 * read (docs/browser-ingest.md): every other key is ignored, strings are cut to a length,
 * ids that are not W3C ids are left out, and page fields are kept only when listed. A
 * record that is not an object, has an unknown `type` or lacks what its type needs is
 * malformed: `undefined`, and the caller counts it.
 */
import { SPAN_ID_PATTERN, TRACE_ID_PATTERN } from '../core/ids.js';
import { type Fields, isPlainObject } from '../core/paths.js';

/** @internal What the batch says about all its records. */
export interface BatchContext {
  service: string | undefined;
  release: string | undefined;
  userAgent: string | undefined;
  dropped: number | undefined;
}

/** @internal A record, ready to become a wide event. */
export interface BrowserUnit {
  traceId: string | undefined;
  parentSpanId: string | undefined;
  spanId: string | undefined;
  browser: Fields;
  error: Fields | undefined;
  fields: [path: readonly string[], value: string | number | boolean][];
}

const LEVELS = new Set(['info', 'warn', 'error']);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const METHOD = /^[A-Z]{1,16}$/;

/** @internal A string cut to `max` characters, or undefined when `value` is not a string. */
export function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' ? value.slice(0, max) : undefined;
}

function number(value: unknown, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}

function id(value: unknown, pattern: RegExp): string | undefined {
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}

/** A URL without query string and fragment. */
function withoutQuery(url: unknown): string | undefined {
  const value = text(url, 2048);
  if (value === undefined) return undefined;
  const cut = value.search(/[?#]/);
  return cut === -1 ? value : value.slice(0, cut);
}

/** Copies the keys of `source` that `read` turns into a value (others are dropped). */
function pick(source: unknown, read: Record<string, (value: unknown) => unknown>): Fields | undefined {
  if (!isPlainObject(source)) return undefined;
  const out: Fields = {};
  for (const key of Object.keys(read)) {
    const value = read[key]!(source[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

const ERROR = {
  type: (v: unknown) => text(v, 200) || 'Error',
  message: (v: unknown) => text(v, 2000),
  stack: (v: unknown) => text(v, 16_000),
};
const FETCH = {
  method: (v: unknown) => (typeof v === 'string' && METHOD.test(v) ? v : undefined),
  path: withoutQuery,
  status_code: (v: unknown) => (Number.isInteger(v) ? number(v, 0, 999) : undefined),
  duration_ms: (v: unknown) => number(v),
  request_id: (v: unknown) => id(v, REQUEST_ID),
  error: (v: unknown) => text(v, 200),
};
const NAVIGATION = {
  type: (v: unknown) => text(v, 40),
  ttfb_ms: (v: unknown) => number(v),
  dom_content_loaded_ms: (v: unknown) => number(v),
  load_ms: (v: unknown) => number(v),
  transfer_size: (v: unknown) => number(v),
};
const VITAL = {
  name: (v: unknown) => text(v, 40),
  value: (v: unknown) => number(v, Number.MIN_SAFE_INTEGER),
  rating: (v: unknown) => text(v, 40),
  id: (v: unknown) => text(v, 100),
  navigation_type: (v: unknown) => text(v, 40),
};

/** The type-specific part of `browser`, and the error; undefined when malformed. */
function byType(record: Fields, browser: Fields): { error?: Fields } | undefined {
  switch (record.type) {
    case 'error':
    case 'rejection': {
      const error = pick(record.error, ERROR);
      if (error?.message === undefined) return undefined;
      if (record.handled === true) browser.handled = true;
      return { error };
    }
    case 'log':
      if (!LEVELS.has(record.level as string) || typeof record.message !== 'string') return undefined;
      browser.level = record.level;
      browser.message = text(record.message, 2000);
      return {};
    case 'fetch': {
      const fetch = pick(record.fetch, FETCH);
      if (fetch?.method === undefined || fetch.path === undefined || fetch.status_code === undefined) return undefined;
      browser.fetch = fetch;
      return {};
    }
    case 'navigation':
      browser.navigation = pick(record.navigation, NAVIGATION);
      return browser.navigation === undefined ? undefined : {};
    case 'vital': {
      const vital = pick(record.vital, VITAL);
      if (vital?.name === undefined || vital.value === undefined) return undefined;
      browser.vital = vital;
      return {};
    }
    default:
      return undefined;
  }
}

/**
 * @internal Reads one record; undefined when it is malformed.
 *
 * @example
 * const unit = readRecord({ type: 'log', level: 'info', message: 'hi', timestamp: 1, url: '/' }, context, []);
 */
export function readRecord(
  record: unknown,
  context: BatchContext,
  allowed: ReadonlyArray<[name: string, path: readonly string[]]>,
): BrowserUnit | undefined {
  if (!isPlainObject(record)) return undefined;
  const timestamp = number(record.timestamp, 0, 8.64e15);
  const browser: Fields = {
    type: record.type,
    url: withoutQuery(record.url),
    service: context.service,
    release: context.release,
    user_agent: context.userAgent,
    timestamp: timestamp === undefined ? undefined : new Date(timestamp).toISOString(),
    dropped: context.dropped,
  };
  const typed = byType(record, browser);
  if (typed === undefined) return undefined;
  for (const key of Object.keys(browser)) if (browser[key] === undefined) delete browser[key];
  const fields: BrowserUnit['fields'] = [];
  const given = isPlainObject(record.fields) ? record.fields : undefined;
  for (const [name, path] of allowed) {
    const value = given !== undefined && Object.hasOwn(given, name) ? given[name] : undefined;
    if (typeof value === 'string') fields.push([path, value.slice(0, 1000)]);
    else if (typeof value === 'boolean' || number(value, -Number.MAX_VALUE, Number.MAX_VALUE) !== undefined) {
      fields.push([path, value as number | boolean]);
    }
  }
  return {
    traceId: id(record.trace_id, TRACE_ID_PATTERN),
    parentSpanId: id(record.parent_span_id, SPAN_ID_PATTERN),
    spanId: record.type === 'fetch' ? id(record.span_id, SPAN_ID_PATTERN) : undefined,
    browser,
    error: typed.error,
    fields,
  };
}
