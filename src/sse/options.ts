/**
 * @module canon/sse/options
 * `createSseHub` options, validated at construction with errors naming the option.
 */
import type { Canon } from '../core/canon.js';
import { describe, invalidOption } from '../core/errors.js';
import type { SseBackplane } from './backplane.js';
import { integerOption } from '../core/option-checks.js';

export interface SseHubOptions {
  /** The Canon instance whose sinks receive one `kind: 'sse'` event per connection. */
  canon?: Canon;
  /** Idle connections get a `: ping` comment at least this often; `0` disables. Default 15 000. */
  heartbeatMs?: number;
  /** Sent first as `retry:` so clients wait this long before reconnecting. */
  retryMs?: number;
  /** How many recent events are kept for `Last-Event-ID` replay (default 1 000; `false` = none). */
  replay?: { size?: number } | false;
  /** A client with more unsent bytes than this is disconnected. Default 1 MiB. */
  maxBufferBytes?: number;
  /** Joins hubs of several instances: `redisBackplane(client)`, `pgBackplane(pool)`. */
  backplane?: SseBackplane;
}

/** @internal */
export interface ResolvedHubOptions {
  canon: Canon | undefined;
  heartbeatMs: number;
  retryMs: number | undefined;
  replaySize: number;
  maxBufferBytes: number;
  backplane: SseBackplane | undefined;
}

/** The longest delay `setInterval` accepts. */
const MAX_TIMER_MS = 2_147_483_647;

function replaySize(replay: SseHubOptions['replay']): number {
  if (replay === false) return 0;
  if (replay === undefined) return 1_000;
  if (replay === null || typeof replay !== 'object') {
    throw invalidOption('replay', `expected { size } or false, got ${describe(replay)}`);
  }
  return integerOption(replay.size, 'replay.size', 1_000, { min: 0 });
}

function checkShape(value: unknown, option: string, methods: string[]): void {
  if (value === undefined) return;
  const target = value as Record<string, unknown> | null;
  if (target === null || typeof target !== 'object' || methods.some((m) => typeof target[m] !== 'function')) {
    throw invalidOption(option, `expected an object with ${methods.join(', ')}(), got ${describe(value)}`);
  }
}

/**
 * @internal
 * Validates and fills in defaults.
 *
 * @example
 * resolveHubOptions({ heartbeatMs: 5_000 }).replaySize // 1000
 */
export function resolveHubOptions(options: SseHubOptions = {}): ResolvedHubOptions {
  if (options === null || typeof options !== 'object') {
    throw invalidOption('options', `expected an object, got ${describe(options)}`);
  }
  checkShape(options.canon, 'canon', ['startUnit']);
  checkShape(options.backplane, 'backplane', ['subscribe', 'publish', 'close']);
  return {
    canon: options.canon,
    heartbeatMs: integerOption(options.heartbeatMs, 'heartbeatMs', 15_000, { min: 0, max: MAX_TIMER_MS }),
    retryMs: integerOption(options.retryMs, 'retryMs', undefined, { min: 0 }),
    replaySize: replaySize(options.replay),
    maxBufferBytes: integerOption(options.maxBufferBytes, 'maxBufferBytes', 1_048_576, { min: 1 }),
    backplane: options.backplane,
  };
}
