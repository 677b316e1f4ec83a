/**
 * @module canon/redact
 * Builds the redaction stage: path rules (`mask`, `remove`, `hash`) and value patterns,
 * applied to the event's copy, never to the live object.
 */
import { createHmac } from 'node:crypto';
import { describe, invalidOption } from '../core/errors.js';
import { isPlainObject } from '../core/paths.js';
import { PathMatcher, type Strategy } from './path-trie.js';
import { parseRedactPath } from './path-syntax.js';
import { type BuiltinPattern, compilePatterns, keyScrubber, type StringScrubber } from './patterns.js';

export type { BuiltinPattern, Strategy };

/** One redaction rule: a path, optionally with its own strategy. */
export type RedactField = string | { path: string; strategy?: Strategy };

export interface RedactConfig {
  /** Default true when a `redact` object is given. */
  enabled?: boolean;
  /** What happens to a matched value (default `'mask'`). */
  strategy?: Strategy;
  /**
   * Paths: `user.email`, `*.token` (one segment), `**.password` (any depth, top level too),
   * pino's brackets: `items[*].card`, `items[0].card`, `headers["x-api-key"]`.
   */
  fields?: RedactField[];
  /** Patterns applied to every string value and every key: built-ins or RegExps. */
  patterns?: Array<BuiltinPattern | RegExp>;
  /** HMAC key of the `hash` strategy; required when any rule hashes. */
  salt?: string;
  /** The mask text (default `'[REDACTED]'`). */
  replacement?: string;
}

/**
 * The compiled rules, applied by the snapshot walk (src/core/snapshot.ts) while it copies
 * the event: `matcher` follows the paths key by key, `replace` gives a matched value's
 * replacement (`remove` drops the key), `scrub` rewrites strings with the patterns and
 * `scrubKey` keys.
 */
export interface Redactor {
  matcher?: PathMatcher;
  replace(strategy: Exclude<Strategy, 'remove'>, copied: unknown): unknown;
  scrub?: StringScrubber;
  scrubKey?: StringScrubber;
}

const STRATEGIES = new Set<Strategy>(['mask', 'remove', 'hash']);

function checkStrategy(value: unknown, option: string): Strategy {
  if (!STRATEGIES.has(value as Strategy)) {
    throw invalidOption(option, `unknown strategy ${describe(value)}; use 'mask', 'remove' or 'hash'`);
  }
  return value as Strategy;
}

/**
 * Validates `redact` and compiles it for the snapshot walk; returns undefined when there
 * is nothing to do.
 *
 * @example
 * const redactor = createRedactor({ fields: ['user.email'] });
 * snapshot({ user: { email: 'a@b.co' } }, DEFAULT_LIMITS, false, redactor)
 * // { user: { email: '[REDACTED]' } }
 */
export function createRedactor(config: RedactConfig | false | undefined): Redactor | undefined {
  if (config === undefined || config === false) return undefined;
  if (!isPlainObject(config)) throw invalidOption('redact', `expected an object, got ${describe(config)}`);
  if (config.enabled === false) return undefined;
  const strategy = checkStrategy(config.strategy ?? 'mask', 'redact.strategy');
  const replacement = config.replacement ?? '[REDACTED]';
  if (typeof replacement !== 'string') throw invalidOption('redact.replacement', 'expected a string');
  const fields = config.fields ?? [];
  if (!Array.isArray(fields))
    throw invalidOption('redact.fields', `expected an array, got ${describe(fields)}`);
  const patterns = config.patterns ?? [];
  if (!Array.isArray(patterns)) {
    throw invalidOption('redact.patterns', `expected an array, got ${describe(patterns)}`);
  }

  const matcher = new PathMatcher();
  let hashes = false;
  fields.forEach((field, i) => {
    const rule = typeof field === 'string' ? { path: field } : field;
    if (!isPlainObject(rule))
      throw invalidOption(`redact.fields[${i}]`, 'expected a path or { path, strategy }');
    const own =
      rule.strategy === undefined ? strategy : checkStrategy(rule.strategy, `redact.fields[${i}].strategy`);
    hashes ||= own === 'hash';
    matcher.add(parseRedactPath(rule.path, 'redact.fields'), own);
  });
  if (hashes && (typeof config.salt !== 'string' || config.salt === '')) {
    throw invalidOption('redact.salt', 'a non-empty salt is required by the hash strategy');
  }
  const scrubbers = compilePatterns(patterns, replacement);
  const hasPaths = fields.length > 0;
  if (!hasPaths && scrubbers.length === 0) return undefined;

  const salt = config.salt as string;
  const scrub: StringScrubber | undefined =
    scrubbers.length === 0
      ? undefined
      : (value) => {
          let scrubbed = value;
          for (const scrubber of scrubbers) scrubbed = scrubber(scrubbed);
          return scrubbed;
        };
  return {
    matcher: hasPaths ? matcher : undefined,
    replace: (rule, copied) => (rule === 'mask' ? replacement : hashValue(copied, salt)),
    scrub,
    scrubKey: scrub && keyScrubber(scrub),
  };
}

/** `"sha256:"` + the first 16 hex digits of HMAC-SHA256(salt, value). */
export function hashValue(value: unknown, salt: string): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return `sha256:${createHmac('sha256', salt).update(text).digest('hex').slice(0, 16)}`;
}
