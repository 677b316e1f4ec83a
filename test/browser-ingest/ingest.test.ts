/**
 * `browserIngest` on a real node:http server: each record becomes one `kind: 'browser'`
 * wide event through the pipeline; bad input gets a 4xx, is counted, and never a 500.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { browserIngest } from '../../src/browser-ingest/index.js';
import { CanonOptionError, createCanon, memorySink } from '../../src/index.js';
import { beacon, type Ingest, ORIGIN, PAGE_SPAN, records, send, startIngest, TRACE } from './helpers.js';

const apps: Ingest[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
async function start(...args: Parameters<typeof startIngest>): Promise<Ingest> {
  const app = await startIngest(...args);
  apps.push(app);
  return app;
}

describe('browserIngest: options', () => {
  const canon = createCanon({ sinks: [memorySink()], handleExit: false });
  const optionOf = (make: () => unknown) => {
    try {
      make();
    } catch (err) {
      expect(err).toBeInstanceOf(CanonOptionError);
      return [(err as CanonOptionError).option, (err as Error).message];
    }
    return 'no error';
  };

  it('origins is required, and each must be a bare origin', () => {
    expect(optionOf(() => browserIngest(canon, undefined as never))[0]).toBe('origins');
    expect(optionOf(() => browserIngest(canon, {} as never))).toEqual([
      'origins',
      "canon: invalid option `origins`: required: the origins whose pages may send (['https://shop.example']) or '*', got undefined",
    ]);
    expect(optionOf(() => browserIngest(canon, { origins: [] }))[0]).toBe('origins');
    expect(optionOf(() => browserIngest(canon, { origins: [ORIGIN, 'https://shop.example/'] }))[0]).toBe('origins[1]');
    expect(optionOf(() => browserIngest(canon, { origins: ['shop.example'] }))[0]).toBe('origins[0]');
  });

  it('every other option is checked by name', () => {
    const origins = [ORIGIN];
    expect(optionOf(() => browserIngest({} as never, { origins }))[0]).toBe('browserIngest(canon)');
    expect(optionOf(() => browserIngest(canon, { origins, origin: ORIGIN } as never))[0]).toBe('origin');
    expect(optionOf(() => browserIngest(canon, { origins, maxBodyBytes: 10 }))[0]).toBe('maxBodyBytes');
    expect(optionOf(() => browserIngest(canon, { origins, maxBatch: 0 }))[0]).toBe('maxBatch');
    expect(optionOf(() => browserIngest(canon, { origins, rateLimit: { max: 0 } }))[0]).toBe('rateLimit.max');
    expect(optionOf(() => browserIngest(canon, { origins, rateLimit: { per: 1 } as never }))[0]).toBe('rateLimit.per');
    expect(optionOf(() => browserIngest(canon, { origins, rateLimit: true as never }))[0]).toBe('rateLimit');
    expect(optionOf(() => browserIngest(canon, { origins, fields: 'user.id' as never }))[0]).toBe('fields');
    expect(optionOf(() => browserIngest(canon, { origins, fields: ['user.id', 'a..b'] }))[0]).toBe('fields[1]');
    expect(optionOf(() => browserIngest(canon, { origins, fields: ['trace_id'] }))).toEqual([
      'fields[0]',
      "canon: invalid option `fields[0]`: 'trace_id' is a field Canon sets on every browser event",
    ]);
    expect(optionOf(() => browserIngest(canon, { origins, fields: ['browser.url'] }))[0]).toBe('fields[0]');
    expect(optionOf(() => browserIngest(canon, { origins, ip: 'x-forwarded-for' as never }))[0]).toBe('ip');
    expect(optionOf(() => browserIngest(canon, { origins: '*', rateLimit: false, fields: ['user.id'] }))).toBe('no error');
  });
});

describe('browserIngest: records become wide events', () => {
  it('one kind: browser event per record, with the documented fields and the page trace', async () => {
    const app = await start({ origins: [ORIGIN] });
    const answer = await beacon(app.url, { service: 'shop-web', release: '1.4.2', dropped: 2, records: records() });
    expect([answer.status, answer.json]).toEqual([202, { accepted: 6, dropped: 0 }]);
    expect(answer.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(app.events).toHaveLength(6);
    const browser = {
      url: 'https://shop.example/cart',
      service: 'shop-web',
      release: '1.4.2',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Test',
      timestamp: '2026-01-02T03:04:05.000Z',
      dropped: 2,
    };
    for (const event of app.events) {
      expect(event).toMatchObject({ kind: 'browser', service: 'shop-api', trace_id: TRACE, parent_span_id: PAGE_SPAN });
      expect(event.request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(event.span_id).toMatch(/^[0-9a-f]{16}$/);
    }
    const [error, rejection, log, fetch, navigation, vital] = app.events;
    expect(error).toMatchObject({
      outcome: 'error',
      browser: { ...browser, type: 'error' },
      error: { type: 'TypeError', message: 'x is undefined', stack: 'TypeError: x is undefined\n    at cart.js:1:1' },
    });
    expect(rejection).toMatchObject({ outcome: 'error', browser: { type: 'rejection' }, error: { type: 'string', message: 'nope' } });
    expect(log).toMatchObject({ outcome: 'success', browser: { ...browser, type: 'log', level: 'warn', message: 'slow cart' } });
    expect(log).not.toHaveProperty('cart_items'); // not listed in `fields`
    expect(fetch).toMatchObject({
      span_id: 'b7ad6b7169203331', // the span the page sent in traceparent: the backend's parent
      browser: { type: 'fetch', fetch: { method: 'POST', path: '/api/orders', status_code: 201, duration_ms: 42.5, request_id: 'req-1' } },
    });
    expect(navigation.browser.navigation).toEqual({ type: 'navigate', ttfb_ms: 80, dom_content_loaded_ms: 300, load_ms: 420, transfer_size: 5120 });
    expect(vital.browser.vital).toEqual({ name: 'LCP', value: 1234.5, rating: 'good', id: 'v5-1', navigation_type: 'navigate' });
    expect(app.ingest.stats()).toMatchObject({ requests: 1, accepted: 6, malformed_records: 0 });
  });

  it('takes nothing outside the record shape; page fields only when listed', async () => {
    const app = await start({ origins: [ORIGIN], fields: ['user.id', 'plan', 'cart_items'] });
    const [, , log] = records();
    await beacon(app.url, {
      service: 'shop-web',
      hacked: true,
      records: [
        {
          ...log,
          kind: 'http',
          service: 'payments',
          status_code: 500,
          __proto__: { polluted: true },
          browser: { injected: 1 },
          level: 'info',
          fields: { 'user.id': 'u_1', plan: 'pro', cart_items: 3, password: 'hunter2', nested: { a: 1 }, list: [1] },
        },
      ],
    });
    const [event] = app.events;
    expect(event).toMatchObject({ kind: 'browser', service: 'shop-api', user: { id: 'u_1' }, plan: 'pro', cart_items: 3 });
    for (const key of ['status_code', 'hacked', 'password', 'nested', 'list', 'polluted', 'fields']) expect(event).not.toHaveProperty(key);
    expect(Object.keys(event.browser).sort()).toEqual(['level', 'message', 'release', 'service', 'timestamp', 'type', 'url', 'user_agent'].filter((k) => k !== 'release'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ids that are not W3C ids are ignored: the record starts its own trace', async () => {
    const app = await start({ origins: [ORIGIN] });
    const [, , log, fetch] = records();
    await beacon(app.url, {
      service: 'web',
      records: [
        { ...log, trace_id: 'NOT-A-TRACE', parent_span_id: '0000000000000000' },
        { ...fetch, span_id: 'xyz' },
        { ...log, trace_id: '00000000000000000000000000000000' },
      ],
    });
    const [first, second, third] = app.events;
    expect(first.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(first.trace_id).not.toBe('NOT-A-TRACE');
    expect(first).not.toHaveProperty('parent_span_id');
    expect(second.span_id).not.toBe('xyz');
    expect(third.trace_id).not.toBe('00000000000000000000000000000000');
  });

  it('goes through the pipeline: redaction, validation and sampling apply', async () => {
    const app = await start(
      { origins: [ORIGIN], fields: ['user.email'] },
      {
        redact: { fields: ['user.email', 'error.stack'], patterns: ['email'] },
        schema: z.object({ browser: z.object({ service: z.literal('shop-web') }) }),
        sample: (event) => (event.browser as { type?: string })?.type !== 'vital',
      },
    );
    const all = records();
    all[2]!.message = 'mail ada@example.com failed';
    all[2]!.fields = { 'user.email': 'ada@example.com' };
    await beacon(app.url, { service: 'shop-web', records: all });
    await beacon(app.url, { service: 'other-web', records: [all[2]] });
    expect(app.events.map((e) => e.browser.type)).toEqual(['error', 'rejection', 'log', 'fetch', 'navigation', 'log']);
    expect(app.events[0]!.error.stack).toBe('[REDACTED]');
    expect(app.events[2]!.user.email).toBe('[REDACTED]');
    expect(app.events[2]!.browser.message).toBe('mail [REDACTED] failed');
    expect(app.events[2]).not.toHaveProperty('schema_errors');
    expect(app.events[5]!.schema_errors).toEqual([{ path: 'browser.service', message: expect.any(String) }]);
    expect(app.canon.stats()).toMatchObject({ emitted: 6, sampled_out: 1, invalid: 1 });
  });
});

describe('browserIngest: bad input gets a 4xx, and nothing else', () => {
  it('malformed JSON or a body that is not a batch: 400, counted, no event', async () => {
    const app = await start({ origins: [ORIGIN] });
    for (const body of ['{"records": [', 'null', '[]', '"records"', '{"records": {}}', '{}', '']) {
      const answer = await beacon(app.url, body);
      expect([body, answer.status, answer.json]).toEqual([body, 400, { error: 'expected a JSON body { service, records: [...] }' }]);
    }
    expect(app.events).toEqual([]);
    expect(app.ingest.stats()).toMatchObject({ requests: 7, malformed_bodies: 7, accepted: 0 });
  });

  it('malformed records are counted and dropped; the rest of the batch is kept', async () => {
    const app = await start({ origins: [ORIGIN] });
    const [error, , log, fetch] = records();
    const bad = [
      null,
      1,
      'log',
      [],
      {},
      { ...log, type: 'page' },
      { ...log, level: 'debug' },
      { ...log, message: 42 },
      { ...error, error: 'boom' },
      { ...error, error: { type: 'Error' } },
      { ...fetch, fetch: { method: 'post', path: '/x', status_code: 200 } },
      { ...fetch, fetch: { method: 'GET', path: '/x', status_code: 200.5 } },
      { type: 'vital', vital: { name: 'LCP', value: 'fast' } },
    ];
    const answer = await beacon(app.url, { service: 'web', records: [log, ...bad, error] });
    expect([answer.status, answer.json]).toEqual([202, { accepted: 2, dropped: bad.length }]);
    expect(app.events.map((e) => e.browser.type)).toEqual(['log', 'error']);
    expect(app.ingest.stats()).toMatchObject({ accepted: 2, malformed_records: bad.length });
  });

  it('never answers 500, whatever the body', async () => {
    const app = await start({ origins: [ORIGIN] });
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const bodies = [
      deep,
      `{"records":[${deep}]}`,
      '{"records":[{"type":"log","level":"info","message":"x","timestamp":1e400,"url":{"toString":1},"fields":{"__proto__":{"x":1}}}]}',
      '{"records":[{"type":"error","error":{"message":"m","type":{"a":1},"stack":[1]},"trace_id":["x"]}]}',
      '{"records":[{"type":"fetch","span_id":"b7ad6b7169203331","fetch":{"method":"GET","path":"/a","status_code":1e9}}]}',
      '{"service":{"a":1},"release":7,"dropped":"many","records":[{"type":"navigation","navigation":{"type":[],"load_ms":-1}}]}',
      '\u0000\uffff',
      Buffer.from([0xff, 0xfe, 0xfd]).toString('latin1'),
    ];
    for (const body of bodies) {
      const answer = await beacon(app.url, body);
      expect(answer.status, body.slice(0, 60)).toBeGreaterThanOrEqual(200);
      expect(answer.status, body.slice(0, 60)).toBeLessThan(500);
    }
    const navigation = app.events.find((e) => e.browser.type === 'navigation');
    expect(navigation?.browser).toEqual({ type: 'navigation', navigation: {}, user_agent: expect.any(String) });
  });

  it('origins: no Origin or another one is 403 without CORS headers; "*" takes any', async () => {
    const app = await start({ origins: [ORIGIN] });
    const batch = { service: 'web', records: [records()[2]] };
    for (const origin of [undefined, 'https://evil.example', 'null', 'https://shop.example:8443']) {
      const answer = await send(app.url, 'POST', JSON.stringify(batch), origin ? { origin } : {});
      expect([origin, answer.status, answer.headers['access-control-allow-origin']]).toEqual([origin, 403, undefined]);
    }
    expect(app.events).toEqual([]);
    expect(app.ingest.stats()).toMatchObject({ requests: 4, forbidden: 4 });
    const any = await start({ origins: '*' });
    const answer = await beacon(any.url, batch, 'https://anywhere.example');
    expect([answer.status, answer.headers['access-control-allow-origin']]).toEqual([202, 'https://anywhere.example']);
  });

  it('CORS preflight: allowed origins may POST JSON; others, other methods or headers are refused', async () => {
    const app = await start({ origins: [ORIGIN] });
    const preflight = (origin: string, method: string, headers?: string) =>
      send(app.url, 'OPTIONS', null, {
        origin,
        'access-control-request-method': method,
        ...(headers ? { 'access-control-request-headers': headers } : {}),
      });
    const ok = await preflight(ORIGIN, 'POST', 'content-type');
    expect(ok.status).toBe(204);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '7200',
      vary: 'Origin, Access-Control-Request-Headers',
    });
    for (const [origin, method, headers] of [
      ['https://evil.example', 'POST', 'content-type'],
      [ORIGIN, 'PUT', 'content-type'],
      [ORIGIN, 'POST', 'content-type, authorization'],
    ] as const) {
      const refused = await preflight(origin, method, headers);
      expect([origin, method, headers, refused.status, refused.headers['access-control-allow-origin']]).toEqual([origin, method, headers, 403, undefined]);
    }
    const get = await send(app.url, 'GET', null, { origin: ORIGIN });
    expect([get.status, get.headers.allow]).toEqual([405, 'POST, OPTIONS']);
    const form = await send(app.url, 'POST', 'a=1', { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const json = await send(app.url, 'POST', JSON.stringify({ service: 'web', records: [records()[2]] }), {
      origin: ORIGIN,
      'content-type': 'application/json',
    });
    expect(json.status).toBe(202);
  });

  it('a batch over maxBatch: 413, no event', async () => {
    const app = await start({ origins: [ORIGIN], maxBatch: 3 });
    const log = records()[2];
    const answer = await beacon(app.url, { service: 'web', records: [log, log, log, log] });
    expect([answer.status, answer.json]).toEqual([413, { error: 'more than 3 records in one request' }]);
    expect(app.events).toEqual([]);
    expect((await beacon(app.url, { service: 'web', records: [log, log, log] })).status).toBe(202);
    expect(app.ingest.stats()).toMatchObject({ too_large: 1, accepted: 3 });
  });

  it('rate limit per client: 429 with Retry-After; other clients go on; the client table stays bounded', async () => {
    const app = await start({
      origins: [ORIGIN],
      rateLimit: { max: 2, windowMs: 30_000, maxClients: 3 },
      ip: (req) => req.headers['x-client'] as string | undefined,
    });
    const batch = { service: 'web', records: [records()[2]] };
    const from = (client: string) => beacon(app.url, batch, ORIGIN, { 'x-client': client });
    expect((await from('a')).status).toBe(202);
    expect((await from('a')).status).toBe(202);
    const limited = await from('a');
    expect([limited.status, limited.json]).toEqual([429, { error: 'too many requests' }]);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(30);
    expect((await from('b')).status).toBe(202);
    for (let i = 0; i < 10; i++) await from(`client-${i}`);
    expect(app.ingest.stats()).toMatchObject({ rate_limited: 1, clients: 3 });
    expect(app.events).toHaveLength(13);
  });
});
