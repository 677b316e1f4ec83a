/**
 * @module canon/audit/hash
 * The hash of one audit record: SHA-256 (or HMAC-SHA256 with a key) over its RFC 8785
 * canonical JSON (the JSON Canonicalization Scheme: sorted keys, ECMAScript number and
 * string forms), so a writer and a verifier agree byte for byte whatever the key order
 * or whitespace of the line. Canonicalization is the `canonicalize` package, written by
 * an author of RFC 8785.
 */
import { createHash, createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { Fields } from '../core/paths.js';

/** Prefix of a keyed hash; an unkeyed one starts with `sha256:`. */
export const HMAC_PREFIX = 'hmac-sha256:';
export const SHA256_PREFIX = 'sha256:';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function wellFormedString(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Replaces lone UTF-16 surrogates (which RFC 8785 refuses) in strings and keys. */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return wellFormedString(value);
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value !== null && typeof value === 'object') {
    const out: Fields = {};
    for (const [key, item] of Object.entries(value)) out[wellFormedString(key)] = wellFormed(item);
    return out;
  }
  return value;
}

/**
 * `value` (parsed JSON) made acceptable to RFC 8785: the value itself when it already
 * is, else a copy with lone surrogates replaced by U+FFFD.
 *
 * @example
 * canonicalReady({ a: '\ud800' }) // { a: '\ufffd' }
 */
export function canonicalReady<T>(value: T): T {
  try {
    canonicalize(value);
    return value;
  } catch {
    return wellFormed(value) as T;
  }
}

/**
 * The chain hash of a record's canonical text: `sha256:<hex>`, or `hmac-sha256:<hex>`
 * with `key`.
 *
 * @example
 * hashText('{"action":"user.delete"}') // 'sha256:…'
 */
export function hashText(text: string, key?: string): string {
  return key === undefined
    ? SHA256_PREFIX + createHash('sha256').update(text).digest('hex')
    : HMAC_PREFIX + createHmac('sha256', key).update(text).digest('hex');
}

/**
 * The chain hash of `record` (parsed JSON, without `audit.hash`).
 *
 * @example
 * auditHash({ kind: 'audit', action: 'user.delete', audit: { chain: 'c', seq: 1, prev: null } })
 * // 'sha256:3f0a…'
 */
export function auditHash(record: Fields, key?: string): string {
  return hashText(canonicalRecord(record).text, key);
}

/**
 * @internal `record` as a reader will parse it back from its line, with its canonical
 * text: the record itself when RFC 8785 accepts it (a snapshot is plain JSON data), else
 * a JSON round trip (NaN and Infinity become null) with lone surrogates replaced.
 *
 * @example
 * const { record, text } = canonicalRecord(copy);
 */
export function canonicalRecord(record: Fields): { record: Fields; text: string } {
  try {
    return { record, text: canonicalize(record) ?? 'null' };
  } catch {
    const ready = canonicalReady(JSON.parse(JSON.stringify(record)) as Fields);
    return { record: ready, text: canonicalize(ready) ?? 'null' };
  }
}
