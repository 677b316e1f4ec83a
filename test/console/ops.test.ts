import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSink, createConsole } from '../../src/console/index.js';
import type { MessageSource } from '../../src/consumer/index.js';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { createRelay, pgStore } from '../../src/outbox/index.js';
import { createWebhooks } from '../../src/webhooks/index.js';
import { listen } from '../helpers/http.js';
import { startReceiver } from '../webhooks/receiver.js';
import { type App, type PgSchema, pgSchema, startApp } from './helpers.js';
import { request } from './request.js';

const OrderPlaced = defineEvent('order.placed');
const canon = createCanon({ service: 'ops-test', sinks: [memorySink()], handleExit: false });
const post = (url: string, body: unknown) =>
  request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-canon-console': '1' },
    body: JSON.stringify(body),
  });

async function until(check: () => Promise<boolean>, label: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Outbox page API (PostgreSQL)', () => {
  let db: PgSchema;
  let app: App;
  beforeAll(async () => {
    db = await pgSchema('canon_console_outbox');
    app = await startApp(canon, { outbox: db.outbox });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('counts, lists dead rows with their last error (never the payload) and redrives one by id', async () => {
    const events = [1, 2, 3].map((n) => createEvent(OrderPlaced, { card: `4242-secret-${n}` }));
    await db.pool.query('BEGIN');
    for (const event of events) await db.outbox.enqueue(db.pool, event, { key: event.id });
    await db.pool.query('COMMIT');
    const refused = Object.assign(new Error('broker refused: quota exceeded'), { retriable: false });
    const relay = createRelay({ outbox: db.outbox, publish: () => Promise.reject(refused), pollIntervalMs: 50 });
    await relay.start();
    await until(async () => (await db.outbox.stats()).dead === 3, 'three dead rows');
    await relay.stop();

    const overview = await request(`${app.url}/_canon/api/outbox`);
    expect(overview.status).toBe(200);
    expect(overview.body).not.toContain('4242-secret');
    const data = JSON.parse(overview.body);
    expect(data.table).toBe(`${db.schema}.outbox`);
    expect(data.stats).toMatchObject({ dead: 3, pending: 0 });
    expect(data.dead.map((row: { id: string }) => row.id)).toEqual(events.map((e) => e.id));
    expect(data.dead[0]).toMatchObject({ type: 'order.placed', attempts: 1, last_error: { message: 'broker refused: quota exceeded' } });

    const redriven = await post(`${app.url}/_canon/api/outbox/redrive`, { ids: [events[1].id] });
    expect(JSON.parse(redriven.body)).toEqual({ redriven: 1 });
    const after = JSON.parse((await request(`${app.url}/_canon/api/outbox`)).body);
    expect(after.dead.map((row: { id: string }) => row.id)).toEqual([events[0].id, events[2].id]);
    expect(after.stats).toMatchObject({ dead: 2, pending: 1 });

    const bad = await post(`${app.url}/_canon/api/outbox/redrive`, { ids: 'all' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toContain('`ids`');
    expect(JSON.parse((await post(`${app.url}/_canon/api/outbox/redrive`, {})).body)).toEqual({ redriven: 2 });
  });

  it('says which option is missing when a page has no store', async () => {
    const bare = await startApp(canon);
    try {
      const res = await request(`${bare.url}/_canon/api/outbox`);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body).error).toContain('`outbox`');
    } finally {
      await bare.close();
    }
  });
});

describe('Webhooks page API (PostgreSQL)', () => {
  it('counts, endpoints without their secrets, failed deliveries with the last error, redrive', async () => {
    const db = await pgSchema('canon_console_webhooks');
    let healthy = false;
    const receiver = await startReceiver(() => (healthy ? { status: 204 } : { status: 503, body: 'down for maintenance' }));
    const webhooks = createWebhooks({
      store: pgStore(db.pool),
      tablePrefix: `${db.schema}.wh`,
      schedule: [0, 20, 40],
      allowPrivateNetworks: true,
      pollIntervalMs: 50,
    });
    const app = await startApp(canon, { webhooks });
    try {
      await webhooks.migrate();
      const endpoint = await webhooks.endpoints.create({ url: `${receiver.url}/hooks`, events: ['order.*'] });
      await webhooks.start();
      const event = createEvent(OrderPlaced, { order_id: 'o_1' });
      await webhooks.send(event);
      await until(async () => (await webhooks.stats()).failed === 1, 'a failed delivery');

      const overview = await request(`${app.url}/_canon/api/webhooks`);
      expect(overview.body).not.toContain(endpoint.secret);
      expect(overview.body).not.toContain('whsec_');
      expect(overview.body).not.toContain('down for maintenance'); // the receiver's body is its own
      const data = JSON.parse(overview.body);
      expect(data.stats).toMatchObject({ failed: 1 });
      expect(data.endpoints).toEqual([expect.objectContaining({ id: endpoint.id, url: `${receiver.url}/hooks`, enabled: true })]);
      expect(data.failed).toEqual([
        expect.objectContaining({ event_id: event.id, endpoint_id: endpoint.id, attempt: 3, status: 'failed', response_status: 503, error: 'HTTP 503' }),
      ]);

      healthy = true;
      const redriven = await post(`${app.url}/_canon/api/webhooks/redrive`, { endpointId: endpoint.id, eventId: event.id });
      expect(JSON.parse(redriven.body)).toEqual({ redriven: 1 });
      await until(async () => (await webhooks.stats()).delivered === 1, 'the redriven delivery');
      const after = JSON.parse((await request(`${app.url}/_canon/api/webhooks`)).body);
      expect(after.failed).toEqual([]);
      expect((await post(`${app.url}/_canon/api/webhooks/redrive`, { endpointId: 5 })).status).toBe(400);
    } finally {
      await app.close();
      await webhooks.stop();
      await receiver.close();
      await db.close();
    }
  });
});

describe('Dead letters page API', () => {
  it('lists dead-lettered messages from the wide events and redrives through the given source', async () => {
    const sink = consoleSink();
    let moved = 0;
    const source: MessageSource = {
      kind: 'memory',
      consumer: 'billing',
      subscribe: () => Promise.reject(new Error('not used here')),
      redrive: async (limit) => (moved = Math.min(limit, 2)),
    };
    const letter = (n: number, result: string) =>
      JSON.stringify({
        timestamp: new Date(Date.now() - 1000 + n).toISOString(),
        kind: 'message',
        trace_id: 'a'.repeat(32),
        message: { source: 'memory', consumer: 'billing', subject_or_queue: 'orders', attempt: 3, result },
        event: { id: `e_${n}`, type: 'order.placed' },
        error: { type: 'Error', message: `warehouse down ${n}` },
        outcome: 'error',
      });
    sink.write(letter(1, 'dead_lettered'), {});
    sink.write(letter(2, 'retried'), {});
    sink.write(letter(3, 'dead_lettered'), {});
    const handler = createConsole({ sink, consumers: [source] });
    const { url, close } = await listen(http.createServer((req, res) => handler(req, res)));
    try {
      const data = JSON.parse((await request(`${url}/api/dead-letters`)).body);
      expect(data.consumers).toEqual([{ source: 'memory', consumer: 'billing' }]);
      expect(data.letters.map((l: { event_id: string }) => l.event_id)).toEqual(['e_3', 'e_1']);
      expect(data.letters[0]).toMatchObject({ consumer: 'billing', subject: 'orders', attempts: 3, error: 'Error: warehouse down 3' });
      const unknown = await post(`${url}/api/dead-letters/redrive`, { source: 'memory', consumer: 'shipping' });
      expect(unknown.status).toBe(404);
      expect(JSON.parse(unknown.body).error).toContain('shipping');
      const redriven = await post(`${url}/api/dead-letters/redrive`, { source: 'memory', consumer: 'billing' });
      expect(JSON.parse(redriven.body)).toEqual({ redriven: 2 });
      expect(moved).toBe(2);
      expect(JSON.parse((await request(`${url}/api/dead-letters`)).body).letters).toEqual([]);
    } finally {
      await handler.close();
      await close();
    }
  });
});
