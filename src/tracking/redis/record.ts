/**
 * @module canon/tracking/redis/record
 * Writes Redis commands onto the wide event they ran for: `cache.commands`,
 * `cache.total_ms`, `cache.error_count`, and `cache.hits` / `cache.misses` for reads
 * (`GET`, `GETEX`, `GETDEL`, `HGET` count one per reply; `MGET`, `HMGET` one per key).
 */
import { performance } from 'node:perf_hooks';
import { roundMs, type WideEvent } from '../../core/event.js';
import { trackingFields } from '../fields.js';

/** The `cache` field of an event. */
export interface CacheFields {
  hits: number;
  misses: number;
  commands: number;
  total_ms: number;
  error_count: number;
}

const SINGLE_READS = new Set(['GET', 'GETEX', 'GETDEL', 'HGET']);
const MULTI_READS = new Set(['MGET', 'HMGET']);

const COUNTERS = ['hits', 'misses', 'commands', 'total_ms', 'error_count'] as const;

function countReads(cache: CacheFields, name: string, reply: unknown): void {
  if (SINGLE_READS.has(name)) {
    if (reply == null) cache.misses++;
    else cache.hits++;
  } else if (MULTI_READS.has(name) && Array.isArray(reply)) {
    for (const value of reply) {
      if (value == null) cache.misses++;
      else cache.hits++;
    }
  }
}

/**
 * Records commands that started at `startedAt` (`performance.now()`): `names[i]` is the
 * upper-case command name and `replies[i]` its reply (`undefined` when it failed or when
 * the reply is not the value, as for commands queued in a MULTI).
 *
 * @example
 * recordCommands(unit, started, ['GET'], [value], false);
 */
export function recordCommands(
  unit: WideEvent,
  startedAt: number,
  names: readonly string[],
  replies: readonly unknown[] | undefined,
  failed: boolean,
): void {
  const ms = performance.now() - startedAt;
  const cache = trackingFields<CacheFields>(unit, 'cache', COUNTERS);
  if (!cache) return;
  cache.commands += names.length;
  cache.total_ms = roundMs(cache.total_ms + ms);
  if (failed) cache.error_count++;
  else if (replies) for (let i = 0; i < names.length; i++) countReads(cache, names[i], replies[i]);
}

/** A command name from its first argument (`'get'`, `Buffer<GET>`) in upper case. */
export function commandName(value: unknown): string {
  return String(value).toUpperCase();
}
