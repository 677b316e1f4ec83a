/**
 * @module canon/webhooks/options
 * `createWebhooks` options: types, defaults and validation (a `TypeError` naming the option).
 */
import type { Canon } from '../core/canon.js';
import { describe, invalidOption } from '../core/errors.js';
import { isPlainObject } from '../core/paths.js';
import type { OutboxStore } from '../outbox/store/types.js';
import { resolveSchedule } from './schedule.js';
import { booleanOption, integerOption, rejectUnknownOptions } from '../core/option-checks.js';

export interface WebhooksOptions {
  /** `pgStore(pool)` or `pgliteStore(db)` from `canon/outbox`. */
  store: OutboxStore;
  /** Tables are `<prefix>_endpoints`, `_deliveries`, `_attempts`; may be schema-qualified (default `'canon_webhook'`). */
  tablePrefix?: string;
  /** Delays in ms: `schedule[0]` before the first attempt, `schedule[n]` after failed attempt n (default: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h). */
  schedule?: number[];
  /** One attempt's time limit, connection to last byte kept (default 15 000 ms). */
  timeoutMs?: number;
  /** Let endpoints resolve to loopback, private and link-local addresses (default false: refused). For local development and tests only. */
  allowPrivateNetworks?: boolean;
  /** An endpoint failing every attempt for this long is disabled (default 5 days). */
  disableAfterMs?: number;
  /** Emits one wide event (`kind: 'webhook'`) per attempt through this instance. */
  canon?: Canon;
  /** The `user-agent` header (default `'Canon-Webhooks/1'`). */
  userAgent?: string;
  /**
   * Send W3C `traceparent` and `tracestate` to endpoints, so a receiver that traces joins
   * the sender's trace (default false: endpoints usually belong to others, and trace ids
   * describe your system). Each attempt's span id is recorded as `webhook.span_id`.
   */
  propagateTrace?: boolean;
  /** Deliveries attempted at once by this process; a slow endpoint only holds its own (default 50). */
  concurrency?: number;
  /** Deliveries claimed per round trip (default 100). */
  batchSize?: number;
  /** Polling backstop in ms; sends wake the worker at once through LISTEN/NOTIFY (default 1 000). */
  pollIntervalMs?: number;
  /** Wake on LISTEN/NOTIFY (default true). */
  listen?: boolean;
  /** How long a claim is held before another worker may take a delivery over (default 60 000 ms; renewed while working). */
  leaseMs?: number;
  /** Delivered rows and their log are deleted after this (default 30 days; 0: at once, keeping no log of successes). */
  retentionMs?: number;
  /** Database errors of the worker (it keeps going; also wide events when `canon` is set). */
  onError?: (error: unknown, operation: string) => void;
}

/** @internal */
export interface ResolvedWebhooksOptions {
  store: OutboxStore;
  tablePrefix: string;
  schedule: readonly number[];
  timeoutMs: number;
  allowPrivateNetworks: boolean;
  disableAfterMs: number;
  canon: Canon | undefined;
  userAgent: string;
  propagateTrace: boolean;
  concurrency: number;
  batchSize: number;
  pollIntervalMs: number;
  listen: boolean;
  leaseMs: number;
  retentionMs: number;
  onError: ((error: unknown, operation: string) => void) | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const INTEGERS = {
  timeoutMs: [15_000, 1, 10 * 60_000],
  disableAfterMs: [5 * DAY_MS, 0, 365 * DAY_MS],
  concurrency: [50, 1, 10_000],
  batchSize: [100, 1, 10_000],
  pollIntervalMs: [1_000, 1, DAY_MS],
  leaseMs: [60_000, 1_000, DAY_MS],
  retentionMs: [30 * DAY_MS, 0, 3650 * DAY_MS],
} as const;

function integer(options: WebhooksOptions, name: keyof typeof INTEGERS): number {
  const [fallback, min, max] = INTEGERS[name];
  return integerOption(options[name], name, fallback, { min, max });
}

const KNOWN = new Set([
  'store',
  'tablePrefix',
  'schedule',
  'allowPrivateNetworks',
  'canon',
  'userAgent',
  'propagateTrace',
  'listen',
  'onError',
  ...Object.keys(INTEGERS),
]);

/**
 * @internal Validates `createWebhooks` options and fills in defaults.
 *
 * @example
 * resolveWebhooksOptions({ store }).timeoutMs // 15000
 */
export function resolveWebhooksOptions(options: WebhooksOptions): ResolvedWebhooksOptions {
  if (!isPlainObject(options))
    throw invalidOption('options', `expected { store, ... }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { store, canon, onError, tablePrefix = 'canon_webhook', userAgent = 'Canon-Webhooks/1' } = options;
  if (
    typeof store?.transaction !== 'function' ||
    typeof store.query !== 'function' ||
    typeof store.listen !== 'function'
  ) {
    throw invalidOption(
      'store',
      `expected pgStore(pool) or pgliteStore(db) from canon/outbox, got ${describe(store)}`,
    );
  }
  if (canon !== undefined && typeof canon?.startUnit !== 'function') {
    throw invalidOption('canon', `expected createCanon(...), got ${describe(canon)}`);
  }
  if (onError !== undefined && typeof onError !== 'function') {
    throw invalidOption('onError', `expected a function, got ${describe(onError)}`);
  }
  if (typeof userAgent !== 'string' || userAgent === '' || /[\r\n]/.test(userAgent)) {
    throw invalidOption('userAgent', `expected a one-line string, got ${describe(userAgent)}`);
  }
  return {
    store,
    tablePrefix,
    canon,
    onError,
    userAgent,
    schedule: resolveSchedule(options.schedule),
    allowPrivateNetworks: booleanOption(options.allowPrivateNetworks, 'allowPrivateNetworks', false),
    propagateTrace: booleanOption(options.propagateTrace, 'propagateTrace', false),
    listen: booleanOption(options.listen, 'listen', true),
    timeoutMs: integer(options, 'timeoutMs'),
    disableAfterMs: integer(options, 'disableAfterMs'),
    concurrency: integer(options, 'concurrency'),
    batchSize: integer(options, 'batchSize'),
    pollIntervalMs: integer(options, 'pollIntervalMs'),
    leaseMs: integer(options, 'leaseMs'),
    retentionMs: integer(options, 'retentionMs'),
  };
}
