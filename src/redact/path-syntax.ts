/**
 * @module canon/redact/path-syntax
 * Parses redaction paths as pino and fast-redact users write them: dotted keys
 * (`user.email`), wildcards (`*.token`, `**.password`), and brackets (`items[*].card`,
 * `items[0].card`, `headers["x-api-key"]`, `headers['x-api-key']`, where a quoted key may
 * hold any character but its own quote). A path that could never match is refused.
 */
import { invalidOption } from '../core/errors.js';

/** Matches any one key (`*`, `[*]`). */
export const STAR = Symbol('*');
/** Matches zero or more keys (`**`). */
export const GLOBSTAR = Symbol('**');

/** One step of a path: a lowercased key (an array index as its digits), or a wildcard. */
export type PathSegment = string | typeof STAR | typeof GLOBSTAR;

const FORMS =
  'accepted forms: user.email, *.token, **.password, items[*].card, items[0].card, ' +
  `headers["x-api-key"], headers['x-api-key']`;
const INDEX = /^(?:0|[1-9]\d*)$/;

/**
 * Parses one path into segments, or throws a `CanonOptionError` naming `option` whose
 * message shows the accepted forms.
 *
 * @example
 * parseRedactPath('Items[*].card')         // ['items', STAR, 'card']
 * parseRedactPath('headers["X-Api-Key"]')  // ['headers', 'x-api-key']
 */
export function parseRedactPath(path: unknown, option = 'redact.fields'): PathSegment[] {
  if (typeof path !== 'string' || path.trim() === '') {
    throw invalidOption(option, `paths must be non-empty strings, got ${JSON.stringify(path)}; ${FORMS}`);
  }
  const fail = (why: string): never => {
    throw invalidOption(option, `malformed path ${JSON.stringify(path)}: ${why}; ${FORMS}`);
  };
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === '[') i = bracket(path, i, segments, fail);
    else i = bare(path, i, segments, fail);
    if (i === path.length) break;
    if (path[i] === '.') {
      i++;
      if (i === path.length || path[i] === '.' || path[i] === '[') fail(`empty key at character ${i + 1}`);
    } else if (path[i] !== '[') fail(`unexpected ${JSON.stringify(path[i])} at character ${i + 1}`);
  }
  return segments;
}

/** Reads a dotted key from `start`; returns the index after it. */
function bare(path: string, start: number, segments: PathSegment[], fail: (why: string) => never): number {
  let end = start;
  while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
  const key = path.slice(start, end);
  if (key === '') fail(`empty key at character ${start + 1}`);
  if (key.trim() !== key) fail(`key ${JSON.stringify(key)} has surrounding spaces`);
  if (/[\]"']/.test(key)) fail(`${JSON.stringify(key)}: quotes and brackets belong in ["..."]`);
  if (key === '*') segments.push(STAR);
  else if (key === '**') segments.push(GLOBSTAR);
  else if (key.includes('*')) fail(`${JSON.stringify(key)}: * stands alone; a key named so is written ["${key}"]`);
  else segments.push(key.toLowerCase());
  return end;
}

/** Reads `[*]`, `[0]`, `["key"]` or `['key']` from the `[` at `start`; returns the index after `]`. */
function bracket(path: string, start: number, segments: PathSegment[], fail: (why: string) => never): number {
  const quote = path[start + 1];
  if (quote === '"' || quote === "'") {
    const close = path.indexOf(quote, start + 2);
    if (close === -1) fail(`unclosed ${quote} at character ${start + 2}`);
    if (path[close + 1] !== ']') fail(`expected ] after the quoted key at character ${close + 2}`);
    const key = path.slice(start + 2, close);
    if (key === '') fail(`empty key at character ${start + 1}`);
    segments.push(key.toLowerCase());
    return close + 2;
  }
  const close = path.indexOf(']', start);
  if (close === -1) fail(`unclosed [ at character ${start + 1}`);
  const inside = path.slice(start + 1, close);
  if (inside === '*') segments.push(STAR);
  else if (INDEX.test(inside)) segments.push(inside);
  else fail(`[${inside}] is not [*], an index such as [0], or a quoted key such as ["${inside}"]`);
  return close + 1;
}
