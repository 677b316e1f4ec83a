/**
 * @module canon/redis-streams/redrive
 * Moves a group's dead letters from `<stream>:dlq` back to `<stream>` (`XADD` and `XDEL`
 * in one `MULTI`), without the dead-letter fields and marked
 * `x-canon-redrive-for: <stream>/<group>`: the stream is shared by every group, and the
 * other groups acknowledge and skip it. The new entry starts a fresh round of attempts.
 */
import type { Redis } from 'ioredis';
import { WireHeaders } from '../../consumer/wire.js';
import { flatten, toEntries } from './commands.js';
import { deadLetterStream } from './subscription.js';

const DEAD_LETTER_FIELDS = new Set([
  'error',
  'attempts',
  'consumer',
  'failed_at',
  'source_id',
  WireHeaders.redriveFor,
]);
const PAGE = 100;

/**
 * Redrives up to `limit` dead letters of `consumer` (`<stream>/<group>`); resolves to how many moved.
 *
 * @example
 * await redriveRedis(client, 'orders', 'orders/billing', 100)
 */
export async function redriveRedis(
  client: Redis,
  stream: string,
  consumer: string,
  limit: number,
): Promise<number> {
  const dlq = deadLetterStream(stream);
  let moved = 0;
  let start = '-';
  while (moved < limit) {
    const page = toEntries(await client.call('XRANGE', dlq, start, '+', 'COUNT', PAGE));
    for (const { id, fields } of page) {
      if (moved >= limit) break;
      if (fields.consumer !== consumer) continue;
      const kept: Record<string, string> = {};
      for (const field in fields) if (!DEAD_LETTER_FIELDS.has(field)) kept[field] = fields[field];
      const results = await client
        .multi()
        .call('XADD', stream, '*', ...flatten(kept), WireHeaders.redriveFor, consumer)
        .call('XDEL', dlq, id)
        .exec();
      for (const [error] of results ?? []) if (error) throw error;
      moved++;
    }
    if (page.length < PAGE) break;
    start = `(${page[page.length - 1].id}`;
  }
  return moved;
}
