/**
 * @module canon/webhooks/endpoint-input
 * Checking what callers give for an endpoint: its URL (parsed, http(s), through the SSRF
 * guard's literal-address rules), its event type patterns and its secret. Each problem
 * is a `TypeError` naming the field, or the SSRF guard's `CANON_WEBHOOK_SSRF_BLOCKED`.
 */
import { describe, invalidOption } from '../core/errors.js';
import { secretProblem } from './secret.js';
import { checkUrl } from './ssrf.js';

/** `order.placed`, `order.*`, `*`: a `*` segment matches one segment. */
const PATTERN = /^(?:\*|[A-Za-z0-9_-]+)(?:\.(?:\*|[A-Za-z0-9_-]+))*$/;
const MAX_PATTERNS = 100;
const MAX_URL_LENGTH = 2048;

/**
 * @internal A valid endpoint URL, normalized.
 *
 * @example
 * endpointUrl('https://example.com/hooks', false) // 'https://example.com/hooks'
 */
export function endpointUrl(value: unknown, allowPrivateNetworks: boolean): string {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH || !URL.canParse(value)) {
    throw invalidOption('url', `expected an absolute http(s) URL, got ${describe(value)}`);
  }
  const url = new URL(value);
  checkUrl(url, allowPrivateNetworks);
  return url.href;
}

/**
 * @internal Valid event type patterns.
 *
 * @example
 * eventPatterns(['order.*', 'invoice.paid']) // ['order.*', 'invoice.paid']
 */
export function eventPatterns(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PATTERNS) {
    throw invalidOption(
      'events',
      `expected an array of 1 to ${MAX_PATTERNS} event types or patterns ('order.*', '*'), got ${describe(value)}`,
    );
  }
  value.forEach((pattern, i) => {
    if (typeof pattern !== 'string' || !PATTERN.test(pattern)) {
      throw invalidOption(
        `events[${i}]`,
        `expected an event type, 'entity.*' or '*' ('*' stands for a whole segment), got ${describe(pattern)}`,
      );
    }
  });
  return [...new Set(value as string[])];
}

/**
 * @internal A valid secret (`whsec_` + base64 of 24 to 64 bytes).
 *
 * @example
 * endpointSecret(generateSecret(), 'secret')
 */
export function endpointSecret(value: unknown, option: string): string {
  const problem = secretProblem(value);
  if (problem) throw invalidOption(option, problem);
  return value as string;
}
