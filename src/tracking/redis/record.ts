/**
 * @module canon/tracking/redis/record
 * Writes Redis commands onto the wide event they ran for: `cache.commands`,
 * `cache.total_ms`, `cache.error_count`, and `cache.hits` / `cache.misses` for reads
 * (`GET`, `GETEX`, `GETDEL`, `HGET` count one per reply; `MGET`, `HMGET` one per key).
 */
import { performance } from 'node:perf_hooks';
import { roundMs, type WideEvent } from '../../core/event.js';
import { isPlainObject } from '../../core/paths.js';

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

function cacheFields(unit: WideEvent): CacheFields {
  let cache = unit.fields.cache as CacheFields;
  if (!isPlainObject(cache)) unit.fields.cache = cache = {} as CacheFields;
  if (typeof cache.commands !== 'number') {
    cache.hits = 0;
    cache.misses = 0;
    cache.commands = 0;
    cache.total_ms = 0;
    cache.error_count = 0;
  }
  return cache;
}

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
  if (unit.emitted) {
    unit.owner.lateWrite(unit, 'count', 'cache.commands');
    return;
  }
  const cache = cacheFields(unit);
  cache.commands += names.length;
  cache.total_ms = roundMs(cache.total_ms + ms);
  if (failed) cache.error_count++;
  else if (replies) for (let i = 0; i < names.length; i++) countReads(cache, names[i], replies[i]);
}

/** A command name from its first argument (`'get'`, `Buffer<GET>`) in upper case. */
export function commandName(value: unknown): string {
  return String(value).toUpperCase();
}
