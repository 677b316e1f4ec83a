/**
 * @module canon/outbox/relay-options
 * `createRelay` options: types, defaults and validation (a `TypeError` naming the option).
 */
import type { Canon } from '../core/canon.js';
import { describe, invalidOption } from '../core/errors.js';
import type { EventEnvelope } from '../events/envelope.js';
import type { Outbox } from './outbox.js';
import { type BackoffOptions, type ResolvedBackoff, resolveBackoff } from './queue/backoff.js';
import { booleanOption, integerOption, rejectUnknownOptions } from '../core/option-checks.js';

/** Where the relay sends each event. */
export interface PublishContext {
  /** The topic given at enqueue (default: the event type). */
  topic: string;
  /** The ordering key given at enqueue, or null. */
  key: string | null;
  /** 1 for the first attempt. */
  attempt: number;
}

/**
 * Publishes one event; resolves once the broker (bus, webhook endpoint…) accepted it.
 * Throwing or rejecting is a failed attempt; an error with `retriable: false` parks the
 * event dead without further attempts.
 */
export type Publisher = (event: EventEnvelope, context: PublishContext) => unknown;

export interface RelayOptions {
  outbox: Outbox;
  publish: Publisher;
  /** Emits one wide event (`kind: 'outbox'`) per publish attempt through this instance. */
  canon?: Canon;
  /** Rows claimed per round trip (default 100). */
  batchSize?: number;
  /** Events published at once; one key's events always one at a time (default 10). */
  concurrency?: number;
  /** Polling backstop in ms (default 1 000). */
  pollIntervalMs?: number;
  /** Wake on LISTEN/NOTIFY (default true). */
  listen?: boolean;
  /** Attempts before an event is parked dead, all attempts counted (default 10). */
  maxAttempts?: number;
  /** How long a claim is held before another relay may take the rows over (default 30 000 ms). */
  leaseMs?: number;
  /** Exponential backoff with jitter between attempts (default { baseMs: 1 000, maxMs: 60 000 }). */
  backoff?: BackoffOptions;
  /** Published rows are deleted after this (default 7 days; 0 deletes them on publish). */
  retentionMs?: number;
  /** How often retention runs (default 60 000 ms). */
  cleanupIntervalMs?: number;
  /** A publish still pending after this counts as failed (default 30 000 ms). */
  publishTimeoutMs?: number;
  /** Database errors of the relay loop (it keeps going; also emitted as wide events when `canon` is set). */
  onError?: (error: unknown, operation: string) => void;
}

export interface ResolvedRelayOptions {
  outbox: Outbox;
  publish: Publisher;
  canon?: Canon;
  batchSize: number;
  concurrency: number;
  pollIntervalMs: number;
  listen: boolean;
  maxAttempts: number;
  leaseMs: number;
  backoff: ResolvedBackoff;
  retentionMs: number;
  cleanupIntervalMs: number;
  publishTimeoutMs: number;
  onError?: (error: unknown, operation: string) => void;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const INTEGERS = {
  batchSize: [100, 1, 10_000],
  concurrency: [10, 1, 10_000],
  pollIntervalMs: [1_000, 1, DAY_MS],
  maxAttempts: [10, 1, 1_000],
  leaseMs: [30_000, 100, DAY_MS],
  retentionMs: [7 * DAY_MS, 0, 3650 * DAY_MS],
  cleanupIntervalMs: [60_000, 10, DAY_MS],
  publishTimeoutMs: [30_000, 1, DAY_MS],
} as const;

function integer(options: RelayOptions, name: keyof typeof INTEGERS): number {
  const [fallback, min, max] = INTEGERS[name];
  return integerOption(options[name], name, fallback, { min, max });
}

const KNOWN = new Set([
  'outbox',
  'publish',
  'canon',
  'listen',
  'backoff',
  'onError',
  ...Object.keys(INTEGERS),
]);

/**
 * Validates relay options and fills in defaults.
 *
 * @example
 * resolveRelayOptions({ outbox, publish }).maxAttempts // 10
 */
export function resolveRelayOptions(options: RelayOptions): ResolvedRelayOptions {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { outbox, publish, ... }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { outbox, publish, canon, onError } = options;
  if (typeof outbox?.migrate !== 'function' || !outbox.spec)
    throw invalidOption('outbox', `expected createOutbox(...), got ${describe(outbox)}`);
  if (typeof publish !== 'function')
    throw invalidOption(
      'publish',
      `expected (event, { topic, key, attempt }) => Promise, got ${describe(publish)}`,
    );
  if (canon !== undefined && typeof canon?.startUnit !== 'function')
    throw invalidOption('canon', `expected createCanon(...), got ${describe(canon)}`);
  if (onError !== undefined && typeof onError !== 'function')
    throw invalidOption('onError', `expected a function, got ${describe(onError)}`);
  booleanOption(options.listen, 'listen', true);
  return {
    outbox,
    publish,
    canon,
    onError,
    listen: options.listen ?? true,
    backoff: resolveBackoff(options.backoff, 'backoff'),
    batchSize: integer(options, 'batchSize'),
    concurrency: integer(options, 'concurrency'),
    pollIntervalMs: integer(options, 'pollIntervalMs'),
    maxAttempts: integer(options, 'maxAttempts'),
    leaseMs: integer(options, 'leaseMs'),
    retentionMs: integer(options, 'retentionMs'),
    cleanupIntervalMs: integer(options, 'cleanupIntervalMs'),
    publishTimeoutMs: integer(options, 'publishTimeoutMs'),
  };
}
