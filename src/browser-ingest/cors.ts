/**
 * @module canon/browser-ingest/cors
 * Which pages may send, and the CORS answers that let them. `sendBeacon` and the
 * telemetry's own `fetch` send `text/plain`, which needs no preflight; a page that posts
 * `application/json` itself is preflighted (`OPTIONS`), and only allowed origins get the
 * headers that let the browser go on.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * @internal The request's `Origin` when it is allowed, else undefined (no header, `null`,
 * or not listed).
 *
 * @example
 * const origin = allowedOrigin(req, new Set(['https://shop.example']));
 */
export function allowedOrigin(req: IncomingMessage, origins: ReadonlySet<string> | '*'): string | undefined {
  const origin = req.headers.origin;
  if (typeof origin !== 'string' || origin === '' || origin === 'null') return undefined;
  return origins === '*' || origins.has(origin) ? origin : undefined;
}

/** @internal Lets `origin` read the answer. */
export function allowOrigin(res: ServerResponse, origin: string): void {
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
}

/**
 * @internal Answers a preflight: `204` with the CORS headers for an allowed origin asking
 * to `POST` with at most a `content-type` header, else `403` without them.
 *
 * @example
 * if (req.method === 'OPTIONS') return preflight(req, res, allowedOrigin(req, origins));
 */
export function preflight(req: IncomingMessage, res: ServerResponse, origin: string | undefined): boolean {
  const method = req.headers['access-control-request-method'];
  const asked = String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'content-type');
  if (origin === undefined || method !== 'POST' || asked.length > 0) return false;
  allowOrigin(res, origin);
  res.setHeader('vary', 'Origin, Access-Control-Request-Headers');
  res.setHeader('access-control-allow-methods', 'POST');
  res.setHeader('access-control-allow-headers', 'content-type');
  res.setHeader('access-control-max-age', '7200');
  res.statusCode = 204;
  res.end();
  return true;
}
