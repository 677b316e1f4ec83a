/**
 * @module canon/browser-ingest/handler
 * `browserIngest(canon, options)`: the node handler that receives `canon/browser`'s
 * batches. In order: method, origin, rate limit, content type, body size, JSON, batch
 * size, then each record becomes one `kind: 'browser'` wide event through the instance's
 * pipeline (redaction, validation and sampling apply). Bad input gets a 4xx and nothing
 * else; a malformed record is counted and dropped while the rest of its batch goes on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isPlainObject } from '../core/paths.js';
import { type BodyResult, readBody } from './body.js';
import { allowedOrigin, allowOrigin, preflight } from './cors.js';
import { type BrowserIngestOptions, type ResolvedIngestOptions, resolveIngestOptions } from './options.js';
import { RateLimiter } from './rate-limit.js';
import { type BatchContext, type BrowserUnit, readRecord, text } from './records.js';

export interface BrowserIngestStats {
  /** POST requests received. */
  requests: number;
  /** Records that became wide events. */
  accepted: number;
  /** Records dropped as malformed (the rest of their batch was kept). */
  malformed_records: number;
  /** Bodies refused with `400`: not JSON, or not `{ records: [...] }`. */
  malformed_bodies: number;
  /** Requests refused with `403`: no `Origin`, or one not in `origins`. */
  forbidden: number;
  /** Requests refused with `413`: body over `maxBodyBytes` or more than `maxBatch` records. */
  too_large: number;
  /** Requests refused with `429`. */
  rate_limited: number;
  /** Clients the rate limiter tracks now (at most `rateLimit.maxClients`). */
  clients: number;
}

/** A node request handler (also Express middleware) with its counters. */
export interface BrowserIngest {
  (req: IncomingMessage, res: ServerResponse, next?: unknown): void;
  stats(): BrowserIngestStats;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const BODY_TYPES = new Set(['', 'text/plain', 'application/json']);

/**
 * Answers with a JSON body. A refusal that leaves part of the body unreceived closes the
 * connection, so the rest is never read.
 */
function reply(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  if (status >= 400 && !res.req.complete) res.setHeader('connection', 'close');
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('content-type', JSON_TYPE);
  res.end(JSON.stringify(body));
}

function emit(config: ResolvedIngestOptions, unit: BrowserUnit): void {
  const event = config.canon.startUnit({
    kind: 'browser',
    traceId: unit.traceId,
    parentSpanId: unit.traceId ? unit.parentSpanId : undefined,
    spanId: unit.spanId,
    fields: { browser: unit.browser },
  });
  if (unit.error) {
    event.fields.error = unit.error;
    event.errorMarked = true;
  }
  for (const [path, value] of unit.fields) event.set(path.join('.'), value);
  event.end();
}

/**
 * Creates the endpoint `initTelemetry({ endpoint })` sends to. `origins` is required; bad
 * options throw a `CanonOptionError` naming the option. Mount it before body parsers.
 *
 * @example
 * import { browserIngest } from 'canon/browser-ingest';
 * const ingest = browserIngest(canon, { origins: ['https://shop.example'], fields: ['user.id'] });
 * app.use('/_canon/browser', ingest); // Express; node:http: if (req.url === '/_canon/browser') ingest(req, res)
 */
export function browserIngest(canon: unknown, options: BrowserIngestOptions): BrowserIngest {
  const config = resolveIngestOptions(canon, options);
  const limits = config.rateLimit;
  const limiter = limits ? new RateLimiter(limits.max, limits.windowMs, limits.maxClients) : undefined;
  const stats: BrowserIngestStats = {
    requests: 0,
    accepted: 0,
    malformed_records: 0,
    malformed_bodies: 0,
    forbidden: 0,
    too_large: 0,
    rate_limited: 0,
    clients: 0,
  };

  function accept(req: IncomingMessage, res: ServerResponse, body: BodyResult): void {
    if (body.kind === 'gone') return;
    if (body.kind === 'too_large') {
      stats.too_large++;
      return reply(res, 413, { error: `the body is larger than ${config.maxBodyBytes} bytes` });
    }
    let batch: unknown;
    try {
      batch = body.kind === 'parsed' ? body.value : JSON.parse(body.text);
    } catch {
      batch = undefined;
    }
    if (!isPlainObject(batch) || !Array.isArray(batch.records)) {
      stats.malformed_bodies++;
      return reply(res, 400, { error: 'expected a JSON body { service, records: [...] }' });
    }
    if (batch.records.length > config.maxBatch) {
      stats.too_large++;
      return reply(res, 413, { error: `more than ${config.maxBatch} records in one request` });
    }
    const context: BatchContext = {
      service: text(batch.service, 100),
      release: text(batch.release, 100),
      userAgent: text(req.headers['user-agent'], 512),
      dropped: Number.isSafeInteger(batch.dropped) && (batch.dropped as number) > 0 ? (batch.dropped as number) : undefined,
    };
    let accepted = 0;
    for (const record of batch.records) {
      const unit = readRecord(record, context, config.fields);
      if (unit === undefined) continue;
      emit(config, unit);
      accepted++;
    }
    stats.accepted += accepted;
    stats.malformed_records += batch.records.length - accepted;
    reply(res, 202, { accepted, dropped: batch.records.length - accepted });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const origin = allowedOrigin(req, config.origins);
    if (req.method === 'OPTIONS') {
      if (!preflight(req, res, origin)) reply(res, 403, { error: 'preflight refused: origin, method or headers not allowed' });
      return;
    }
    if (req.method !== 'POST') return reply(res, 405, { error: 'use POST' }, { allow: 'POST, OPTIONS' });
    stats.requests++;
    if (origin === undefined) {
      stats.forbidden++;
      return reply(res, 403, { error: 'origin not allowed' });
    }
    allowOrigin(res, origin);
    const wait = limiter?.hit(config.ip(req) ?? 'unknown') ?? 0;
    if (wait > 0) {
      stats.rate_limited++;
      return reply(res, 429, { error: 'too many requests' }, { 'retry-after': String(wait) });
    }
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!BODY_TYPES.has(type)) {
      stats.malformed_bodies++;
      return reply(res, 415, { error: 'send text/plain or application/json' });
    }
    readBody(req, config.maxBodyBytes).then(
      (body) => {
        try {
          accept(req, res, body);
        } catch {
          reply(res, 400, { error: 'the batch could not be read' });
        }
      },
      () => reply(res, 400, { error: 'the body could not be read' }),
    );
  }

  const ingest = function canonBrowserIngest(req: IncomingMessage, res: ServerResponse): void {
    try {
      handle(req, res);
    } catch {
      reply(res, 400, { error: 'the request could not be read' });
    }
  } as BrowserIngest;
  ingest.stats = () => ({ ...stats, clients: limiter?.size ?? 0 });
  return ingest;
}
