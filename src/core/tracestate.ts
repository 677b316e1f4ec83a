/**
 * @module canon/core/tracestate
 * W3C Trace Context Level 1 `tracestate`: the vendor entries that travel next to
 * `traceparent`. Canon adds no entry of its own; it checks the incoming list and passes
 * it on unchanged to every call made in the same trace. One invalid or duplicated
 * member, or more than 32 members, discards the whole header (the spec's rule).
 *
 * Grammar (https://www.w3.org/TR/trace-context-1/#tracestate-header):
 * - members are separated by `,` with optional spaces and tabs around them; empty
 *   members are allowed and dropped; at most 32 non-empty members;
 * - key: `simple-key` (`[a-z0-9][a-z0-9_*\/-]{0,255}`; the ABNF says a letter first,
 *   its prose note allows a digit, and so does Level 2) or `tenant@system`
 *   (`[a-z0-9][a-z0-9_*\/-]{0,240}@[a-z][a-z0-9_*\/-]{0,13}`);
 * - value: 1–256 printable ASCII characters (0x20–0x7E) except `,` and `=`, not ending
 *   in a space (leading spaces belong to the value).
 */

/** At most this many list members (W3C). */
const MAX_MEMBERS = 32;
/** Longer input is refused unread: 32 members of 256 + 1 + 256 characters, with room for separators. */
const MAX_INPUT = 32 * 1024;

const SIMPLE_KEY = /^[a-z0-9][a-z0-9_*/-]{0,255}$/;
const TENANT_KEY = /^[a-z0-9][a-z0-9_*/-]{0,240}@[a-z][a-z0-9_*/-]{0,13}$/;
const VALUE = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** True for HTTP optional whitespace (space, horizontal tab). */
function isOws(code: number): boolean {
  return code === 32 || code === 9;
}

/** `text[from, to)` without the optional whitespace around it. */
function trimmed(text: string, from: number, to: number): string {
  while (from < to && isOws(text.charCodeAt(from))) from++;
  while (to > from && isOws(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

function isKey(key: string): boolean {
  return key.includes('@') ? TENANT_KEY.test(key) : SIMPLE_KEY.test(key);
}

/**
 * The list of `header` as Canon propagates it — its members in order, joined by `,`
 * without optional whitespace — or undefined when it is absent, empty or invalid.
 * Several header lines are one list: pass them joined with `,` (as node's
 * `req.headers` and fetch's `headers.get()` do) or as an array.
 *
 * @example
 * parseTracestate('rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE') // 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'
 * parseTracestate('foo=1,foo=2')                               // undefined (duplicate key)
 */
export function parseTracestate(header: string | readonly string[] | undefined | null): string | undefined {
  if (header === undefined || header === null) return undefined;
  const text = typeof header === 'string' ? header : Array.isArray(header) ? header.join(',') : undefined;
  if (text === undefined || text.length > MAX_INPUT) return undefined;
  const keys: string[] = [];
  let list = '';
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf(',', from);
    if (to === -1) to = text.length;
    const member = trimmed(text, from, to);
    from = to + 1;
    if (member === '') continue;
    const eq = member.indexOf('=');
    if (eq === -1) return undefined;
    const key = member.slice(0, eq);
    if (!isKey(key) || !VALUE.test(member.slice(eq + 1)) || keys.includes(key)) return undefined;
    if (keys.push(key) > MAX_MEMBERS) return undefined;
    list = list === '' ? member : `${list},${member}`;
  }
  return list === '' ? undefined : list;
}
