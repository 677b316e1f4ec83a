import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import { natsPublisher, natsSource } from '../../../src/brokers/nats/index.js';
import type { BrokerHarness, DeadLetterView } from './types.js';

/** Short enough for the crash test; in-flight handlers are kept alive by `working()`. */
export const ACK_WAIT_MS = 1_500;

export async function natsHarness(names?: Record<string, string>): Promise<BrokerHarness> {
  const stream = names?.stream ?? `CT_${randomBytes(4).toString('hex')}`;
  const nc = await connect({ servers: '127.0.0.1:4222' });
  const js = nc.jetstream();
  const jsm = await js.jetstreamManager();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    broker: 'nats',
    names: { stream },
    publisher: () => natsPublisher({ js, stream, subject: (event) => `${stream}.${event.type}` }),
    source: async (group, tuning = {}) =>
      natsSource({ js, stream, durable: group, ackWaitMs: ACK_WAIT_MS, prefetch: tuning.prefetch }),
    async publishRaw(body) {
      await js.publish(`${stream}.raw.message`, encoder.encode(body));
    },
    async deadLetters(group) {
      const out: DeadLetterView[] = [];
      let state;
      try {
        state = (await jsm.streams.info(`${stream}_DLQ`)).state;
      } catch {
        return out;
      }
      for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
        const stored = await jsm.streams.getMessage(`${stream}_DLQ`, { seq }).catch(() => undefined);
        if (!stored || stored.header.get('x-canon-consumer') !== `${stream}/${group}`) continue;
        out.push({
          body: decoder.decode(stored.data),
          error: stored.header.get('x-canon-error') || undefined,
          attempts: stored.header.get('x-canon-attempts') || undefined,
        });
      }
      return out;
    },
    async backlog(group) {
      const info = await jsm.consumers.info(stream, group);
      return info.num_pending + info.num_ack_pending;
    },
    async cleanup() {
      for (const name of [stream, `${stream}_DLQ`]) await jsm.streams.delete(name).catch(() => {});
      await nc.close();
    },
  };
}
