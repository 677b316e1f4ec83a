/**
 * @module canon/sinks/otlp/options
 * `otlpSink` options, their defaults and validation (errors name `otlpSink.<option>`).
 */
import { describe, invalidOption } from '../../core/errors.js';
import { isPlainObject } from '../../core/paths.js';

export interface OtlpSinkOptions {
  /**
   * The OTLP/HTTP logs endpoint, e.g. `http://collector:4318/v1/logs`; a URL without a
   * path gets `/v1/logs`. Default: env `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`.
   */
  url?: string;
  /** Extra request headers, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  /** Events per request (default 512). A full batch is sent at once. */
  batchSize?: number;
  /** A partial batch is sent after this many milliseconds (default 1000). */
  flushIntervalMs?: number;
  /** Events waiting to be sent, at most (default 2048); more are dropped and counted. */
  maxQueueSize?: number;
  /** Gzip request bodies (default false). */
  gzip?: boolean;
  /** Retries of a batch after a 429, 5xx, timeout or network error (default 5). */
  maxRetries?: number;
  /** First retry delay; it doubles each retry, with jitter (default 500). */
  retryDelayMs?: number;
  /** Longest retry delay, `Retry-After` included (default 30000). */
  maxRetryDelayMs?: number;
  /** Per-request timeout (default 10000). */
  timeoutMs?: number;
  /** Extra resource attributes, e.g. `{ 'deployment.environment': 'prod' }`. */
  resource?: Record<string, string | number | boolean>;
}

/** The options with defaults applied. */
export interface ResolvedOtlpOptions {
  url: URL;
  headers: Record<string, string>;
  batchSize: number;
  flushIntervalMs: number;
  maxQueueSize: number;
  gzip: boolean;
  maxRetries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  timeoutMs: number;
  resource: Record<string, string | number | boolean>;
}

const DEFAULTS = {
  batchSize: 512,
  flushIntervalMs: 1000,
  maxQueueSize: 2048,
  maxRetries: 5,
  retryDelayMs: 500,
  maxRetryDelayMs: 30_000,
  timeoutMs: 10_000,
};

function endpoint(url: unknown): URL {
  const env = process.env;
  const raw =
    url ??
    env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT ??
    (env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/?$/, '/v1/logs')
      : undefined);
  if (raw === undefined) {
    throw invalidOption(
      'otlpSink.url',
      'required (or set OTEL_EXPORTER_OTLP_LOGS_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT)',
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(String(raw));
  } catch {
    throw invalidOption('otlpSink.url', `expected an http(s) URL, got ${describe(raw)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidOption('otlpSink.url', `expected an http(s) URL, got ${describe(raw)}`);
  }
  if (parsed.pathname === '/') parsed.pathname = '/v1/logs';
  return parsed;
}

function stringRecord(value: unknown, option: string, scalars: boolean): Record<string, never> {
  if (value === undefined) return {};
  const ok =
    isPlainObject(value) &&
    Object.values(value).every(
      (v) => typeof v === 'string' || (scalars && ['number', 'boolean'].includes(typeof v)),
    );
  if (!ok)
    throw invalidOption(
      option,
      `expected an object of ${scalars ? 'scalars' : 'strings'}, got ${describe(value)}`,
    );
  return value as Record<string, never>;
}

/**
 * Validates `otlpSink` options and fills in defaults.
 *
 * @example
 * resolveOtlpOptions({ url: 'http://127.0.0.1:4318' }).url.href // 'http://127.0.0.1:4318/v1/logs'
 */
export function resolveOtlpOptions(options: unknown): ResolvedOtlpOptions {
  if (options === undefined) options = {};
  if (!isPlainObject(options))
    throw invalidOption('otlpSink(options)', `expected an object, got ${describe(options)}`);
  const known = [...Object.keys(DEFAULTS), 'url', 'headers', 'gzip', 'resource'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key))
      throw invalidOption(`otlpSink.${key}`, `unknown option (known: ${known.join(', ')})`);
  }
  const numbers = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[key] ?? DEFAULTS[key];
    const minimum = key === 'maxRetries' || key === 'retryDelayMs' ? 0 : 1;
    if (!Number.isInteger(value) || (value as number) < minimum) {
      throw invalidOption(`otlpSink.${key}`, `expected an integer >= ${minimum}, got ${describe(value)}`);
    }
    numbers[key] = value as number;
  }
  if (options.gzip !== undefined && typeof options.gzip !== 'boolean') {
    throw invalidOption('otlpSink.gzip', `expected a boolean, got ${describe(options.gzip)}`);
  }
  return {
    ...numbers,
    url: endpoint(options.url),
    headers: stringRecord(options.headers, 'otlpSink.headers', false),
    resource: stringRecord(options.resource, 'otlpSink.resource', true),
    gzip: options.gzip === true,
  };
}
