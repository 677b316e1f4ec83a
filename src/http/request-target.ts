/**
 * @module canon/http/request-target
 * The `path` of a request from its request target as received: the origin form
 * (`/users/1?x=2`) or the absolute form a client may send, to a proxy or not
 * (`http://user:pass@host/users/1?x=2`). Only the path is kept: never the query, and
 * never the scheme, host or userinfo of an absolute form.
 */

import { flatSlice } from '../core/flat-string.js';

/** `scheme://authority` at the start of an absolute-form target (RFC 9112 §3.2.2). */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

/**
 * The path of a request target, as sent (not decoded, dot segments kept).
 *
 * @example
 * pathOf('/users/1?x=2')                          // '/users/1'
 * pathOf('http://user:pass@example.com/abs?t=x')  // '/abs'
 * pathOf('http://example.com')                    // '/'
 * pathOf('*')                                     // '*' (OPTIONS *)
 */
export function pathOf(target: string): string {
  let start = 0;
  if (target.charCodeAt(0) !== 47 /* '/' */) start = ABSOLUTE_FORM.exec(target)?.[0].length ?? 0;
  let end = target.length;
  for (let i = start; i < end; i++) {
    const code = target.charCodeAt(i);
    if (code === 63 /* '?' */ || code === 35 /* '#' */) end = i;
  }
  return start > 0 && end === start ? '/' : flatSlice(target, start, end);
}
