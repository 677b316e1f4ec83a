/**
 * @module canon/redis-streams/commands
 * The stream commands Canon sends, through ioredis' generic `call` (so any ioredis
 * version works), with their replies parsed into entries.
 */
import type { Redis } from 'ioredis';

/** One stream entry. */
export interface Entry {
  id: string;
  fields: Record<string, string>;
}

function toFields(flat: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!Array.isArray(flat)) return fields;
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
  return fields;
}

/** `[[id, [field, value, ...]], ...]` → entries; entries deleted from the stream (null fields) are left out. */
export function toEntries(raw: unknown): Entry[] {
  if (!Array.isArray(raw)) return [];
  const entries: Entry[] = [];
  for (const item of raw) {
    if (Array.isArray(item) && item[1] !== null)
      entries.push({ id: String(item[0]), fields: toFields(item[1]) });
  }
  return entries;
}

/** The ms timestamp part of an entry id (when Redis generated it). */
export function idTime(id: string): number | undefined {
  const ms = Number(id.slice(0, id.indexOf('-')));
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/**
 * `XREADGROUP … STREAMS <stream> >`: new entries for `consumer`, blocking up to `blockMs`.
 *
 * @example
 * await readGroup(reader, 'orders', 'billing', 'billing-1', 10, 5_000)
 */
export async function readGroup(
  conn: Redis,
  stream: string,
  group: string,
  consumer: string,
  count: number,
  blockMs: number,
): Promise<Entry[]> {
  const reply = await conn.call(
    'XREADGROUP',
    'GROUP',
    group,
    consumer,
    'COUNT',
    count,
    'BLOCK',
    blockMs,
    'STREAMS',
    stream,
    '>',
  );
  return toEntries(entriesOfStream(reply));
}

/** The entries in an `XREAD`-style reply for one stream: RESP2 `[[key, entries]]`, RESP3 `[key, entries]` or a Map. */
function entriesOfStream(reply: unknown): unknown {
  if (reply instanceof Map) return reply.values().next().value;
  if (!Array.isArray(reply)) return undefined;
  return Array.isArray(reply[0]) ? reply[0][1] : reply[1];
}

/**
 * `XAUTOCLAIM`: takes over entries idle for `minIdleMs` or more; resolves to the next cursor and the entries.
 *
 * @example
 * const { cursor, entries } = await autoClaim(client, 'orders', 'billing', 'billing-2', 30_000, '0-0', 10);
 */
export async function autoClaim(
  client: Redis,
  stream: string,
  group: string,
  consumer: string,
  minIdleMs: number,
  cursor: string,
  count: number,
): Promise<{ cursor: string; entries: Entry[] }> {
  const reply = (await client.call(
    'XAUTOCLAIM',
    stream,
    group,
    consumer,
    minIdleMs,
    cursor,
    'COUNT',
    count,
  )) as unknown[];
  return { cursor: String(reply[0]), entries: toEntries(reply[1]) };
}

/**
 * How many times the group delivered entry `id` (0 when it is no longer pending).
 *
 * @example
 * await deliveryCount(client, 'orders', 'billing', '1700000000000-0') // 2
 */
export async function deliveryCount(
  client: Redis,
  stream: string,
  group: string,
  id: string,
): Promise<number> {
  const reply = (await client.call('XPENDING', stream, group, id, id, 1)) as unknown[][];
  return Number(reply?.[0]?.[3] ?? 0);
}

/**
 * `XADD` arguments for `fields` (flattened).
 *
 * @example
 * flatten({ a: '1' }) // ['a', '1']
 */
export function flatten(fields: Record<string, string>): string[] {
  const flat: string[] = [];
  for (const name in fields) flat.push(name, fields[name]);
  return flat;
}
