/** Raw HTTP for the ingest tests: any header (`Origin` included), any body, on 127.0.0.1. */
import http from 'node:http';
import { browserIngest, type BrowserIngest, type BrowserIngestOptions } from '../../src/browser-ingest/index.js';
import { type Canon, createCanon, type CanonConfig, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';

export const ORIGIN = 'https://shop.example';
export const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
export const PAGE_SPAN = '00f067aa0ba902b7';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

/**
 * Sends one request; the body goes as given (a string), `null` sends none.
 *
 * @example
 * const answer = await send(url, 'POST', JSON.stringify(batch), { origin: ORIGIN });
 */
export function send(url: string, method: string, body: string | null, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
      });
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/** POSTs a batch as `sendBeacon` does: text/plain, from `origin`. */
export function beacon(url: string, batch: unknown, origin = ORIGIN, headers: Record<string, string> = {}): Promise<Answer> {
  return send(url, 'POST', typeof batch === 'string' ? batch : JSON.stringify(batch), {
    origin,
    'content-type': 'text/plain;charset=UTF-8',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Test',
    ...headers,
  });
}

export interface Ingest {
  url: string;
  canon: Canon;
  events: Record<string, any>[];
  ingest: BrowserIngest;
  server: http.Server;
  close(): Promise<void>;
}

/**
 * A node:http server whose every request goes to `browserIngest(canon, options)`.
 *
 * @example
 * const app = await startIngest({ origins: [ORIGIN] });
 */
export async function startIngest(options: BrowserIngestOptions, config: CanonConfig = {}): Promise<Ingest> {
  const sink = memorySink();
  const canon = createCanon({ service: 'shop-api', sinks: [sink], handleExit: false, ...config });
  const ingest = browserIngest(canon, options);
  const server = http.createServer((req, res) => ingest(req, res));
  const { url, close } = await listen(server);
  return { url, canon, events: sink.events as Record<string, any>[], ingest, server, close };
}

/** A record of each type, as `canon/browser` sends them. */
export function records(): Record<string, any>[] {
  const base = { timestamp: Date.UTC(2026, 0, 2, 3, 4, 5), url: 'https://shop.example/cart?coupon=SECRET#top', trace_id: TRACE, parent_span_id: PAGE_SPAN };
  return [
    { ...base, type: 'error', error: { type: 'TypeError', message: 'x is undefined', stack: 'TypeError: x is undefined\n    at cart.js:1:1' } },
    { ...base, type: 'rejection', error: { type: 'string', message: 'nope' } },
    { ...base, type: 'log', level: 'warn', message: 'slow cart', fields: { cart_items: 3 } },
    {
      ...base,
      type: 'fetch',
      span_id: 'b7ad6b7169203331',
      fetch: { method: 'POST', path: '/api/orders', status_code: 201, duration_ms: 42.5, request_id: 'req-1' },
    },
    { ...base, type: 'navigation', navigation: { type: 'navigate', ttfb_ms: 80, dom_content_loaded_ms: 300, load_ms: 420, transfer_size: 5120 } },
    { ...base, type: 'vital', vital: { name: 'LCP', value: 1234.5, rating: 'good', id: 'v5-1', navigation_type: 'navigate' } },
  ];
}
