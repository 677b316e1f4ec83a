/**
 * @module canon/console/route
 * Where a request goes, whatever path the console is mounted on. The page uses relative
 * URLs only (`api/events`, `assets/app.js`), so the console routes on the end of the
 * full path (`req.originalUrl` under Express, else `req.url`): `…/` is the page,
 * `…/assets/<file>` and `…/api/<name>[/<action>]` its files and API, and a path without
 * its trailing slash (`/_canon`) is redirected to it so relative URLs resolve below it.
 */
import type { IncomingMessage } from 'node:http';

export type Route =
  | { type: 'page'; base: string; url: URL }
  | { type: 'asset'; base: string; url: URL; name: string }
  | { type: 'api'; base: string; url: URL; name: string }
  | { type: 'redirect'; location: string };

const ASSET_NAME = /^[A-Za-z0-9_.-]+$/;
const API_SEGMENT = /^[a-z-]+$/;

interface Match {
  base: string;
  asset?: string;
  api?: string;
}

/**
 * Splits a pathname into the mount path (`base`, ending in `/`) and what is below it: the
 * longest base that leaves nothing, `assets/<file>` or `api/<name>[/<action>]`. Segments
 * only, no pattern over the whole path: linear in its length, whatever a client sends.
 */
function splitPath(path: string): Match | undefined {
  if (path.endsWith('/')) return { base: path };
  const parts = path.split('/');
  const n = parts.length;
  const baseBefore = (count: number) => `${parts.slice(0, n - count).join('/')}/`;
  if (n >= 3 && parts[n - 2] === 'assets' && ASSET_NAME.test(parts[n - 1])) return { base: baseBefore(2), asset: parts[n - 1] };
  if (n >= 3 && parts[n - 2] === 'api' && API_SEGMENT.test(parts[n - 1])) return { base: baseBefore(2), api: parts[n - 1] };
  if (n >= 4 && parts[n - 3] === 'api' && API_SEGMENT.test(parts[n - 2]) && API_SEGMENT.test(parts[n - 1])) {
    return { base: baseBefore(3), api: `${parts[n - 2]}/${parts[n - 1]}` };
  }
  return undefined;
}

/**
 * @example
 * resolveRoute({ url: '/_canon/api/events?limit=10' } as IncomingMessage)
 * // { type: 'api', base: '/_canon/', name: 'events', url }
 */
export function resolveRoute(req: IncomingMessage): Route {
  const full = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  let url: URL;
  try {
    url = new URL(full, 'http://console.invalid');
  } catch {
    url = new URL('/', 'http://console.invalid');
  }
  const match = splitPath(url.pathname);
  // one leading slash: `//host/` would be a redirect to another site
  if (!match) return { type: 'redirect', location: `/${url.pathname.replace(/^\/+/, '')}/${url.search}` };
  const { base, asset, api } = match;
  if (asset !== undefined) return { type: 'asset', base, url, name: asset };
  if (api !== undefined) return { type: 'api', base, url, name: api };
  return { type: 'page', base, url };
}
