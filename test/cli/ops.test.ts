/**
 * `canon outbox …` and `canon webhooks …` against real PostgreSQL, in a schema of their
 * own: dead rows and failed deliveries are made by a real relay and a real delivery worker.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { createOutbox, createRelay, type Outbox, pgStore } from '../../src/outbox/index.js';
import { createWebhooks, type Webhooks } from '../../src/webhooks/index.js';
import { PG_URL, uniqueName } from '../outbox/harness.js';
import { type Receiver, startReceiver } from '../webhooks/receiver.js';
import { canon } from './run.js';

const schema = uniqueName('canon_cli_ops');
const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
const Placed = defineEvent('order.placed');
const Refunded = defineEvent('order.refunded');
let outbox: Outbox;
let webhooks: Webhooks;
let receiver: Receiver;
let endpointId: string;
const database = ['--database', PG_URL];

/** Polls an asynchronous condition (a database count) until it holds. */
async function until(check: () => Promise<boolean>, label: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function enqueue(...events: ReturnType<typeof createEvent>[]) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const event of events) await outbox.enqueue(client, event);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA "${schema}"`);
  outbox = createOutbox({ store: pgStore(pool), table: `${schema}.outbox` });
  await outbox.migrate();
  webhooks = createWebhooks({ store: pgStore(pool), tablePrefix: `${schema}.hooks`, schedule: [0], allowPrivateNetworks: true, pollIntervalMs: 20 });
  await webhooks.migrate();
  receiver = await startReceiver(() => ({ status: 503, body: 'down for maintenance' }));
  endpointId = (await webhooks.endpoints.create({ url: `${receiver.url}/hooks`, events: ['order.*'] })).id;
});

afterAll(async () => {
  await webhooks.stop();
  await receiver.close();
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

describe('canon outbox', () => {
  it('shows counts, lists dead rows with their last error, and redrives them by type', async () => {
    const relay = createRelay({
      outbox,
      maxAttempts: 1,
      pollIntervalMs: 20,
      publish: async (event) => {
        if (event.type === 'order.refunded') throw new Error('broker refused the message');
      },
    });
    await relay.start();
    await enqueue(createEvent(Placed, {}), createEvent(Refunded, {}), createEvent(Refunded, {}));
    await until(async () => (await outbox.stats()).dead === 2, 'two dead rows');
    await relay.stop();
    const table = ['--table', `${schema}.outbox`];

    const status = await canon(['outbox', 'status', ...database, ...table, '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ pending: 0, in_flight: 0, dead: 2, published: 1 });

    const dead = await canon(['outbox', 'dead', ...table, '--json'], { env: { DATABASE_URL: PG_URL } });
    const rows = dead.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ type: 'order.refunded', topic: 'order.refunded', attempts: 1, last_error: { type: 'Error', message: 'broker refused the message', attempt: 1 } });

    const text = await canon(['outbox', 'dead', ...database, ...table]);
    expect(text.stdout.split('\n')[0]).toMatch(/^id +type +topic +key +attempts +created_at +last_error$/);
    expect(text.stdout).toContain('broker refused the message');

    const refused = await canon(['outbox', 'redrive', ...database, ...table]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('canon outbox redrive: say which dead rows: --id ID (repeatable), --type TYPE, --key KEY, or --all\n');
    const one = await canon(['outbox', 'redrive', ...database, ...table, '--id', rows[0].id]);
    expect(one.stdout).toBe('redrove 1 dead row\n');
    const rest = await canon(['outbox', 'redrive', ...database, ...table, '--type', 'order.refunded']);
    expect(rest.stdout).toBe('redrove 1 dead row\n');
    expect(await outbox.stats()).toMatchObject({ dead: 0, pending: 2 });
    const again = await canon(['outbox', 'redrive', ...database, ...table, '--all']);
    expect(again.code).toBe(1); // nothing left to redrive
    const empty = await canon(['outbox', 'dead', ...database, ...table]);
    expect([empty.code, empty.stderr]).toEqual([1, 'canon: no dead rows\n']);
  });

  it('fails in one line when the database cannot be reached (exit 2)', async () => {
    const { code, stderr } = await canon(['outbox', 'status', '--database', 'postgres://postgres@127.0.0.1:1/none']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^canon: cannot connect to the database \(connect ECONNREFUSED 127\.0\.0\.1:1\)\n$/);
  });
});

describe('canon webhooks', () => {
  it('lists the attempt log and the failed deliveries with their last error, and redrives by endpoint', async () => {
    await webhooks.start();
    await webhooks.send(createEvent(Placed, {}));
    await until(async () => (await webhooks.stats()).failed === 1, 'a failed delivery');
    await webhooks.stop();
    const prefix = ['--prefix', `${schema}.hooks`];

    const status = await canon(['webhooks', 'status', ...database, ...prefix, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ failed: 1, delivered: 0, pending: 0 });

    const log = await canon(['webhooks', 'deliveries', ...database, ...prefix, '--json']);
    expect(JSON.parse(log.stdout)).toMatchObject({ endpoint_id: endpointId, event_type: 'order.placed', attempt: 1, status: 'failed', response_status: 503, error: 'HTTP 503' });

    const failed = await canon(['webhooks', 'deliveries', '--failed', ...database, ...prefix]);
    expect(failed.code).toBe(0);
    expect(failed.stdout.split('\n')[0]).toMatch(/^endpoint_id +url +event_type +event_id +attempts +created_at +last_error$/);
    expect(failed.stdout).toContain(`${receiver.url}/hooks`);
    expect(failed.stdout).toMatch(/failed \(attempt 1\): HTTP 503/);

    const redrive = await canon(['webhooks', 'redrive', ...database, ...prefix, '--endpoint', endpointId]);
    expect(redrive.stderr).toBe('');
    expect(redrive.stdout).toBe('redrove 1 failed delivery\n');
    expect(await webhooks.stats()).toMatchObject({ failed: 0, pending: 1 });
    const none = await canon(['webhooks', 'deliveries', '--failed', ...database, ...prefix]);
    expect([none.code, none.stderr]).toEqual([1, 'canon: no failed deliveries\n']);
  });
});
