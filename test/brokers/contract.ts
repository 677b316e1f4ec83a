/**
 * The broker contract: the same delivery behaviour over NATS JetStream, RabbitMQ and
 * Redis Streams, through Canon's publishers, sources and consumer runtime. Each test gets
 * its own stream/exchange (a fresh harness), deleted afterwards. Run by nats.test.ts,
 * rabbitmq.test.ts and redis-streams.test.ts.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type Consumer,
  type ConsumeOptions,
  consume,
  type MessageSource,
  redrive,
} from '../../src/consumer/index.js';
import { createEvent, defineEvent, type EventEnvelope, toCloudEvent } from '../../src/events/index.js';
import { type Canon, createCanon, getWideEvent, type MemorySink, memorySink } from '../../src/index.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { flowCases } from './contract-flows.js';
import { type BrokerHarness, type BrokerName, harnesses } from './harness/index.js';

const fixture = fileURLToPath(new URL('./fixtures/consumer-child.ts', import.meta.url));
const OrderPlaced = defineEvent('order.placed', { schema: z.object({ n: z.number() }) });
const InvoiceIssued = defineEvent('invoice.issued', { schema: z.object({ order: z.string() }) });
const placed = (n: number) => createEvent(OrderPlaced, { n });
const FAST = { maxAttempts: 3, backoff: { baseMs: 20, maxMs: 100 } };

type Handler = ConsumeOptions['handler'];
type Fields = Record<string, any>;

export function brokerContract(broker: BrokerName) {
  let h: BrokerHarness;
  let canon: Canon;
  let sink: MemorySink;
  const consumers: Consumer[] = [];
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    h = await harnesses[broker]();
    sink = memorySink();
    canon = createCanon({ service: 'billing', sinks: [sink], handleExit: false });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
    await h.cleanup();
  });

  const publish = (event: EventEnvelope) =>
    h.publisher()(event, { topic: event.type, key: null, attempt: 1 });
  const messageEvents = () => sink.events.filter((event) => event.kind === 'message') as Fields[];

  async function start(
    group: string,
    handler: Handler,
    extra: Partial<ConsumeOptions> & { prefetch?: number; instance?: string } = {},
  ): Promise<{ consumer: Consumer; source: MessageSource }> {
    const { prefetch, instance, ...options } = extra;
    const source = await h.source(group, { prefetch, instance });
    const consumer = await consume({ canon, source, handler, retry: FAST, ...options });
    consumers.push(consumer);
    return { consumer, source };
  }

  it('publishes, consumes, and acknowledges a message once', async () => {
    const seen: EventEnvelope[] = [];
    const { consumer } = await start('billing', async (event) => {
      seen.push(event);
    });
    const event = placed(1);
    await publish(event);
    await waitFor(() => seen.length === 1, 10_000, 'delivery');
    expect(seen[0]).toEqual(event);
    await sleep(300);
    await consumer.stop();
    expect(seen).toHaveLength(1);
    expect(consumer.stats()).toMatchObject({ acked: 1, retried: 0, dead_lettered: 0, in_flight: 0 });
    expect(await h.backlog('billing')).toBe(0);
  });

  it('retries a failing handler with backoff and acknowledges it once it succeeds', async () => {
    const attempts: [number, boolean, number][] = [];
    const { consumer } = await start(
      'billing',
      async (_event, ctx) => {
        attempts.push([ctx.attempt, ctx.redelivered, Date.now()]);
        if (ctx.attempt < 3) throw new Error(`flaky ${ctx.attempt}`);
      },
      { retry: { maxAttempts: 5, backoff: { baseMs: 80, maxMs: 400 } } },
    );
    await publish(placed(1));
    await waitFor(() => consumer.stats().acked === 1, 10_000, 'success on the third attempt');
    await sleep(300);
    await consumer.stop();
    expect(attempts.map(([attempt, redelivered]) => [attempt, redelivered])).toEqual([
      [1, false],
      [2, true],
      [3, true],
    ]);
    // equal jitter: at least half the nominal delay (80 ms, then 160 ms)
    expect(attempts[1][2] - attempts[0][2]).toBeGreaterThanOrEqual(35);
    expect(attempts[2][2] - attempts[1][2]).toBeGreaterThanOrEqual(75);
    expect(consumer.stats()).toMatchObject({ acked: 1, retried: 2, dead_lettered: 0 });
    expect(await h.deadLetters('billing')).toEqual([]);
    expect(await h.backlog('billing')).toBe(0);
    const events = messageEvents();
    expect(events.map((event) => [event.outcome, event.message.result])).toEqual([
      ['error', 'retried'],
      ['error', 'retried'],
      ['success', 'acked'],
    ]);
    expect(events[0].error).toMatchObject({ type: 'Error', message: 'flaky 1' });
    expect(events[0].message.retry_in_ms).toBeGreaterThanOrEqual(40);
  });

  it('dead-letters a poison message after maxAttempts with its last error, then redrives it', async () => {
    let healthy = false;
    const calls: number[] = [];
    const { consumer, source } = await start('billing', async (_event, ctx) => {
      calls.push(ctx.attempt);
      if (!healthy) throw new Error(`boom on attempt ${ctx.attempt}`);
    });
    const event = placed(1);
    await publish(event);
    await waitFor(() => consumer.stats().dead_lettered === 1, 10_000, 'dead letter');
    expect(calls).toEqual([1, 2, 3]);
    const [letter, ...others] = await h.deadLetters('billing');
    expect(others).toEqual([]);
    expect(letter.error).toBe('Error: boom on attempt 3');
    expect(letter.attempts).toBe('3');
    expect(JSON.parse(letter.body)).toEqual(event);
    expect(messageEvents().at(-1)).toMatchObject({
      outcome: 'error',
      message: { result: 'dead_lettered', attempt: 3 },
    });

    healthy = true;
    expect(await redrive({ source })).toBe(1);
    await waitFor(() => consumer.stats().acked === 1, 10_000, 'redriven message handled');
    expect(calls).toEqual([1, 2, 3, 1]);
    expect(await h.deadLetters('billing')).toEqual([]);
    expect(await redrive({ source })).toBe(0);
    await consumer.stop();
    expect(await h.backlog('billing')).toBe(0);
  });

  it('accepts structured CloudEvents from other producers', async () => {
    const seen: EventEnvelope[] = [];
    await start('billing', async (event) => void seen.push(event));
    const event = placed(5);
    await h.publishRaw(JSON.stringify(toCloudEvent(event)));
    await waitFor(() => seen.length === 1, 10_000, 'CloudEvent delivery');
    expect(seen[0]).toMatchObject({
      id: event.id,
      type: 'order.placed',
      correlation_id: event.correlation_id,
      data: { n: 5 },
    });
  });

  it('dead-letters unreadable bodies and non-retriable errors at the first attempt', async () => {
    const handled: string[] = [];
    const { consumer } = await start('billing', async (event) => {
      handled.push(event.id);
      throw Object.assign(new Error('card declined for good'), { retriable: false });
    });
    await h.publishRaw('{not json');
    const event = placed(2);
    await publish(event);
    await waitFor(() => consumer.stats().dead_lettered === 2, 10_000, 'two dead letters');
    expect(handled).toEqual([event.id]);
    const letters = await h.deadLetters('billing');
    expect(letters.map((letter) => letter.attempts)).toEqual(['1', '1']);
    expect(letters[0].error).toMatch(/^CanonError: canon: the message body is not JSON/);
    expect(letters[0].body).toBe('{not json');
    expect(letters[1].error).toBe('Error: card declined for good');
    const unreadable = messageEvents().find((e) => e.error?.code === 'CANON_INVALID_MESSAGE');
    expect(unreadable).toMatchObject({ outcome: 'error', message: { result: 'dead_lettered', attempt: 1 } });
    expect(unreadable!.event).toBeUndefined();
  });

  it('upcasts older versions through the registered definition and refuses invalid data without retrying', async () => {
    const V1 = defineEvent('price.changed', { schema: z.object({ total: z.number() }) });
    const V2 = defineEvent('price.changed', {
      version: 2,
      schema: z.object({ total_cents: z.number().int() }),
      upcast: { 1: (v1: { total: number }) => ({ total_cents: Math.round(v1.total * 100) }) },
    });
    const seen: EventEnvelope[] = [];
    const { consumer } = await start('billing', async (event) => void seen.push(event), { events: [V2] });
    await publish(createEvent(V1, { total: 12.5 }));
    await waitFor(() => seen.length === 1, 10_000, 'upcast delivery');
    expect(seen[0]).toMatchObject({ type: 'price.changed', version: 2, data: { total_cents: 1250 } });
    await publish({ ...createEvent(V2, { total_cents: 1 }), data: { total_cents: 'ten' } });
    await waitFor(() => consumer.stats().dead_lettered === 1, 10_000, 'invalid data dead-lettered');
    expect((await h.deadLetters('billing'))[0]).toMatchObject({ attempts: '1' });
    expect((await h.deadLetters('billing'))[0].error).toMatch(/^CanonError: .*total_cents/);
  });

  it('shares one group between competing consumers: every message handled exactly once', async () => {
    const handledBy = new Map<string, string[]>();
    // a holds its first messages until b has handled one: with prefetch 2, a cannot take
    // them all, however fast a is and however late b starts fetching
    let bHandled!: () => void;
    const bHasHandled = new Promise<void>((resolve) => (bHandled = resolve));
    const worker =
      (name: string): Handler =>
      async (event) => {
        handledBy.set(event.id, [...(handledBy.get(event.id) ?? []), name]);
        if (name === 'a') await bHasHandled;
        else bHandled();
      };
    await start('workers', worker('a'), { prefetch: 2, instance: 'a' });
    await start('workers', worker('b'), { prefetch: 2, instance: 'b' });
    const events = Array.from({ length: 30 }, (_, i) => placed(i));
    for (const event of events) await publish(event);
    await waitFor(() => handledBy.size === 30, 15_000, 'all 30 handled');
    await sleep(300);
    expect([...handledBy.keys()].sort()).toEqual(events.map((event) => event.id).sort());
    expect([...handledBy.values()].every((names) => names.length === 1)).toBe(true);
    const byA = [...handledBy.values()].filter(([name]) => name === 'a').length;
    expect(byA).toBeGreaterThan(0);
    expect(byA).toBeLessThan(30);
  });

  it('runs up to `concurrency` handlers at once, never more', async () => {
    let running = 0;
    let peak = 0;
    let fourRunning!: () => void;
    const four = new Promise<void>((resolve) => (fourRunning = resolve));
    const { consumer } = await start(
      'billing',
      async () => {
        peak = Math.max(peak, ++running);
        // the first four wait for each other, so four run at once however slowly messages
        // arrive; a fifth would start meanwhile only if the limit were not kept
        if (running === 4) fourRunning();
        await four;
        await sleep(40);
        running--;
      },
      { concurrency: 4 },
    );
    for (let i = 0; i < 12; i++) await publish(placed(i));
    await waitFor(() => consumer.stats().acked === 12, 10_000, 'all handled');
    expect(peak).toBe(4);
  });

  it('fans out: two groups each receive every message', async () => {
    const received = { email: [] as string[], analytics: [] as string[] };
    await start('email', async (event) => void received.email.push(event.id));
    await start('analytics', async (event) => void received.analytics.push(event.id));
    const events = Array.from({ length: 5 }, (_, i) => placed(i));
    for (const event of events) await publish(event);
    await waitFor(() => received.email.length === 5 && received.analytics.length === 5, 10_000, 'fan-out');
    await sleep(200);
    const ids = events.map((event) => event.id).sort();
    expect([...received.email].sort()).toEqual(ids);
    expect([...received.analytics].sort()).toEqual(ids);
  });

  it('redelivers to another consumer the message a SIGKILLed consumer was handling', async () => {
    const child = fork(fixture, [broker, JSON.stringify(h.names), 'crashy'], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    const messages: Fields[] = [];
    child.on('message', (message: Fields) => messages.push(message));
    await waitFor(() => messages.some((m) => m.ready), 20_000, 'child consumer ready');
    const event = placed(7);
    await publish(event);
    await waitFor(() => messages.some((m) => m.handling === event.id), 10_000, 'child handling');
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;

    const redelivered: [string, number, boolean][] = [];
    const { consumer } = await start(
      'crashy',
      async (e, ctx) => void redelivered.push([e.id, ctx.attempt, ctx.redelivered]),
      {
        instance: 'survivor',
      },
    );
    await waitFor(() => redelivered.length === 1, 15_000, 'redelivery to the survivor');
    expect(redelivered[0][0]).toBe(event.id);
    expect(redelivered[0][2]).toBe(true);
    await sleep(300);
    await consumer.stop();
    expect(redelivered).toHaveLength(1);
    expect(await h.backlog('crashy')).toBe(0);
  }, 60_000);

  it('gives each message a wide event that continues the trace and makes new events its effects', async () => {
    const created: EventEnvelope[] = [];
    const { source } = await start('billing', async (event, ctx) => {
      expect(getWideEvent()).toBe(ctx.canon);
      ctx.canon.set('billing.invoice_id', 'inv_1');
      created.push(createEvent(InvoiceIssued, { order: event.id }));
    });
    const producer = createCanon({ service: 'checkout', sinks: [memorySink()], handleExit: false });
    let ids: Fields = {};
    const event = await producer.run({ kind: 'job' }, async (unit) => {
      ids = { request_id: unit.request_id, trace_id: unit.trace_id, span_id: unit.span_id };
      const e = placed(3);
      await publish(e);
      return e;
    });
    await waitFor(() => created.length === 1, 10_000, 'handled');
    await waitFor(() => messageEvents().length === 1, 10_000, 'wide event');
    const [wide] = messageEvents();
    expect(event.correlation_id).toBe(ids.request_id);
    expect(wide).toMatchObject({
      kind: 'message',
      service: 'billing',
      trace_id: ids.trace_id,
      // the send's span: the event's creation span in the producer, listed in its events_published
      parent_span_id: event.metadata.span_id,
      correlation_id: ids.request_id,
      event: { id: event.id, type: 'order.placed', version: 1 },
      message: {
        source: broker,
        consumer: source.consumer,
        attempt: 1,
        max_attempts: 3,
        redelivered: false,
        result: 'acked',
      },
      billing: { invoice_id: 'inv_1' },
      outcome: 'success',
      events_published: [{ type: 'invoice.issued', id: created[0].id, span_id: created[0].metadata.span_id }],
    });
    expect(event.metadata.span_id).not.toBe(ids.span_id);
    expect(wide.message.subject_or_queue).toContain(Object.values(h.names)[0]);
    expect(wide.message.lag_ms).toBeGreaterThanOrEqual(0);
    expect(wide.message.lag_ms).toBe(Math.round(wide.message.lag_ms * 1000) / 1000); // like every _ms
    expect(wide.message.lag_ms).toBeLessThan(10_000);
    expect(wide.span_id).not.toBe(ids.span_id);
    expect(created[0]).toMatchObject({
      causation_id: event.id,
      correlation_id: ids.request_id,
      metadata: { trace_id: ids.trace_id, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) },
    });
    expect(created[0].metadata.span_id).not.toBe(wide.span_id);
  });

  it('stops gracefully: finishes and acknowledges the handler in flight, hands back what it had not started', async () => {
    let release!: () => void;
    const started: string[] = [];
    const first = await start(
      'billing',
      async (event) => {
        started.push(event.id);
        if (started.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      { prefetch: 5, instance: 'first' },
    );
    const events = [placed(1), placed(2), placed(3)];
    for (const event of events) await publish(event);
    await waitFor(() => started.length === 1 && release, 10_000, 'first handler running');
    await sleep(200); // the others are fetched and waiting
    let stopped = false;
    const stopping = first.consumer.stop().then(() => (stopped = true));
    await sleep(150);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(first.consumer.stats()).toMatchObject({ acked: 1, in_flight: 0 });
    expect(started).toEqual([events[0].id]);

    const later: string[] = [];
    await start('billing', async (event) => void later.push(event.id), { instance: 'second' });
    await waitFor(() => later.length === 2, 10_000, 'handed-back messages');
    await sleep(300);
    expect(later.sort()).toEqual([events[1].id, events[2].id].sort());
  });

  flowCases({ broker, harness: () => h, start, messageEvents });
}
