/**
 * @module canon/console/console
 * `createConsole`: the console as one node request handler. It serves the page, its
 * files and a small JSON API (see ./api), after the guard (./guard) let the request in.
 * Nothing it does throws into the caller: a failing API call answers its error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getWideEvent } from '../core/context.js';
import { createApi } from './api.js';
import { isAsset, SECURITY_HEADERS, sendAsset } from './assets.js';
import { feedFromCanon, ownRequests } from './feed.js';
import { createGuard } from './guard.js';
import { type ConsoleOptions, resolveConsoleOptions } from './options.js';
import { ApiError, sendJson } from './respond.js';
import { resolveRoute } from './route.js';
import { type ConsoleSink, consoleSink } from './sink.js';

/** The handler `createConsole` returns. */
export interface ConsoleHandler {
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void;
  /** The buffer the Live, Query and Trace pages read. */
  readonly sink: ConsoleSink;
  /** Stops following the instance's events and ends the live streams. */
  close(): Promise<void>;
}

function fail(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const status = error instanceof ApiError ? error.status : (error as { code?: string })?.code === 'CANON_INVALID_OPTION' ? 400 : 500;
  sendJson(res, status, { error: error instanceof Error ? error.message : String(error) });
}

/**
 * Creates the console. Mount it on any path: it uses relative URLs only.
 *
 * @example
 * import express from 'express';
 * import { createConsole } from 'canon/console';
 * const app = express();
 * app.use('/_canon', createConsole({ canon, outbox, webhooks })); // before canonExpress(canon)
 * app.use(canonExpress(canon));
 * // node:http
 * const handler = createConsole({ canon });
 * http.createServer((req, res) => (req.url?.startsWith('/_canon') ? handler(req, res) : app(req, res)));
 */
export function createConsole(options: ConsoleOptions): ConsoleHandler {
  const resolved = resolveConsoleOptions(options);
  const sink = resolved.sink ?? consoleSink({ size: resolved.size });
  const own = ownRequests();
  const stopFeed = resolved.canon && !resolved.sink ? feedFromCanon(resolved.canon, sink, own) : () => {};
  const guard = createGuard(resolved.token);
  const api = createApi(resolved, sink);

  async function serve(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): Promise<void> {
    const route = resolveRoute(req);
    if (route.type === 'redirect') {
      res.writeHead(308, { location: route.location });
      res.end();
      return;
    }
    const write = req.method === 'POST';
    if (!guard({ req, res, url: route.url, base: route.base, write })) return;
    if (route.type === 'api') {
      await api.handle(route.name, route.url, req, res, next);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, `${req.method} is not served here`);
    if (route.type === 'asset') {
      if (isAsset(route.name)) return sendAsset(req, res, route.name);
      if (next) return next();
      throw new ApiError(404, `no file ${route.name}`);
    }
    if (route.url.searchParams.has('token')) {
      // the cookie is set: drop the token from the address bar and history
      res.writeHead(303, { location: route.base, ...SECURITY_HEADERS });
      res.end();
      return;
    }
    return sendAsset(req, res, 'index.html');
  }

  const handler = function canonConsole(req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void {
    const unit = getWideEvent();
    if (unit) own.add(unit.request_id);
    serve(req, res, next).catch((error) => fail(res, error));
  } as ConsoleHandler;
  Object.defineProperty(handler, 'sink', { value: sink, enumerable: true });
  handler.close = async function close() {
    stopFeed();
    await api.close();
  };
  return handler;
}
