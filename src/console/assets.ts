/**
 * @module canon/console/assets
 * The page's files, shipped in the package (`assets/` beside this module) plus uPlot's
 * build from its npm package: no CDN, nothing fetched at run time. Each file is read
 * once, gzipped once, and served with a strict Content-Security-Policy.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Served names → where they come from (`uplot:` = the uplot package's dist folder). */
const FILES: Record<string, string> = {
  'index.html': 'index.html',
  'app.js': 'app.js',
  'live.js': 'live.js',
  'query.js': 'query.js',
  'trace.js': 'trace.js',
  'ops.js': 'ops.js',
  'util.js': 'util.js',
  'chart.js': 'chart.js',
  'style.css': 'style.css',
  'uplot.js': 'uplot:uPlot.iife.min.js',
  'uplot.css': 'uplot:uPlot.min.css',
};

/** Page security headers: only this origin's scripts, styles and connections. */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface Loaded {
  type: string;
  body: Buffer;
  gzipped: Buffer;
}

const require = createRequire(import.meta.url);
const cache = new Map<string, Promise<Loaded>>();

function locate(source: string): string | URL {
  if (source.startsWith('uplot:')) return require.resolve(`uplot/dist/${source.slice(6)}`);
  return new URL(`./assets/${source}`, import.meta.url);
}

async function load(name: string): Promise<Loaded> {
  const source = FILES[name];
  const body = await readFile(locate(source));
  return { type: TYPES[name.slice(name.lastIndexOf('.'))], body, gzipped: gzipSync(body, { level: 9 }) };
}

/** True when `name` is one of the page's files. */
export function isAsset(name: string): boolean {
  return Object.hasOwn(FILES, name);
}

/** Every served file name (the page-weight test sums them). */
export const ASSET_NAMES = Object.keys(FILES);

/**
 * Sends asset `name` (gzipped when the client accepts it).
 *
 * @example
 * await sendAsset(req, res, 'app.js');
 */
export async function sendAsset(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  let loading = cache.get(name);
  if (!loading) {
    loading = load(name);
    cache.set(name, loading);
    loading.catch(() => cache.delete(name));
  }
  const file = await loading;
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? file.gzipped : file.body;
  res.writeHead(200, {
    'content-type': file.type,
    'content-length': body.length,
    'cache-control': 'no-cache',
    vary: 'accept-encoding',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    ...SECURITY_HEADERS,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
