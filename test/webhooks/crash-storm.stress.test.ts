/**
 * Webhook deliveries under a kill storm: two delivery worker processes, SIGKILLed 10 times
 * in all while attempts are in flight (the receivers answer after a pause), and restarted.
 * Three endpoints: one that answers 200, one that fails every third request, one that is
 * down. At the end every delivery is accounted for: delivered, or failed with its attempts
 * in the log; nothing pending or leased; each delivered webhook-id reached its receiver.
 * Sizes: CRASH_SCALE=full → 2,000 events (6,000 deliveries); CI → 300. Seed: CRASH_SEED.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { pgStore } from '../../src/outbox/index.js';
import { createWebhooks, type DeliveryAttempt } from '../../src/webhooks/index.js';
import { between, CRASH_SEED, scaled, seededRandom } from '../helpers/crash.js';
import { PG_URL, uniqueName, until } from '../outbox/harness.js';
import { type Receiver, startReceiver } from './receiver.js';

const fixture = fileURLToPath(new URL('./fixtures/worker-child.ts', import.meta.url));
const Billed = defineEvent('invoice.billed');
const EVENTS = scaled(300, 2_000);
const KILLS = 10;
const LEASE_MS = 1_000;

describe(`webhook delivery kill storm: ${EVENTS} events × 3 endpoints, workers SIGKILLed mid-attempt ${KILLS}× (seed ${CRASH_SEED})`, () => {
  const schema = uniqueName('canon_webhooks_storm');
  const tablePrefix = `${schema}.hooks`;
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  const workers: (ChildProcess | undefined)[] = [];
  let receiver: Receiver;

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    receiver = await startReceiver((request, n) => {
      // each answer comes after a pause, so a kill lands mid-attempt
      if (request.path === '/down') return { status: 500, delayMs: 40 };
      if (request.path === '/flaky' && n % 3 === 0) return { status: 503, delayMs: 40 };
      return { status: 200, delayMs: 40 };
    });
  });
  afterAll(async () => {
    for (const worker of workers) worker?.kill('SIGKILL');
    await receiver.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  const restarts: Promise<void>[] = [];
  async function startWorker(slot: number) {
    const child = fork(fixture, [PG_URL, tablePrefix, String(LEASE_MS), '4'], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    workers[slot] = child;
    await once(child, 'message');
  }

  it('delivers or fails every delivery with its attempts logged; receivers see each delivered webhook-id', {
    timeout: 600_000,
  }, async () => {
    const webhooks = createWebhooks({ store: pgStore(pool), tablePrefix, allowPrivateNetworks: true });
    await webhooks.migrate();
    const endpoints = await Promise.all(
      ['/ok', '/flaky', '/down'].map((path) => webhooks.endpoints.create({ url: `${receiver.url}${path}`, events: ['invoice.*'] })),
    );
    const hold = receiver.requests;
    for (let n = 0; n < EVENTS; n++) await webhooks.send(createEvent(Billed, { n }));

    const random = seededRandom();
    await Promise.all([startWorker(0), startWorker(1)]);
    const killedAt: number[] = [];
    // about 1 + 1.5 + 3 requests per event (ok, flaky, down): kill points spread over the first half
    const step = Math.max(10, Math.floor((EVENTS * 5.5) / 2 / KILLS));
    for (let kill = 0; kill < KILLS; kill++) {
      const target = hold.length + between(random, 5, step);
      await until(() => hold.length >= target, 120_000, `request ${target}`);
      const slot = kill % 2;
      await restarts[slot]; // the slot's previous restart
      const victim = workers[slot]!;
      const exited = once(victim, 'exit');
      victim.kill('SIGKILL');
      await exited;
      killedAt.push(hold.length);
      restarts[slot] = startWorker(slot); // the other worker goes on meanwhile
    }
    await Promise.all(restarts);

    const total = EVENTS * endpoints.length;
    await until(
      async () => {
        const stats = await webhooks.stats();
        return stats.pending === 0 && stats.in_flight === 0 && stats.delivered + stats.failed === total;
      },
      300_000,
      'every delivery settled',
    );
    const stats = await webhooks.stats();
    const attempts: DeliveryAttempt[] = [];
    for (const endpoint of endpoints) {
      attempts.push(...(await webhooks.deliveries.list({ endpointId: endpoint.id, limit: 10_000 })));
    }
    // a delivery is one event to one endpoint (the webhook-id is the event's, as in Standard Webhooks)
    const last = new Map<string, DeliveryAttempt>();
    for (const attempt of attempts) {
      const delivery = `${attempt.endpoint_id} ${attempt.webhook_id}`;
      const seen = last.get(delivery);
      if (!seen || seen.attempt < attempt.attempt) last.set(delivery, attempt);
    }
    expect(last.size).toBe(total); // every delivery has an attempt log
    const finals = [...last.values()];
    expect(finals.filter((a) => a.status === 'retrying')).toEqual([]);
    expect(finals.filter((a) => a.status === 'delivered')).toHaveLength(stats.delivered);
    expect(finals.filter((a) => a.status === 'failed')).toHaveLength(stats.failed);
    const down = endpoints[2].id;
    // HTTP 500, or the worker died during the last attempt (logged as such)
    expect(finals.filter((a) => a.endpoint_id === down).every((a) => a.status === 'failed' && /HTTP 500|lease expired/.test(a.error ?? ''))).toBe(true);
    expect(
      finals
        .filter((a) => a.endpoint_id === endpoints[0].id)
        .every((a) => a.status === 'delivered' || a.error?.includes('lease expired')),
    ).toBe(true);

    const paths = new Map(endpoints.map((endpoint) => [endpoint.id, new URL(endpoint.url).pathname]));
    const received = new Set(hold.map((request) => `${request.path} ${request.headers['webhook-id']}`));
    expect(finals.filter((a) => !received.has(`${paths.get(a.endpoint_id)} ${a.webhook_id}`))).toEqual([]);
    console.info(
      `webhooks storm: ${stats.delivered} delivered, ${stats.failed} failed, ${hold.length} requests received, kills at requests ${killedAt.join('/')}`,
    );
  });
});
