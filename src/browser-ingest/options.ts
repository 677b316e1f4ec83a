/**
 * @module canon/browser-ingest/options
 * `browserIngest` options, validated when the handler is created: a mistake throws a
 * `CanonOptionError` naming the option, never a request.
 */
import type { IncomingMessage } from 'node:http';
import type { Canon } from '../core/canon.js';
import { describe, invalidOption } from '../core/errors.js';
import { integerOption, rejectUnknownOptions } from '../core/option-checks.js';
import { isPlainObject, splitPath } from '../core/paths.js';

export interface BrowserIngestRateLimit {
  /** Requests one client (IP) may make per window (default 120). */
  max?: number;
  /** The window, in ms (default 60000). */
  windowMs?: number;
  /** Clients tracked at once; past this the oldest window is forgotten (default 10000). */
  maxClients?: number;
}

export interface BrowserIngestOptions {
  /** Origins whose pages may send (`'https://shop.example'`), or `'*'` for any. Required. */
  origins: readonly string[] | '*';
  /** The largest body read, in bytes (default 65536); larger ones get `413`. */
  maxBodyBytes?: number;
  /** The most records in one request (default 100); more gets `413`. */
  maxBatch?: number;
  /** Per-client limit with `429` and `Retry-After`; `false` turns it off. */
  rateLimit?: BrowserIngestRateLimit | false;
  /**
   * The page fields (`initTelemetry({ fields })`, `log.*(message, fields)`) kept on the
   * event, as dot paths (`'user.id'`, `'cart_items'`); every other field is dropped.
   */
  fields?: readonly string[];
  /** The client's address for rate limiting (default: the socket's; behind a proxy, read your proxy's header). */
  ip?: (req: IncomingMessage) => string | undefined;
}

/** @internal */
export interface ResolvedIngestOptions {
  canon: Canon;
  origins: ReadonlySet<string> | '*';
  maxBodyBytes: number;
  maxBatch: number;
  rateLimit: Required<BrowserIngestRateLimit> | undefined;
  fields: ReadonlyArray<[name: string, path: readonly string[]]>;
  ip: (req: IncomingMessage) => string | undefined;
}

const KNOWN = ['origins', 'maxBodyBytes', 'maxBatch', 'rateLimit', 'fields', 'ip'];
/** Fields of every browser event that a page field may not replace. */
const RESERVED = new Set([
  'timestamp', 'kind', 'request_id', 'trace_id', 'span_id', 'parent_span_id', 'service', 'version', 'host',
  'duration_ms', 'outcome', 'error', 'sample_rate', 'schema_errors', 'browser',
]);

function resolveOrigins(origins: unknown): ReadonlySet<string> | '*' {
  if (origins === '*') return '*';
  if (!Array.isArray(origins) || origins.length === 0) {
    throw invalidOption('origins', `required: the origins whose pages may send (['https://shop.example']) or '*', got ${describe(origins)}`);
  }
  origins.forEach((origin, i) => {
    let parsed: string | undefined;
    try {
      parsed = new URL(origin).origin;
    } catch {
      // reported below
    }
    if (typeof origin !== 'string' || parsed !== origin) {
      throw invalidOption(`origins[${i}]`, `expected an origin like 'https://shop.example' (scheme, host, port; no path), got ${describe(origin)}`);
    }
  });
  return new Set(origins as string[]);
}

function resolveRateLimit(rateLimit: unknown): Required<BrowserIngestRateLimit> | undefined {
  if (rateLimit === false) return undefined;
  if (rateLimit !== undefined && !isPlainObject(rateLimit)) {
    throw invalidOption('rateLimit', `expected { max?, windowMs?, maxClients? } or false, got ${describe(rateLimit)}`);
  }
  const given = (rateLimit ?? {}) as BrowserIngestRateLimit;
  rejectUnknownOptions(given, ['max', 'windowMs', 'maxClients'], 'rateLimit.');
  return {
    max: integerOption(given.max, 'rateLimit.max', 120, { min: 1 }),
    windowMs: integerOption(given.windowMs, 'rateLimit.windowMs', 60_000, { min: 1000 }),
    maxClients: integerOption(given.maxClients, 'rateLimit.maxClients', 10_000, { min: 1 }),
  };
}

function resolveFields(fields: unknown): [string, readonly string[]][] {
  if (fields === undefined) return [];
  if (!Array.isArray(fields)) throw invalidOption('fields', `expected an array of field paths, got ${describe(fields)}`);
  return fields.map((name, i) => {
    const path = splitPath(name);
    if (path === undefined) throw invalidOption(`fields[${i}]`, `expected a dot path like 'user.id', got ${describe(name)}`);
    if (RESERVED.has(path[0]!)) throw invalidOption(`fields[${i}]`, `'${path[0]}' is a field Canon sets on every browser event`);
    return [name, path];
  });
}

/**
 * @internal Validates `browserIngest(canon, options)`.
 *
 * @example
 * const resolved = resolveIngestOptions(canon, { origins: ['https://shop.example'] });
 */
export function resolveIngestOptions(canon: unknown, options: unknown): ResolvedIngestOptions {
  if (typeof canon !== 'object' || canon === null || typeof (canon as Canon).startUnit !== 'function') {
    throw invalidOption('browserIngest(canon)', `expected the instance createCanon() returns, got ${describe(canon)}`);
  }
  if (!isPlainObject(options)) {
    throw invalidOption('origins', `required: browserIngest(canon, { origins: ['https://shop.example'] }), got options ${describe(options)}`);
  }
  rejectUnknownOptions(options, KNOWN);
  if (options.ip !== undefined && typeof options.ip !== 'function') {
    throw invalidOption('ip', `expected a function (req) => string, got ${describe(options.ip)}`);
  }
  return {
    canon: canon as Canon,
    origins: resolveOrigins(options.origins),
    maxBodyBytes: integerOption(options.maxBodyBytes, 'maxBodyBytes', 64 * 1024, { min: 1024, max: 16 * 1024 * 1024 }),
    maxBatch: integerOption(options.maxBatch, 'maxBatch', 100, { min: 1, max: 10_000 }),
    rateLimit: resolveRateLimit(options.rateLimit),
    fields: resolveFields(options.fields),
    ip: (options.ip as ResolvedIngestOptions['ip'] | undefined) ?? ((req) => req.socket?.remoteAddress),
  };
}
