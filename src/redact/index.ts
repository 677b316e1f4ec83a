/**
 * @module canon/redact
 * Builds the redaction stage: path rules (`mask`, `remove`, `hash`) and value patterns,
 * applied to the event's copy, never to the live object.
 */
import { createHmac } from 'node:crypto';
import { describe, invalidOption } from '../core/errors.js';
import { type Fields, isPlainObject } from '../core/paths.js';
import { type MatchState, PathMatcher, parseRedactPath, type Strategy } from './path-trie.js';
import { type BuiltinPattern, compilePatterns, type StringScrubber } from './patterns.js';

export type { BuiltinPattern, Strategy };

/** One redaction rule: a path, optionally with its own strategy. */
export type RedactField = string | { path: string; strategy?: Strategy };

export interface RedactConfig {
  /** Default true when a `redact` object is given. */
  enabled?: boolean;
  /** What happens to a matched value (default `'mask'`). */
  strategy?: Strategy;
  /** Paths: `user.email`, `*.token` (one segment), `**.password` (any depth, top level too). */
  fields?: RedactField[];
  /** Patterns applied to every string value: built-ins or RegExps. */
  patterns?: Array<BuiltinPattern | RegExp>;
  /** HMAC key of the `hash` strategy; required when any rule hashes. */
  salt?: string;
  /** The mask text (default `'[REDACTED]'`). */
  replacement?: string;
}

/** Redacts a snapshot in place. */
export type Redactor = (event: Fields) => void;

const STRATEGIES = new Set<Strategy>(['mask', 'remove', 'hash']);

function checkStrategy(value: unknown, option: string): Strategy {
  if (!STRATEGIES.has(value as Strategy)) {
    throw invalidOption(option, `unknown strategy ${describe(value)}; use 'mask', 'remove' or 'hash'`);
  }
  return value as Strategy;
}

/**
 * Validates `redact` and compiles it; returns undefined when there is nothing to do.
 *
 * @example
 * const redact = createRedactor({ fields: ['user.email'] })!;
 * const copy = { user: { email: 'a@b.co' } };
 * redact(copy); // copy.user.email === '[REDACTED]'
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

  const apply = (target: Fields, key: string, rule: Strategy): void => {
    if (rule === 'remove') delete target[key];
    else if (rule === 'mask') target[key] = replacement;
    else target[key] = hashValue(target[key], config.salt as string);
  };

  return function redact(event: Fields): void {
    if (hasPaths) walkPaths(event, matcher, matcher.start(), apply);
    if (scrubbers.length > 0) scrubStrings(event, scrubbers);
  };
}

/** `"sha256:"` + the first 16 hex digits of HMAC-SHA256(salt, value). */
export function hashValue(value: unknown, salt: string): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return `sha256:${createHmac('sha256', salt).update(text).digest('hex').slice(0, 16)}`;
}

function walkPaths(
  node: unknown,
  matcher: PathMatcher,
  state: MatchState,
  apply: (target: Fields, key: string, rule: Strategy) => void,
): void {
  if (Array.isArray(node)) {
    for (const item of node)
      if (item !== null && typeof item === 'object') walkPaths(item, matcher, state, apply);
    return;
  }
  const target = node as Fields;
  for (const key of Object.keys(target)) {
    const next = matcher.next(state, key);
    if (next.dead) continue;
    if (next.strategy) apply(target, key, next.strategy);
    else {
      const value = target[key];
      if (value !== null && typeof value === 'object') walkPaths(value, matcher, next, apply);
    }
  }
}

function scrubStrings(node: Fields | unknown[], scrubbers: StringScrubber[]): void {
  const keys = Array.isArray(node) ? node.keys() : Object.keys(node);
  for (const key of keys) {
    const value = (node as Record<string | number, unknown>)[key];
    if (typeof value === 'string') {
      let scrubbed = value;
      for (const scrub of scrubbers) scrubbed = scrub(scrubbed);
      if (scrubbed !== value) (node as Record<string | number, unknown>)[key] = scrubbed;
    } else if (value !== null && typeof value === 'object') {
      scrubStrings(value as Fields, scrubbers);
    }
  }
}
