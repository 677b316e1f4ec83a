import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisStreamsPublisher, redisStreamsSource } from '../../../src/brokers/redis-streams/index.js';
import type { BrokerHarness, DeadLetterView } from './types.js';

/** Short enough for the crash test; held entries are touched every third of it. */
export const CLAIM_IDLE_MS = 800;

function fieldsOf(flat: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
  return fields;
}

export async function redisHarness(names?: Record<string, string>): Promise<BrokerHarness> {
  const stream = names?.stream ?? `canon:t:${randomBytes(4).toString('hex')}`;
  const client = new Redis(6379, '127.0.0.1');
  return {
    broker: 'redis-streams',
    names: { stream },
    publisher: () => redisStreamsPublisher({ client, stream }),
    source: async (group, tuning = {}) =>
      redisStreamsSource({
        client,
        stream,
        group,
        consumer: `${group}-${tuning.instance ?? randomBytes(3).toString('hex')}`,
        claimIdleMs: CLAIM_IDLE_MS,
        prefetch: tuning.prefetch,
        blockMs: 1_000,
      }),
    async publishRaw(body) {
      await client.call('XADD', stream, '*', 'event', body);
    },
    async deadLetters(group) {
      const entries = (await client.call('XRANGE', `${stream}:dlq`, '-', '+')) as [string, string[]][];
      return entries
        .map(([, flat]) => fieldsOf(flat))
        .filter((fields) => fields.consumer === `${stream}/${group}`)
        .map(
          (fields): DeadLetterView => ({
            body: fields.event,
            error: fields.error,
            attempts: fields.attempts,
          }),
        );
    },
    async backlog(group) {
      const groups = (await client.call('XINFO', 'GROUPS', stream)) as unknown[][];
      for (const flat of groups) {
        const info = fieldsOf(flat.map(String));
        if (info.name === group) return Number(info.pending) + Number(info.lag);
      }
      throw new Error(`no group ${group}`);
    },
    async cleanup() {
      await client.del(stream, `${stream}:dlq`);
      client.disconnect();
    },
  };
}
