/**
 * Part of the broker contract (called by ./contract.ts): idempotency through the inbox in
 * the handler's transaction, and the whole path from an HTTP request through the outbox,
 * the relay and the broker to a consumer, keeping the request's correlation and trace.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { z } from 'zod';
import type { Consumer, ConsumeOptions, MessageSource } from '../../src/consumer/index.js';
import { pgInbox, pgliteInbox } from '../../src/consumer/index.js';
import { createEvent, defineEvent, type EventEnvelope } from '../../src/events/index.js';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, type ExportedContext, exportContext, memorySink } from '../../src/index.js';
import { createOutbox, createRelay, pgliteStore } from '../../src/outbox/index.js';
import { listen } from '../helpers/http.js';
import { sleep, waitFor } from '../helpers/wait.js';
import type { BrokerHarness, BrokerName } from './harness/index.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const OrderPlaced = defineEvent('order.placed', { schema: z.object({ n: z.number() }) });

type Fields = Record<string, any>;
type Start = (
  group: string,
  handler: ConsumeOptions<any>['handler'],
  extra?: Partial<ConsumeOptions<any>>,
) => Promise<{ consumer: Consumer; source: MessageSource }>;

export interface FlowContext {
  broker: BrokerName;
  harness(): BrokerHarness;
  start: Start;
  messageEvents(): Fields[];
}

interface Store {
  name: string;
  inbox(table: string): ConsumeOptions<any>['inbox'];
  rows(sql: string): Promise<Fields[]>;
  close(): Promise<void>;
  table(name: string): string;
}

async function pgStoreFor(): Promise<Store> {
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  const schema = `canon_inbox_${randomBytes(4).toString('hex')}`;
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(`CREATE TABLE ${schema}.charges (event_id text PRIMARY KEY)`);
  return {
    name: 'PostgreSQL',
    inbox: (table) => pgInbox(pool, { table }),
    rows: async (sql) => (await pool.query(sql)).rows,
    table: (name) => `${schema}.${name}`,
    async close() {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}

async function pgliteStoreFor(): Promise<Store> {
  const db = new PGlite();
  await db.query('CREATE TABLE charges (event_id text PRIMARY KEY)');
  return {
    name: 'PGlite',
    inbox: (table) => pgliteInbox(db, { table }),
    rows: async (sql) => (await db.query<Fields>(sql)).rows,
    table: (name) => name,
    close: () => db.close(),
  };
}

export function flowCases(ctx: FlowContext) {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  for (const makeStore of [pgStoreFor, pgliteStoreFor]) {
    it(`skips redelivered duplicates through the inbox, and rolls it back with a failed handler (${makeStore === pgStoreFor ? 'pg' : 'pglite'})`, async () => {
      const store = await makeStore();
      cleanups.push(() => store.close());
      const charges = store.table('charges');
      let calls = 0;
      const { consumer, source } = await ctx.start(
        'billing',
        async (event: EventEnvelope, c) => {
          calls++;
          await c.tx.query(`INSERT INTO ${charges} (event_id) VALUES ($1)`, [event.id]);
          if (calls === 1) throw new Error('fails after writing: rolled back with the inbox record');
        },
        { inbox: store.inbox(store.table('inbox')) },
      );
      const event = createEvent(OrderPlaced, { n: 1 });
      const wire = JSON.stringify(event);
      await ctx.harness().publishRaw(wire);
      await waitFor(() => consumer.stats().acked === 1, 10_000, 'retried and handled');
      await ctx.harness().publishRaw(wire); // a duplicate, as after a lost ack
      await waitFor(() => consumer.stats().duplicate === 1, 10_000, 'duplicate skipped');
      await sleep(200);
      expect(calls).toBe(2);
      expect(await store.rows(`SELECT event_id FROM ${charges}`)).toEqual([{ event_id: event.id }]);
      expect(await store.rows(`SELECT consumer, event_id FROM ${store.table('inbox')}`)).toEqual([
        { consumer: source.consumer, event_id: event.id },
      ]);
      expect(ctx.messageEvents().map((e) => e.message.result)).toEqual(['retried', 'acked', 'duplicate']);
    });
  }

  it('keeps correlation_id and trace context (trace_id, joinable span ids, tracestate) from the HTTP request through outbox → relay → broker → consumer', async () => {
    const db = new PGlite();
    const outbox = createOutbox({ store: pgliteStore(db) });
    await outbox.migrate();
    const apiSink = memorySink();
    const api = createCanon({ service: 'checkout', sinks: [apiSink], handleExit: false });
    const server = http.createServer(
      canonNode(api, async (_req, res) => {
        const event = createEvent(OrderPlaced, { n: 1 });
        await db.transaction((tx) => outbox.enqueue(tx, event));
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: event.id }));
      }),
    );
    const { url, close } = await listen(server);
    const relay = createRelay({ outbox, publish: ctx.harness().publisher(), canon: api, pollIntervalMs: 50 });
    cleanups.push(async () => {
      await relay.stop();
      await close();
      await db.close();
    });
    const received: EventEnvelope[] = [];
    const contexts: (ExportedContext | undefined)[] = [];
    await ctx.start('billing', async (event: EventEnvelope) => {
      received.push(event);
      contexts.push(exportContext());
    });
    await relay.start();

    const traceId = randomBytes(16).toString('hex');
    const tracestate = 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7';
    const response = await fetch(`${url}/orders`, {
      method: 'POST',
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`, tracestate },
    });
    expect(response.status).toBe(201);
    const requestId = response.headers.get('x-request-id');
    const { id } = (await response.json()) as { id: string };
    await waitFor(() => received.length === 1, 15_000, 'end-to-end delivery');
    expect(received[0]).toMatchObject({ id, correlation_id: requestId, metadata: { trace_id: traceId, tracestate } });

    await waitFor(() => ctx.messageEvents().length === 1, 10_000, 'consumer wide event');
    const [consumed] = ctx.messageEvents();
    // the relay ends its attempt's event once the broker confirmed, which may be after delivery
    const attempt = await waitFor(
      () => apiSink.events.find((e) => e.kind === 'outbox') as Fields,
      5_000,
      'relay event',
    );
    const request = apiSink.events.find((e) => e.kind === 'http') as Fields;
    // request → (events_published[].span_id) → relay attempt → (its events_published[].span_id) → consumer
    expect(request.events_published).toEqual([{ type: 'order.placed', id, span_id: expect.any(String) }]);
    expect(attempt).toMatchObject({
      trace_id: traceId,
      parent_span_id: request.events_published[0].span_id,
      correlation_id: requestId,
      outbox: { result: 'published' },
      events_published: [{ type: 'order.placed', id, span_id: expect.any(String) }],
    });
    expect(consumed).toMatchObject({
      trace_id: traceId,
      parent_span_id: attempt.events_published[0].span_id,
      correlation_id: requestId,
      event: { id },
      outcome: 'success',
    });
    expect(new Set([request.span_id, attempt.span_id, attempt.events_published[0].span_id, consumed.span_id]).size).toBe(4);
    expect(contexts[0]).toMatchObject({ trace_id: traceId, tracestate });
  });
}
