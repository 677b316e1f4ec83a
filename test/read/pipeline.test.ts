/**
 * The read side over events that Canon's own eventing wrote: an HTTP request (canon/node)
 * creates an event, puts it in the outbox (PostgreSQL, own schema) and fans it out to a webhook endpoint;
 * the relay publishes it to Redis Streams, a consumer handles it (failing once), the
 * webhook worker delivers it (propagating the trace) to a partner service that runs Canon
 * too (failing once). The flow map and the trace tree are then built from exactly what
 * the memory sink got.
 */
import http from 'node:http';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCanon, memorySink } from '../../src/index.js';
import { consume } from '../../src/consumer/index.js';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createOutbox, createRelay, pgStore } from '../../src/outbox/index.js';
import { redisStreamsPublisher, redisStreamsSource } from '../../src/brokers/redis-streams/index.js';
import { createWebhooks } from '../../src/webhooks/index.js';
import { buildFlows, flowsMarkdown, type EventRecord, type TraceNode, traceTree } from '../../src/read/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { PG_URL, uniqueName } from '../outbox/harness.js';

const OrderPlaced = defineEvent('order.placed');
const sink = memorySink();
const canon = createCanon({ service: 'checkout', sinks: [sink], handleExit: false });
const partner = createCanon({ service: 'partner', sinks: [sink], handleExit: false });
const stream = uniqueName('canon_read_orders');
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 3 });
const schema = uniqueName('canon_read_pipeline');
const pool = new pg.Pool({ connectionString: PG_URL, max: 8 });
let stop: (() => Promise<void>)[] = [];
let receiverUrl: string;
let url: string;

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA "${schema}"`);
  const store = pgStore(pool);
  const outbox = createOutbox({ store, table: `${schema}.outbox` });
  await outbox.migrate();
  const webhooks = createWebhooks({ store, canon, tablePrefix: `${schema}.hooks`, schedule: [0, 20, 20], allowPrivateNetworks: true, pollIntervalMs: 20, propagateTrace: true });
  await webhooks.migrate();
  let deliveries = 0;
  const receiver = await listen(http.createServer(canonNode(partner, (_req, res) => void res.writeHead(deliveries++ === 0 ? 500 : 204).end())));
  receiverUrl = receiver.url;
  await webhooks.endpoints.create({ url: `${receiverUrl}/hooks`, events: ['order.*'] });
  const relay = createRelay({ outbox, canon, publish: redisStreamsPublisher({ client: redis, stream }), pollIntervalMs: 20 });
  let failures = 0;
  const consumer = await consume({
    canon,
    source: redisStreamsSource({ client: redis, stream, group: 'billing', consumer: 'billing-1', blockMs: 50 }),
    retry: { maxAttempts: 3, backoff: { baseMs: 10, maxMs: 20 } },
    handler: async () => {
      if (failures++ === 0) throw new Error('card declined');
    },
  });
  const server = http.createServer(
    canonNode(canon, async (req, res) => {
      const event = createEvent(OrderPlaced, { order_id: req.url });
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await outbox.enqueue(client, event);
        await webhooks.send(event, { tx: client });
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      res.writeHead(201).end();
    }),
  );
  const listening = await listen(server);
  url = listening.url;
  await relay.start();
  await webhooks.start();
  stop = [() => consumer.stop(), () => relay.stop(), () => webhooks.stop(), listening.close, receiver.close];
});

afterAll(async () => {
  for (const fn of stop) await fn();
  await redis.del(stream);
  redis.disconnect();
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

const kinds = (kind: string) => (sink.events as EventRecord[]).filter((e) => e.kind === kind);

describe('the read side over what Canon wrote', () => {
  it('maps producers, relays, consumers and webhook endpoints with counts and error rates', async () => {
    for (const path of ['/orders/1', '/orders/2']) {
      const response = await fetch(`${url}${path}`, { method: 'POST' });
      expect(response.status).toBe(201);
    }
    await waitFor(() => kinds('message').filter((e) => e.outcome === 'success').length === 2, 20_000, 'two handled messages');
    await waitFor(() => kinds('webhook').filter((e) => e.outcome === 'success').length === 2, 20_000, 'two deliveries');
    await waitFor(() => kinds('http').filter((e) => e.service === 'partner').length === 3, 20_000, "the partner's three requests");

    const map = buildFlows(sink.events as EventRecord[]);
    expect(map.types.map((flow) => flow.type)).toEqual(['order.placed']);
    const [flow] = map.types;
    expect(flow.producers).toEqual([{ name: 'POST /orders/1', service: 'checkout', kind: 'http', count: 1, errors: 0 }, { name: 'POST /orders/2', service: 'checkout', kind: 'http', count: 1, errors: 0 }]);
    expect(flow.relays).toEqual([{ name: 'order.placed', service: 'checkout', kind: 'outbox', count: 2, errors: 0 }]);
    expect(flow.consumers).toEqual([{ name: `${stream}/billing`, service: 'checkout', kind: 'message', count: 3, errors: 1 }]);
    const [endpoint] = flow.webhooks;
    expect(endpoint).toMatchObject({ kind: 'webhook', detail: new URL(receiverUrl).host, count: 3, errors: 1 });

    const page = flowsMarkdown(map);
    expect(page).toContain('```mermaid\nflowchart LR\n');
    expect(page).toContain('-->|"3 · 33% err"| ');
    expect(page).toContain(`| consumer | ${stream}/billing | checkout | 3 | 1 | 33% |`);
  });

  it('puts the request, its outbox attempt, its deliveries to the consumer and the webhook attempts in one trace tree', () => {
    const request = kinds('http').find((e) => e.path === '/orders/2')!;
    const tree = traceTree(sink.events as EventRecord[], request.trace_id as string);
    expect(tree.roots.map((node) => node.event.kind)).toEqual(['http']);
    expect(tree.roots[0].event).toBe(request);
    expect(tree.nodes.some((node) => node.missingParent)).toBe(false);
    const kindsInTrace = tree.nodes.map((node) => node.event.kind).sort();
    expect(kindsInTrace.filter((k) => k === 'outbox')).toHaveLength(1);
    expect(kindsInTrace).toContain('message');
    expect(kindsInTrace).toContain('webhook');
    for (const node of tree.nodes.slice(1)) expect(node.depth).toBeGreaterThan(0);
    const offsets = tree.nodes.filter((node) => node.depth === 1).map((node) => node.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b)); // siblings in time order

    // who hangs under whom: each unit under the one that sent it
    const [root] = tree.roots;
    const outbox = root.children.find((node) => node.event.kind === 'outbox')!;
    expect(root.children.map((node) => node.event.kind).sort()).toEqual(['outbox', 'webhook']); // through events_published[].span_id
    expect(outbox.children.map((node) => node.event.kind)).toEqual(['message']); // the relay's own events_published[].span_id
    const attempt = root.children.find((node) => node.event.kind === 'webhook')!;
    expect(attempt.children.map((node) => [node.event.service, node.event.kind, node.event.path])).toEqual([['partner', 'http', '/hooks']]); // webhook.span_id
    expect(attempt.children[0].via).toEqual({ host: new URL(receiverUrl).host, method: 'POST' });
  });

  it("shows a failed attempt and its retry as siblings, each with what it reached under it", () => {
    const under = (parent: TraceNode | undefined) => (parent?.children ?? []).map((node) => [node.event.kind, node.event.outcome, node.children.map((child) => child.event.status_code)]);
    const traces = kinds('http')
      .filter((e) => e.service === 'checkout')
      .map((request) => traceTree(sink.events as EventRecord[], request.trace_id as string).roots[0]);
    const webhooks = traces.map((root) => under(root).filter(([kind]) => kind === 'webhook'));
    expect(webhooks.sort((a, b) => a.length - b.length)).toEqual([
      [['webhook', 'success', [204]]],
      [['webhook', 'error', [500]], ['webhook', 'success', [204]]],
    ]);
    const deliveries = traces.map((root) => under(root.children.find((node) => node.event.kind === 'outbox')));
    expect(deliveries.sort((a, b) => a.length - b.length)).toEqual([
      [['message', 'success', []]],
      [['message', 'error', []], ['message', 'success', []]], // the consumer failed once, then handled it
    ]);
  });
});
