/**
 * The outgoing-webhooks contract: the same behaviour over every store. Run by
 * pg.test.ts (real PostgreSQL, a schema per run) and pglite.test.ts (embedded PGlite),
 * always against real HTTP receivers on 127.0.0.1.
 */
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { createCanon, memorySink, runWithContext } from '../../src/index.js';
import {
  createWebhooks,
  type DeliveryAttempt,
  type Webhooks,
  type WebhooksOptions,
} from '../../src/webhooks/index.js';
import { type Harness, until } from '../outbox/harness.js';
import { type Answer, type ReceivedRequest, type Receiver, startReceiver } from './receiver.js';
import { caught } from '../helpers/caught.js';

const OrderPlaced = defineEvent('order.placed');
const OrderShipped = defineEvent('order.shipped');
const InvoicePaid = defineEvent('invoice.paid');

/** Oldest first (the log lists newest first). */
const chronological = (attempts: DeliveryAttempt[]) => [...attempts].reverse();

export function webhooksContract(makeHarness: () => Promise<Harness>) {
  let h: Harness;
  let receiver: Receiver;
  let respond: (request: ReceivedRequest, n: number) => Answer;
  let prefixes = 0;
  const running: Webhooks[] = [];

  beforeAll(async () => {
    h = await makeHarness();
    receiver = await startReceiver((request, n) => respond(request, n));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((webhooks) => webhooks.stop()));
  });
  afterAll(async () => {
    await receiver.close();
    await h.close();
  });

  /** A webhooks instance on fresh tables (so tests never see each other's endpoints). */
  async function setup(options: Partial<WebhooksOptions> = {}, start = true): Promise<Webhooks> {
    respond = () => ({ status: 204 });
    const webhooks = createWebhooks({
      store: h.store(),
      tablePrefix: `${h.schema}.wh${++prefixes}`,
      schedule: [0, 50, 100],
      allowPrivateNetworks: true,
      pollIntervalMs: 100,
      ...options,
    });
    await webhooks.migrate();
    if (start) {
      running.push(webhooks);
      await webhooks.start();
    }
    return webhooks;
  }

  async function attemptsOf(webhooks: Webhooks, eventId: string, count: number): Promise<DeliveryAttempt[]> {
    let attempts: DeliveryAttempt[] = [];
    await until(
      async () => (attempts = await webhooks.deliveries.list({ eventId })).length >= count,
      10_000,
      `${count} attempts`,
    );
    return chronological(attempts);
  }

  it('fans an event out to the enabled endpoints whose patterns match, signed for the standardwebhooks package', async () => {
    const webhooks = await setup();
    const make = (path: string, events: string[]) =>
      webhooks.endpoints.create({ url: `${receiver.url}${path}`, events });
    const wildcard = await make('/fan/a', ['order.*']);
    await make('/fan/b', ['order.placed']);
    await make('/fan/c', ['invoice.*', 'order.shipped']);
    await webhooks.endpoints.disable((await make('/fan/d', ['*'])).id);
    await make('/fan/e', ['*']);
    await make('/fan/f', ['order.placed.late']);

    const event = createEvent(OrderPlaced, { order_id: 'o_1' });
    expect(await webhooks.send(event)).toEqual({ deliveries: 3 });
    await until(() => receiver.requests.filter((r) => r.path.startsWith('/fan/')).length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing else arrives
    const fanned = receiver.requests.filter((r) => r.path.startsWith('/fan/'));
    expect(fanned.map((r) => r.path).sort()).toEqual(['/fan/a', '/fan/b', '/fan/e']);

    const request = receiver.to('/fan/a')[0];
    expect(request.method).toBe('POST');
    expect(request.body).toBe(JSON.stringify(event));
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Canon-Webhooks/1');
    expect(request.headers['webhook-id']).toBe(event.id);
    expect(Number(request.headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const verified = new Webhook(wildcard.secret).verify(
      request.body,
      request.headers as Record<string, string>,
    );
    expect(verified).toEqual(JSON.parse(JSON.stringify(event)));

    await webhooks.send(createEvent(InvoicePaid, {}));
    await webhooks.send(createEvent(OrderShipped, {}));
    await until(() => receiver.to('/fan/c').length === 2);
  });

  it('a receiver failing twice then succeeding gets one successful delivery and three logged attempts', async () => {
    const webhooks = await setup();
    respond = (_request, n) => (n <= 2 ? { status: 500, body: `boom ${n}` } : { status: 200, body: 'ok' });
    const endpoint = await webhooks.endpoints.create({
      url: `${receiver.url}/flaky`,
      events: ['order.placed'],
    });
    const event = createEvent(OrderPlaced, {});
    await webhooks.send(event);
    const attempts = await attemptsOf(webhooks, event.id, 3);

    expect(attempts.map((a) => [a.attempt, a.status, a.response_status])).toEqual([
      [1, 'retrying', 500],
      [2, 'retrying', 500],
      [3, 'delivered', 200],
    ]);
    expect(attempts[0]).toMatchObject({
      endpoint_id: endpoint.id,
      event_id: event.id,
      webhook_id: event.id,
      event_type: 'order.placed',
      error: 'HTTP 500',
      response_body: 'boom 1',
    });
    expect(attempts[2].error).toBeUndefined();
    for (const attempt of attempts) {
      expect(attempt.duration_ms).toBeGreaterThan(0);
      expect(Date.parse(attempt.created_at)).not.toBeNaN();
    }
    const requests = receiver.to('/flaky');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([event.id]));
    expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(45);
    expect(requests[2].at - requests[1].at).toBeGreaterThanOrEqual(95);
    expect(await webhooks.stats()).toMatchObject({ pending: 0, in_flight: 0, failed: 0, delivered: 1 });
    expect(await webhooks.deliveries.list({ endpointId: endpoint.id, limit: 1 })).toEqual([attempts[2]]);
  });

  it('sends credentials written in the endpoint URL as basic auth', async () => {
    const webhooks = await setup();
    const url = new URL(`${receiver.url}/basic`);
    url.username = 'hook user';
    url.password = 'p@ss:word';
    await webhooks.endpoints.create({ url: url.href, events: ['*'] });
    await webhooks.send(createEvent(OrderPlaced, {}));
    await until(() => receiver.to('/basic').length === 1);
    const expected = `Basic ${Buffer.from('hook user:p@ss:word').toString('base64')}`;
    expect(receiver.to('/basic')[0].headers.authorization).toBe(expected);
  });

  it('other 4xx fail at once; the log keeps a few response headers and the first 1 KB of the body', async () => {
    const webhooks = await setup();
    respond = () => ({
      status: 422,
      headers: { 'content-type': 'text/plain', 'x-secret': 'no' },
      body: 'x'.repeat(5000),
    });
    await webhooks.endpoints.create({ url: `${receiver.url}/unprocessable`, events: ['*'] });
    const event = createEvent(OrderPlaced, {});
    await webhooks.send(event);
    const [attempt] = await attemptsOf(webhooks, event.id, 1);
    expect(attempt).toMatchObject({ status: 'failed', response_status: 422, error: 'HTTP 422' });
    expect(attempt.response_body).toBe('x'.repeat(1024));
    expect(attempt.response_headers).toEqual({ 'content-type': 'text/plain' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(receiver.to('/unprocessable')).toHaveLength(1);
    expect(await webhooks.stats()).toMatchObject({ failed: 1, pending: 0 });
  });

  it('410 Gone disables the endpoint: no retry, and later events are not queued for it', async () => {
    const webhooks = await setup();
    respond = () => ({ status: 410 });
    const endpoint = await webhooks.endpoints.create({ url: `${receiver.url}/gone`, events: ['*'] });
    const event = createEvent(OrderPlaced, {});
    await webhooks.send(event);
    const [attempt] = await attemptsOf(webhooks, event.id, 1);
    expect(attempt).toMatchObject({ status: 'failed', response_status: 410 });
    expect(await webhooks.endpoints.get(endpoint.id)).toMatchObject({
      enabled: false,
      disabled_reason: 'gone',
    });
    expect(await webhooks.send(createEvent(OrderPlaced, {}))).toEqual({ deliveries: 0 });
    expect(receiver.to('/gone')).toHaveLength(1);
  });

  it('honours Retry-After on 429 and 503 over a shorter schedule step', async () => {
    const webhooks = await setup();
    respond = (_request, n) =>
      n === 1
        ? { status: 429, headers: { 'retry-after': '1' } }
        : n === 2
          ? { status: 503, headers: { 'retry-after': '1' } }
          : { status: 200 };
    await webhooks.endpoints.create({ url: `${receiver.url}/throttled`, events: ['*'] });
    const event = createEvent(OrderPlaced, {});
    await webhooks.send(event);
    const attempts = await attemptsOf(webhooks, event.id, 3);
    expect(attempts.map((a) => [a.status, a.response_status])).toEqual([
      ['retrying', 429],
      ['retrying', 503],
      ['delivered', 200],
    ]);
    expect(attempts[0].response_headers).toMatchObject({ 'retry-after': '1' });
    const [first, second, third] = receiver.to('/throttled');
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(third.at - second.at).toBeGreaterThanOrEqual(950);
  });

  it('an attempt that outlasts timeoutMs fails as a timeout and is retried', async () => {
    const webhooks = await setup({ timeoutMs: 200 });
    respond = (_request, n) => (n === 1 ? { hang: true } : { status: 200 });
    await webhooks.endpoints.create({ url: `${receiver.url}/slow`, events: ['*'] });
    const event = createEvent(OrderPlaced, {});
    await webhooks.send(event);
    const attempts = await attemptsOf(webhooks, event.id, 2);
    expect(attempts[0]).toMatchObject({ status: 'retrying', error: 'timeout after 200 ms' });
    expect(attempts[0].response_status).toBeUndefined();
    expect(attempts[0].duration_ms).toBeGreaterThanOrEqual(190);
    expect(attempts[1].status).toBe('delivered');
  });

  it('a hanging endpoint holds one slot: deliveries sent meanwhile to others go out at once', async () => {
    // the hanging endpoint answers only after the quick deliveries all arrived (within a
    // minute's timeout): had it held more than its slot, they could never arrive first
    const webhooks = await setup({ timeoutMs: 60_000, concurrency: 10 });
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    respond = (request) => (request.path === '/hanging' ? { status: 200, after: held } : { status: 200 });
    await webhooks.endpoints.create({ url: `${receiver.url}/hanging`, events: ['order.shipped'] });
    await webhooks.endpoints.create({ url: `${receiver.url}/quick`, events: ['order.placed'] });
    await webhooks.send(createEvent(OrderShipped, {}));
    await until(() => receiver.to('/hanging').length === 1);
    try {
      for (let i = 0; i < 20; i++) await webhooks.send(createEvent(OrderPlaced, { i }));
      await until(() => receiver.to('/quick').length === 20, 20_000, 'the quick deliveries');
    } finally {
      letGo();
    }
  });

  it('gives up after the last scheduled attempt, and redrive tries again', async () => {
    const webhooks = await setup();
    respond = () => ({ status: 503 });
    const endpoint = await webhooks.endpoints.create({ url: `${receiver.url}/down`, events: ['*'] });
    const event = createEvent(OrderPlaced, {});
    await webhooks.send(event);
    const attempts = await attemptsOf(webhooks, event.id, 3);
    expect(attempts.map((a) => a.status)).toEqual(['retrying', 'retrying', 'failed']);
    await until(async () => (await webhooks.stats()).failed === 1);

    respond = () => ({ status: 200 });
    expect(await webhooks.deliveries.redrive({ endpointId: endpoint.id })).toBe(1);
    const after = await attemptsOf(webhooks, event.id, 4);
    expect(after[3]).toMatchObject({ attempt: 1, status: 'delivered' });
    expect(await webhooks.deliveries.redrive()).toBe(0);
  });

  it('disables an endpoint that keeps failing for disableAfterMs; enable() brings it back', async () => {
    const webhooks = await setup({ disableAfterMs: 1 });
    respond = () => ({ status: 500 });
    const endpoint = await webhooks.endpoints.create({ url: `${receiver.url}/failing`, events: ['*'] });
    const event = createEvent(OrderPlaced, {});
    await webhooks.send(event);
    const attempts = await attemptsOf(webhooks, event.id, 3);
    expect(attempts.map((a) => [a.status, a.response_status])).toEqual([
      ['retrying', 500],
      ['retrying', 500],
      ['failed', undefined],
    ]);
    expect(attempts[2].error).toBe(`endpoint ${endpoint.id} is disabled`);
    expect(receiver.to('/failing')).toHaveLength(2);
    expect(await webhooks.endpoints.get(endpoint.id)).toMatchObject({
      enabled: false,
      disabled_reason: 'failing',
    });

    respond = () => ({ status: 200 });
    expect(await webhooks.endpoints.enable(endpoint.id)).toMatchObject({
      enabled: true,
      disabled_reason: null,
    });
    const next = createEvent(OrderPlaced, {});
    expect(await webhooks.send(next)).toEqual({ deliveries: 1 });
    expect((await attemptsOf(webhooks, next.id, 1))[0].status).toBe('delivered');
  });

  it('rotateSecret signs with the old and the new secret during the grace period', async () => {
    const webhooks = await setup();
    const endpoint = await webhooks.endpoints.create({ url: `${receiver.url}/rotating`, events: ['*'] });
    const rotated = await webhooks.endpoints.rotateSecret(endpoint.id, { graceMs: 60_000 });
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(endpoint.secret);

    await webhooks.send(createEvent(OrderPlaced, {}));
    await until(() => receiver.to('/rotating').length === 1);
    const during = receiver.to('/rotating')[0];
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [endpoint.secret, rotated.secret]) {
      expect(() =>
        new Webhook(secret).verify(during.body, during.headers as Record<string, string>),
      ).not.toThrow();
    }

    const final = await webhooks.endpoints.rotateSecret(endpoint.id, { graceMs: 0 });
    await webhooks.send(createEvent(OrderPlaced, {}));
    await until(() => receiver.to('/rotating').length === 2);
    const after = receiver.to('/rotating')[1];
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() =>
      new Webhook(final.secret).verify(after.body, after.headers as Record<string, string>),
    ).not.toThrow();
    expect(() =>
      new Webhook(rotated.secret).verify(after.body, after.headers as Record<string, string>),
    ).toThrow(/signature/);
  });

  it('send inside the caller transaction: nothing when it rolls back, delivered once it commits', async () => {
    const webhooks = await setup();
    await webhooks.endpoints.create({ url: `${receiver.url}/tx`, events: ['*'] });
    const rolledBack = createEvent(OrderPlaced, {});
    await h.rolledBack(async (tx) => {
      expect(await webhooks.send(rolledBack, { tx })).toEqual({ deliveries: 1 });
    });
    const committed = createEvent(OrderPlaced, {});
    await h.transaction((tx) => webhooks.send(committed, { tx }));
    await until(() => receiver.to('/tx').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.to('/tx').map((r) => r.headers['webhook-id'])).toEqual([committed.id]);
    expect(await webhooks.deliveries.list({ eventId: rolledBack.id })).toEqual([]);
  });

  it('sending the same event again queues nothing new', async () => {
    const webhooks = await setup({}, false);
    await webhooks.endpoints.create({ url: `${receiver.url}/once`, events: ['*'] });
    const event = createEvent(OrderPlaced, {});
    expect(await webhooks.send(event)).toEqual({ deliveries: 1 });
    expect(await webhooks.send(event)).toEqual({ deliveries: 0 });
    expect(await webhooks.stats()).toMatchObject({ pending: 1 });
  });

  it('emits one wide event per attempt in the trace of the request that sent the event', async () => {
    const sink = memorySink();
    const canon = createCanon({ service: 'hooks', sinks: [sink], handleExit: false });
    const webhooks = await setup({ canon });
    respond = (_request, n) => (n === 1 ? { status: 502 } : { status: 200 });
    const endpoint = await webhooks.endpoints.create({
      url: `${receiver.url}/observed`,
      events: ['order.*'],
    });
    let requestId = '';
    let traceId = '';
    const event = await canon.run({ kind: 'job' }, async (unit) => {
      requestId = unit.request_id;
      traceId = unit.trace_id;
      const created = createEvent(OrderPlaced, {});
      await webhooks.send(created);
      return created;
    });
    await attemptsOf(webhooks, event.id, 2);
    const attempts = await waitForEvents(sink, 2);
    expect(attempts.map((e) => e.webhook)).toEqual([
      expect.objectContaining({
        endpoint_id: endpoint.id,
        webhook_id: event.id,
        attempt: 1,
        max_attempts: 3,
        status: 'retrying',
        response_status: 502,
        host: new URL(receiver.url).host,
      }),
      expect.objectContaining({
        endpoint_id: endpoint.id,
        attempt: 2,
        status: 'delivered',
        response_status: 200,
      }),
    ]);
    for (const wide of attempts) {
      expect(wide).toMatchObject({
        kind: 'webhook',
        correlation_id: requestId,
        trace_id: traceId,
        event: { id: event.id, type: 'order.placed' },
      });
      expect(wide.duration_ms).toBeGreaterThan(0);
    }
    expect(attempts[0]).toMatchObject({
      outcome: 'error',
      error: { code: 'CANON_WEBHOOK_DELIVERY_FAILED', retriable: true },
    });
    expect(attempts[0].webhook.retry_in_ms).toBeGreaterThanOrEqual(50);
    expect(attempts[1].outcome).toBe('success');
    const job = sink.events.find((e) => e.kind === 'job');
    expect(job?.webhooks).toEqual({ queued: 1 });
    // each attempt is a child of the event's creation span, listed in the job's events_published
    for (const wide of attempts) expect(wide.parent_span_id).toBe(job?.events_published[0].span_id);
    // trace context stays inside unless propagateTrace is set
    expect(receiver.to('/observed')[0].headers).not.toHaveProperty('traceparent');
    expect(attempts[0].webhook).not.toHaveProperty('span_id');
  });

  it('propagateTrace: each attempt sends traceparent with a span id of its own (webhook.span_id) and the trace’s tracestate', async () => {
    const sink = memorySink();
    const canon = createCanon({ service: 'hooks', sinks: [sink], handleExit: false });
    const webhooks = await setup({ canon, propagateTrace: true });
    respond = (_request, n) => (n === 1 ? { status: 503 } : { status: 200 });
    await webhooks.endpoints.create({ url: `${receiver.url}/traced`, events: ['order.*'] });
    const incoming = {
      request_id: 'req-traced',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
      tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    };
    const event = await runWithContext(incoming, () =>
      canon.run({ kind: 'job' }, async () => {
        const created = createEvent(OrderPlaced, {});
        await webhooks.send(created);
        return created;
      }),
    );
    expect(event.metadata.tracestate).toBe(incoming.tracestate);
    await attemptsOf(webhooks, event.id, 2);
    const attempts = await waitForEvents(sink, 2);
    const requests = receiver.to('/traced');
    expect(requests).toHaveLength(2);
    for (const [i, request] of requests.entries()) {
      const spanId = attempts[i].webhook.span_id;
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(spanId).not.toBe(attempts[i].span_id);
      expect(request.headers.traceparent).toBe(`00-${incoming.trace_id}-${spanId}-01`);
      expect(request.headers.tracestate).toBe(incoming.tracestate);
    }
    expect(attempts[0].webhook.span_id).not.toBe(attempts[1].webhook.span_id);
  });

  it('propagateTrace without a canon instance continues the trace the event was created in', async () => {
    const webhooks = await setup({ propagateTrace: true });
    await webhooks.endpoints.create({ url: `${receiver.url}/untraced-worker`, events: ['order.*'] });
    const event = createEvent(OrderPlaced, {}, {
      metadata: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', tracestate: 'rojo=1' },
    });
    await webhooks.send(event);
    await until(() => receiver.to('/untraced-worker').length === 1);
    expect(receiver.to('/untraced-worker')[0].headers).toMatchObject({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'rojo=1',
    });
  });

  it('endpoints: list, get, update, disable, enable, delete, with clear errors', async () => {
    const webhooks = await setup({}, false);
    const a = await webhooks.endpoints.create({ url: `${receiver.url}/a`, events: ['order.*'] });
    expect(a).toMatchObject({
      url: `${receiver.url}/a`,
      events: ['order.*'],
      enabled: true,
      disabled_reason: null,
    });
    expect(a.id).toMatch(/^ep_/);
    expect(Buffer.from(a.secret.slice(6), 'base64')).toHaveLength(32);
    const b = await webhooks.endpoints.create({
      url: `${receiver.url}/b`,
      events: ['*'],
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
    expect(b.secret).toBe('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect((await webhooks.endpoints.list()).map((e) => e.id)).toEqual([a.id, b.id]);

    const updated = await webhooks.endpoints.update(a.id, { events: ['invoice.paid'] });
    expect(updated).toMatchObject({ url: a.url, events: ['invoice.paid'] });
    expect(await webhooks.endpoints.disable(a.id)).toMatchObject({
      enabled: false,
      disabled_reason: 'manual',
    });
    expect(await webhooks.endpoints.get(a.id)).toMatchObject({ enabled: false });

    await webhooks.send(createEvent(OrderPlaced, {}));
    expect(await webhooks.endpoints.delete(b.id)).toBe(true);
    expect(await webhooks.endpoints.delete(b.id)).toBe(false);
    expect(await webhooks.stats()).toMatchObject({ pending: 0 });
    expect(await webhooks.endpoints.get(b.id)).toBeUndefined();

    expect((await caught(webhooks.endpoints.update('ep_missing', { url: `${receiver.url}/x` }))).code).toBe(
      'CANON_WEBHOOK_ENDPOINT_NOT_FOUND',
    );
    await expect(webhooks.endpoints.create({ url: 'not a url', events: ['*'] })).rejects.toThrow(/`url`/);
    await expect(webhooks.endpoints.create({ url: `${receiver.url}/x`, events: [] })).rejects.toThrow(
      /`events`/,
    );
    await expect(
      webhooks.endpoints.create({ url: `${receiver.url}/x`, events: ['order.pla*'] }),
    ).rejects.toThrow(/`events\[0\]`/);
    await expect(
      webhooks.endpoints.create({ url: `${receiver.url}/x`, events: ['*'], secret: 'whsec_c2hvcnQ=' }),
    ).rejects.toThrow(/`secret`: its key has 5 bytes/);
    await expect(
      webhooks.endpoints.create({ url: `${receiver.url}/x`, events: ['*'], secret: 'plain' }),
    ).rejects.toThrow(/`secret`/);
    await expect(
      webhooks.endpoints.create({ url: `${receiver.url}/x`, events: ['*'], colour: 1 } as never),
    ).rejects.toThrow(/`endpoint.colour`/);
    await expect(webhooks.endpoints.rotateSecret(a.id, { graceMs: -1 })).rejects.toThrow(/`graceMs`/);
    await expect(webhooks.send({ type: 'order.placed' } as never)).rejects.toThrow(
      /CANON_INVALID_EVENT|not an event envelope/,
    );
    await expect(webhooks.deliveries.list({ limit: 0 })).rejects.toThrow(/`filter.limit`/);
  });
}

async function waitForEvents(sink: ReturnType<typeof memorySink>, count: number) {
  await until(() => sink.events.filter((e) => e.kind === 'webhook').length >= count);
  return sink.events.filter((e) => e.kind === 'webhook') as any[];
}
