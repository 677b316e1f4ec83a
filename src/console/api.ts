/**
 * @module canon/console/api
 * The console's JSON API, relative to the page:
 *
 * | route | answer |
 * |---|---|
 * | `GET api/info` | service, which pages have data, buffer size |
 * | `GET api/events?limit=N&where=EXPR` | `{ last_id, capacity, events }`: the newest buffered events |
 * | `GET api/live?last_event_id=ID&where=EXPR` | SSE stream of new events (`event: wide`), resumable |
 * | `POST api/query` `{ sql }` | `{ columns, rows }` (DuckDB over the events) |
 * | `GET api/trace?id=TRACE_ID` | the trace's events as a tree |
 * | `GET api/outbox`, `POST api/outbox/redrive` `{ ids? }` | counts, dead rows; redrive |
 * | `GET api/webhooks`, `POST api/webhooks/redrive` `{ endpointId?, eventId? }` | counts, endpoints, failed deliveries; redrive |
 * | `GET api/dead-letters`, `POST api/dead-letters/redrive` `{ source, consumer }` | dead-lettered messages; redrive |
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CanonError } from '../core/errors.js';
import { compileFilter, type EventFilter } from '../read/expr/index.js';
import { createDeadLetters } from './dead-letters.js';
import { createLive } from './live.js';
import type { ResolvedConsoleOptions } from './options.js';
import { outboxOverview, redriveOutbox } from './outbox.js';
import { createReader } from './reader.js';
import { ApiError, readJson, sendJson } from './respond.js';
import type { ConsoleSink } from './sink.js';
import { redriveWebhooks, webhooksOverview } from './webhooks.js';

type Handler = (url: URL, req: IncomingMessage, res: ServerResponse) => unknown;

const MAX_SNAPSHOT = 10_000;

function limitParam(url: URL, fallback: number, max: number): number {
  const raw = url.searchParams.get('limit');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new ApiError(400, '`limit` must be an integer >= 0');
  return Math.min(value, max);
}

/** The `where` parameter: an expression of `canon tail --where`, or none. */
function whereParam(url: URL): EventFilter | undefined {
  const where = url.searchParams.get('where')?.trim();
  if (!where) return undefined;
  try {
    return compileFilter(where, 'filter');
  } catch (error) {
    if (error instanceof CanonError) throw new ApiError(400, error.message);
    throw error;
  }
}

function needs<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ApiError(404, `this console was created without \`${what}\``);
  return value;
}

/**
 * @example
 * const api = createApi(resolved, sink);
 * await api.handle('events', url, req, res);
 */
export function createApi(options: ResolvedConsoleOptions, sink: ConsoleSink) {
  const live = createLive(sink);
  const letters = createDeadLetters(sink, options.consumers);
  const reader = createReader(options.files, sink);
  const json = (fn: (url: URL, req: IncomingMessage) => unknown): Handler =>
    async function answer(url, req, res) {
      sendJson(res, 200, await fn(url, req));
    };

  const gets: Record<string, Handler> = {
    info: json(() => ({
      service: options.canon?.service,
      capacity: sink.capacity,
      files: options.files,
      pages: {
        outbox: options.outbox !== undefined,
        webhooks: options.webhooks !== undefined,
        dead_letters: true,
      },
    })),
    events(url, _req, res) {
      const body = live.snapshot(limitParam(url, 1_000, MAX_SNAPSHOT), whereParam(url));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
    },
    live(url, req, res) {
      live.connect(req, res, url.searchParams.get('last_event_id') ?? undefined, whereParam(url));
    },
    trace: json((url) => {
      const id = url.searchParams.get('id') ?? '';
      if (!/^[0-9a-f]{32}$/.test(id)) throw new ApiError(400, '`id` must be a trace id (32 lowercase hex)');
      return reader.trace(id);
    }),
    outbox: json(() => outboxOverview(needs(options.outbox, 'outbox'))),
    webhooks: json(() => webhooksOverview(needs(options.webhooks, 'webhooks'))),
    'dead-letters': json(() => letters.overview()),
  };
  const posts: Record<string, Handler> = {
    query: json(async (_url, req) => {
      const { sql } = await readJson(req);
      if (typeof sql !== 'string' || sql.trim() === '') throw new ApiError(400, '`sql` must be a SQL text');
      return reader.query(sql);
    }),
    'outbox/redrive': json(async (_url, req) => redriveOutbox(needs(options.outbox, 'outbox'), await readJson(req))),
    'webhooks/redrive': json(async (_url, req) =>
      redriveWebhooks(needs(options.webhooks, 'webhooks'), await readJson(req)),
    ),
    'dead-letters/redrive': json(async (_url, req) => letters.redrive(await readJson(req))),
  };

  return {
    async handle(name: string, url: URL, req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) {
      const table = req.method === 'POST' ? posts : req.method === 'GET' || req.method === 'HEAD' ? gets : undefined;
      const handler = table && Object.hasOwn(table, name) ? table[name] : undefined;
      if (handler) return handler(url, req, res);
      if (Object.hasOwn(gets, name) || Object.hasOwn(posts, name))
        throw new ApiError(405, `${req.method} is not allowed on api/${name}`);
      if (next) return next();
      throw new ApiError(404, `no api/${name}`);
    },
    close: () => live.close(),
  };
}
