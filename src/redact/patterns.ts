/**
 * @module canon/redact/patterns
 * Value patterns: built-in detectors for e-mail addresses, card numbers (Luhn-checked),
 * bearer tokens and JWTs, plus user RegExps. The matched part of a string is replaced,
 * in values and in keys (`{ byEmail: { 'ada@example.com': 1 } }`).
 */
import { invalidOption } from '../core/errors.js';

export type BuiltinPattern = 'email' | 'credit_card' | 'bearer' | 'jwt';

/** A compiled pattern: replaces the sensitive parts of one string. */
export type StringScrubber = (value: string) => string;

// The lookbehind starts a match only at the beginning of a run of local-part characters:
// without it a long run with no `@` (a header, a base64 blob) is rescanned from every
// position, quadratic time on a string any client controls.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const BEARER = /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi;
// Same for JWTs: with a plain `\b`, `eyJ-eyJ-eyJ-…` (128 KB in a header) started a match at
// every `eyJ` and rescanned the rest of the run each time: 23 s of blocked event loop.
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/**
 * True when the digits of `candidate` pass the Luhn checksum.
 *
 * @example
 * luhnValid('4242 4242 4242 4242') // true
 */
export function luhnValid(candidate: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = candidate.length - 1; i >= 0; i--) {
    const code = candidate.charCodeAt(i);
    if (code < 48 || code > 57) continue;
    let digit = code - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
    digits++;
  }
  return digits >= 13 && digits <= 19 && sum % 10 === 0;
}

function regexScrubber(pattern: RegExp, replacement: string): StringScrubber {
  const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
  return (value) => {
    global.lastIndex = 0;
    return global.test(value) ? value.replace(global, replacement) : value;
  };
}

function cardScrubber(replacement: string): StringScrubber {
  return (value) => {
    CARD.lastIndex = 0;
    if (!CARD.test(value)) return value;
    return value.replace(CARD, (match) => (luhnValid(match) ? replacement : match));
  };
}

/**
 * Compiles `redact.patterns` entries into scrubbers; throws naming the option on bad input.
 *
 * @example
 * const [scrub] = compilePatterns(['email'], '[REDACTED]');
 * scrub('mail ada@example.com') // 'mail [REDACTED]'
 */
export function compilePatterns(patterns: unknown[], replacement: string): StringScrubber[] {
  return patterns.map((pattern, i) => {
    if (pattern instanceof RegExp) return regexScrubber(pattern, replacement);
    switch (pattern) {
      case 'email':
        return regexScrubber(EMAIL, replacement);
      case 'credit_card':
        return cardScrubber(replacement);
      case 'bearer':
        return regexScrubber(BEARER, replacement);
      case 'jwt':
        return regexScrubber(JWT, replacement);
      default:
        throw invalidOption(
          `redact.patterns[${i}]`,
          `expected 'email', 'credit_card', 'bearer', 'jwt' or a RegExp, got ${JSON.stringify(String(pattern))}`,
        );
    }
  });
}

/** How many clean keys a key scrubber remembers before it starts over. */
const CLEAN_KEYS = 4096;

/**
 * `scrub` for object keys. Keys repeat from event to event, so the ones the patterns leave
 * unchanged are remembered (up to 4096) and skip the patterns next time; a key that holds
 * data (an e-mail address) is scrubbed each time and never kept.
 *
 * @example
 * const scrubKey = keyScrubber(compilePatterns(['email'], '[REDACTED]')[0]);
 * scrubKey('ada@example.com') // '[REDACTED]'
 */
export function keyScrubber(scrub: StringScrubber): StringScrubber {
  const clean = new Set<string>();
  return (key) => {
    if (clean.has(key)) return key;
    const scrubbed = scrub(key);
    if (scrubbed === key) {
      if (clean.size === CLEAN_KEYS) clean.clear();
      clean.add(key);
    }
    return scrubbed;
  };
}
