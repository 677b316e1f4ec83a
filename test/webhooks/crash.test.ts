import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { pgStore } from '../../src/outbox/index.js';
import { createWebhooks } from '../../src/webhooks/index.js';
import { PG_URL, uniqueName, until } from '../outbox/harness.js';
import { type Receiver, startReceiver } from './receiver.js';
import { requireServices } from '../helpers/services.js';

requireServices('postgres');

const fixture = fileURLToPath(new URL('./fixtures/worker-child.ts', import.meta.url));
const Shipped = defineEvent('parcel.shipped');
const LEASE_MS = 1_500;

describe('a delivery worker killed with SIGKILL mid-attempt (PostgreSQL)', () => {
  const schema = uniqueName('canon_webhooks_crash');
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  let receiver: Receiver;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    await pool.query(`CREATE SCHEMA "${schema}"`);
    receiver = await startReceiver((_request, n) => (n === 1 ? { hang: true } : { status: 200 }));
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await receiver.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('leaves the delivery leased; another worker retries it after the lease, with the same webhook-id', {
    timeout: 30_000,
  }, async () => {
    const tablePrefix = `${schema}.hooks`;
    const webhooks = createWebhooks({
      store: pgStore(pool),
      tablePrefix,
      schedule: [0, 50, 100],
      allowPrivateNetworks: true,
      pollIntervalMs: 50,
    });
    await webhooks.migrate();
    await webhooks.endpoints.create({ url: `${receiver.url}/crash`, events: ['parcel.*'] });
    const event = createEvent(Shipped, {});

    child = fork(fixture, [PG_URL, tablePrefix, String(LEASE_MS)], {
      execArgv: ['--import', 'tsx'],
      stdio: 'inherit',
    });
    await new Promise((resolve) => child!.once('message', resolve));
    await webhooks.send(event);
    await until(() => receiver.requests.length === 1, 10_000, 'the child to attempt');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    expect(await webhooks.stats()).toMatchObject({ in_flight: 1, delivered: 0 });

    await webhooks.start();
    try {
      await until(async () => (await webhooks.stats()).delivered === 1, 10_000, 'the retry');
    } finally {
      await webhooks.stop();
    }
    const [killed, retried] = receiver.requests;
    expect(retried.headers['webhook-id']).toBe(killed.headers['webhook-id']);
    expect(retried.at - killed.at).toBeGreaterThanOrEqual(LEASE_MS - 100);
    const attempts = await webhooks.deliveries.list({ eventId: event.id });
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([[2, 'delivered']]); // the killed attempt left no log row
  });

  it('logs the last allowed attempt as failed when its worker died during it (lease expired)', {
    timeout: 30_000,
  }, async () => {
    const tablePrefix = `${schema}.last`;
    const webhooks = createWebhooks({
      store: pgStore(pool),
      tablePrefix,
      schedule: [0],
      allowPrivateNetworks: true,
      pollIntervalMs: 50,
    });
    await webhooks.migrate();
    await webhooks.endpoints.create({ url: `${receiver.url}/last`, events: ['parcel.*'] });
    const event = createEvent(Shipped, {});
    child = fork(fixture, [PG_URL, tablePrefix, String(LEASE_MS), '50', '[0]'], {
      execArgv: ['--import', 'tsx'],
      stdio: 'inherit',
    });
    await new Promise((resolve) => child!.once('message', resolve));
    await webhooks.send(event);
    await until(() => receiver.to('/last').length === 1, 10_000, 'the child to attempt');
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));

    await webhooks.start();
    try {
      await until(async () => (await webhooks.stats()).failed === 1, 10_000, 'the delivery parked as failed');
    } finally {
      await webhooks.stop();
    }
    const attempts = await webhooks.deliveries.list({ eventId: event.id });
    expect(attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 'failed', error: expect.stringContaining('lease expired') }),
    ]);
    expect(receiver.to('/last')).toHaveLength(1); // no attempt beyond the schedule
  });
});
