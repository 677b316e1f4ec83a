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

const PATTERN = /^(.*\/)(?:assets\/([A-Za-z0-9_.-]+)|api\/([a-z-]+(?:\/[a-z-]+)?))?$/;

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
  const match = PATTERN.exec(url.pathname);
  // one leading slash: `//host/` would be a redirect to another site
  if (!match) return { type: 'redirect', location: `/${url.pathname.replace(/^\/+/, '')}/${url.search}` };
  const [, base, asset, api] = match;
  if (asset !== undefined) return { type: 'asset', base, url, name: asset };
  if (api !== undefined) return { type: 'api', base, url, name: api };
  return { type: 'page', base, url };
}
