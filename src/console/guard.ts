/**
 * @module canon/console/guard
 * Who may open the console. Without a token it answers only on a loopback listener
 * (127.0.0.0/8, ::1), to a loopback `Host` (so a web page that rebinds its DNS name to
 * 127.0.0.1 gets nothing) and never through a proxy (forwarding headers present). With a
 * token (`CANON_CONSOLE_TOKEN`) every request must carry it: `Authorization: Bearer …`,
 * the cookie set when the page was opened with `?token=…`, or `?token=…` itself.
 * Tokens are compared in constant time. Writes (redrive) also need the page's own
 * `x-canon-console` header, which a cross-site form cannot send.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

export const TOKEN_COOKIE = 'canon_console';
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (plain === '::1') return true;
  return isIP(plain) === 4 && plain.startsWith('127.');
}

/** True when `host` (a Host header) names this machine's loopback. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  const lower = name.toLowerCase();
  return lower === 'localhost' || lower.endsWith('.localhost') || isLoopbackAddress(lower);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time equality of two secrets (lengths hidden by hashing first). */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

function cookieToken(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1].trim();
}

function refuse(res: ServerResponse, status: number, message: string): false {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`canon console: ${message}\n`);
  return false;
}

/** What the guard decided: `false` when it answered the request itself. */
export interface GuardInput {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** The console's base path (ends with `/`), for the cookie's Path. */
  base: string;
  /** Whether the request changes something (redrive). */
  write: boolean;
}

/**
 * Builds the check run before every console request.
 *
 * @example
 * const guard = createGuard(process.env.CANON_CONSOLE_TOKEN);
 * if (!guard({ req, res, url, base: '/_canon/', write: false })) return;
 */
export function createGuard(token: string | undefined) {
  return function guard({ req, res, url, base, write }: GuardInput): boolean {
    if (req.headers['sec-fetch-site'] === 'cross-site' && req.headers['sec-fetch-mode'] !== 'navigate')
      return refuse(res, 403, 'cross-site requests are refused');
    if (write && req.headers['x-canon-console'] !== '1')
      return refuse(res, 403, 'writes need the x-canon-console header the page sends');
    if (token !== undefined) {
      const fromQuery = url.searchParams.get('token') ?? undefined;
      if (sameToken(bearerToken(req), token) || sameToken(cookieToken(req), token)) return true;
      if (!sameToken(fromQuery, token))
        return refuse(res, 401, 'a token is required: open the page with ?token=<CANON_CONSOLE_TOKEN>');
      const cookie = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=${base}; HttpOnly; SameSite=Strict`;
      res.setHeader('set-cookie', cookie);
      return true;
    }
    const proxied = PROXY_HEADERS.some((name) => req.headers[name] !== undefined);
    if (!isLoopbackAddress(req.socket?.localAddress) || proxied)
      return refuse(
        res,
        403,
        'without a token the console answers on a loopback address only; set CANON_CONSOLE_TOKEN to serve it here',
      );
    if (!isLoopbackHost(req.headers.host)) return refuse(res, 403, 'the Host header is not a loopback name');
    return true;
  };
}
