/**
 * @module canon/browser-ingest
 * The server half of `canon/browser`: `browserIngest(canon, options)` is a node handler
 * (node:http, Express, Fastify, Koa and Hono on Node through their raw objects) that turns
 * each record a page sends into one `kind: 'browser'` wide event through the instance's
 * pipeline, with the page's `trace_id`, and refuses bad input with a 4xx: origins not
 * allowed, bodies and batches too large, clients over the rate limit, malformed JSON.
 *
 * @example
 * import { browserIngest } from 'canon/browser-ingest';
 * app.use('/_canon/browser', browserIngest(canon, { origins: ['https://shop.example'] }));
 */
export { type BrowserIngest, type BrowserIngestStats, browserIngest } from './handler.js';
export type { BrowserIngestOptions, BrowserIngestRateLimit } from './options.js';
