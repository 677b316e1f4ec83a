/**
 * The HTTP adapter contract: the same behaviours, run against every adapter.
 * Adding an adapter = adding one entry to `test/contract/adapters/` and to the list in
 * `http.test.ts`. Each entry starts a real server on 127.0.0.1 serving these routes:
 *
 * - `GET /users/:id`  awaits, then enriches through `getWideEvent()` (`user.id`,
 *                     `deep.value`), answers `{ id }`.
 * - `GET /throw`      an async handler throws `Error('thrown', { cause: TypeError('root cause') })`.
 * - `GET /next-error` (frameworks with an error handler) hands
 *                     `Error('passed')` with `code: 'E_PASSED'` to the framework's error
 *                     handling; the app's own handler answers 502 `{ handled: true }`.
 * - `GET /stream`     writes three 1,000-byte chunks with pauses, then ends.
 * - `GET /slow`       writes one chunk, then waits 5 s (clients abort it).
 * - `GET /echo/:n`    enriches `echo.n` before and after random pauses, answers `n`.
 * - `GET /tenant`     answers `{ tenant: getTenant() ?? null }` after random pauses.
 * - `GET /context`    answers `{ context: exportContext() ?? null }` after a pause: the
 *                     trace context (and `tracestate`) calls made there would carry.
 * - `POST /body`      reads the JSON body `{ n }` the framework's usual way, then sets
 *                     `body.n` and enriches `{ order: body }` through `getWideEvent()`,
 *                     answers `{ n, request_id }`.
 * - anything else     the framework's own 404.
 *
 * `start(canon, options)` passes `options` (`{ tenant }`...) to the adapter unchanged.
 */
import { describe, expect, it } from 'vitest';
import type { HttpAdapterOptions } from '../../src/http/options.js';
import { type Canon, createCanon, type MemorySink, memorySink } from '../../src/index.js';
import { abortAfterFirstChunk, getWithHeaderLines, postInTwoChunks, rawRequest } from '../helpers/http.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { P, T, TRACEPARENT_CASES, TRACESTATE_CASES } from './trace-context-cases.js';

export interface ContractApp {
  url: string;
  close(): Promise<void>;
}

export interface HttpAdapterEntry {
  name: string;
  /** The framework reports the matched route pattern. */
  routes: boolean;
  /** The framework has an error handler errors can be passed to. */
  errorHandler: boolean;
  /**
   * A thrown error goes back to the runtime, which answers 500 on its own, without
   * Canon's headers (fetch handlers, Lambda): the test finds the event by the request id
   * it sent instead of the echoed one.
   */
  errorsRethrown?: boolean;
  /** The platform tells when the client leaves mid-response (default true; not Lambda). */
  aborts?: boolean;
  start(canon: Canon, options?: HttpAdapterOptions): Promise<ContractApp>;
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

export async function withApp(
  entry: HttpAdapterEntry,
  test: (app: ContractApp, sink: MemorySink) => Promise<void>,
  options?: HttpAdapterOptions,
) {
  const sink = memorySink();
  const canon = createCanon({ service: 'contract', sinks: [sink], handleExit: false });
  const app = await entry.start(canon, options);
  try {
    await test(app, sink);
  } finally {
    await app.close();
  }
}

export async function eventFor(sink: MemorySink, requestId: string) {
  const event = await waitFor(() => sink.events.find((e) => e.request_id === requestId), 5_000, requestId);
  await sleep(30); // a second emit would arrive by now
  expect(sink.events.filter((e) => e.request_id === requestId)).toHaveLength(1);
  return event;
}

export function describeHttpContract(entry: HttpAdapterEntry): void {
  describe(`HTTP contract: ${entry.name}`, () => {
    it('emits one event with the standard fields', async () => {
      await withApp(entry, async (app, sink) => {
        const res = await fetch(`${app.url}/users/42?token=secret`, {
          headers: { 'user-agent': 'contract/1' },
        });
        expect(res.status).toBe(200);
        const requestId = res.headers.get('x-request-id')!;
        expect(requestId).toMatch(UUID_V7);
        const event = await eventFor(sink, requestId);
        expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp);
        expect(event).toMatchObject({
          kind: 'http',
          service: 'contract',
          method: 'GET',
          path: '/users/42',
          status_code: 200,
          outcome: 'success',
          user_agent: 'contract/1',
          sample_rate: 1,
          user: { id: '42' },
          deep: { value: 1 },
        });
        expect(event.trace_id).toMatch(/^[0-9a-f]{32}$/);
        expect(event.span_id).toMatch(/^[0-9a-f]{16}$/);
        expect(event.parent_span_id).toBeUndefined();
        expect(typeof event.host).toBe('string');
        expect(event.duration_ms).toBeGreaterThan(0.5); // the route awaits a 1 ms timer
        expect(event.response_size_bytes).toBe(Buffer.byteLength(await res.text()));
        if (entry.routes) expect(event.route).toBe('/users/:id');
      });
    });

    it('records only the path of an absolute-form request target, never its credentials', async () => {
      await withApp(entry, async (app, sink) => {
        const { host } = new URL(app.url);
        const res = await rawRequest(
          app.url,
          `GET http://user:pass@${host}/users/42?t=x HTTP/1.1\r\nhost: ${host}\r\nx-request-id: absolute-form`,
        );
        expect(res.status).toBe(200);
        const event = await eventFor(sink, 'absolute-form');
        expect(event).toMatchObject({ method: 'GET', path: '/users/42', status_code: 200 });
        if (entry.routes) expect(event.route).toBe('/users/:id');
        expect(JSON.stringify(event)).not.toMatch(/user:|pass|t=x/);
      });
    });

    it('keeps a valid incoming request id, replaces an invalid one, and echoes it', async () => {
      await withApp(entry, async (app, sink) => {
        const good = await fetch(`${app.url}/users/1`, { headers: { 'x-request-id': 'req_ABC.123:x-y' } });
        expect(good.headers.get('x-request-id')).toBe('req_ABC.123:x-y');
        await eventFor(sink, 'req_ABC.123:x-y');
        for (const bad of ['has space', 'x'.repeat(129), 'semi;colon']) {
          const res = await fetch(`${app.url}/users/1`, { headers: { 'x-request-id': bad } });
          const echoed = res.headers.get('x-request-id')!;
          expect(echoed).toMatch(UUID_V7);
          await eventFor(sink, echoed);
        }
      });
    });

    it('continues an incoming W3C trace and rejects malformed traceparents', async () => {
      await withApp(entry, async (app, sink) => {
        const res = await fetch(`${app.url}/users/1`, { headers: { traceparent: TRACEPARENT } });
        const event = await eventFor(sink, res.headers.get('x-request-id')!);
        expect(event.trace_id).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
        expect(event.parent_span_id).toBe('00f067aa0ba902b7');
        expect(event.span_id).not.toBe('00f067aa0ba902b7');
        for (const bad of [
          '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
          '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
          '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
          'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          'garbage',
        ]) {
          const r = await fetch(`${app.url}/users/1`, { headers: { traceparent: bad } });
          const e = await eventFor(sink, r.headers.get('x-request-id')!);
          expect(e.trace_id).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
          expect(e.parent_span_id).toBeUndefined();
        }
      });
    });

    it('conforms to W3C Trace Context Level 1 on the spec test suite’s cases (traceparent and tracestate)', async () => {
      await withApp(entry, async (app, sink) => {
        for (const c of [...TRACEPARENT_CASES, ...TRACESTATE_CASES]) {
          const res = await getWithHeaderLines(`${app.url}/context`, c.headers);
          expect(res.status, c.name).toBe(200);
          const { context } = JSON.parse(res.body);
          const event = await eventFor(sink, res.headers['x-request-id'] as string);
          expect(context.trace_id, c.name).toBe(event.trace_id);
          if (c.continued) {
            expect([event.trace_id, event.parent_span_id], c.name).toEqual([T, P]);
          } else {
            expect(event.trace_id, c.name).not.toBe(T);
            expect(event.parent_span_id, c.name).toBeUndefined();
          }
          expect(context.trace_flags ?? '01', c.name).toBe(c.flags ?? '01');
          expect(context.tracestate, c.name).toBe(c.tracestate);
          expect(event, c.name).not.toHaveProperty('tracestate');
        }
      });
    });

    it('marks a thrown error with its cause chain and answers 500', async () => {
      await withApp(entry, async (app, sink) => {
        const res = await fetch(`${app.url}/throw`, { headers: { 'x-request-id': 'thrown-1' } });
        expect(res.status).toBe(500);
        if (!entry.errorsRethrown) expect(res.headers.get('x-request-id')).toBe('thrown-1');
        const event = await eventFor(sink, 'thrown-1');
        expect(event.outcome).toBe('error');
        expect(event.status_code).toBe(500);
        expect(event.error).toMatchObject({
          type: 'Error',
          message: 'thrown',
          cause: { type: 'TypeError', message: 'root cause' },
        });
        expect(event.error?.stack).toBeUndefined();
      });
    });

    it.runIf(entry.errorHandler)(
      "marks an error passed to the framework's handler, which still answers",
      async () => {
        await withApp(entry, async (app, sink) => {
          const res = await fetch(`${app.url}/next-error`);
          expect(res.status).toBe(502);
          expect(await res.json()).toEqual({ handled: true });
          const event = await eventFor(sink, res.headers.get('x-request-id')!);
          expect(event).toMatchObject({ outcome: 'error', status_code: 502 });
          expect(event.error).toMatchObject({ message: 'passed', code: 'E_PASSED' });
        });
      },
    );

    it('records a 404 as a successful request with its status', async () => {
      await withApp(entry, async (app, sink) => {
        const res = await fetch(`${app.url}/no/such/route`);
        expect(res.status).toBe(404);
        const event = await eventFor(sink, res.headers.get('x-request-id')!);
        expect(event).toMatchObject({ status_code: 404, outcome: 'success', path: '/no/such/route' });
        expect(event.route).toBeUndefined();
      });
    });

    it.runIf(entry.aborts !== false)('records an aborted request once, as 499 aborted', async () => {
      await withApp(entry, async (app, sink) => {
        const status = await abortAfterFirstChunk(`${app.url}/slow`, { 'x-request-id': 'abort-me' });
        expect(status).toBe(200);
        const event = await eventFor(sink, 'abort-me');
        expect(event).toMatchObject({ outcome: 'aborted', status_code: 499, path: '/slow' });
      });
    });

    it('counts the body bytes of a streamed response', async () => {
      await withApp(entry, async (app, sink) => {
        const res = await fetch(`${app.url}/stream`);
        expect((await res.text()).length).toBe(3000);
        const event = await eventFor(sink, res.headers.get('x-request-id')!);
        expect(event.response_size_bytes).toBe(3000);
        expect(event.outcome).toBe('success');
      });
    });

    it('keeps the context after the request body was read in a later event', async () => {
      await withApp(entry, async (app, sink) => {
        const res = await postInTwoChunks(`${app.url}/body`, JSON.stringify({ n: 7 }), {
          'x-request-id': 'with-body',
        });
        expect(res.status).toBe(200);
        expect(JSON.parse(res.body)).toEqual({ n: 7, request_id: 'with-body' });
        const event = await eventFor(sink, 'with-body');
        expect(event).toMatchObject({ method: 'POST', path: '/body', status_code: 200, body: { n: 7 } });
        if (entry.routes) expect(event.route).toBe('/body');
      });
    });

    it("takes a client's JSON body nested 8,000 levels deep into the event: 200, one event, cut at limits.depth", async () => {
      await withApp(entry, async (app, sink) => {
        const body = `${'{"a":'.repeat(8_000)}1${'}'.repeat(8_000)}`; // 48 KB
        const res = await fetch(`${app.url}/body`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'deep-body' },
          body,
        });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ request_id: 'deep-body' });
        const event = await eventFor(sink, 'deep-body');
        expect(event.outcome).toBe('success');
        let level = event.order; // the event's key `order` is at depth 1
        for (let depth = 2; depth < 10; depth++) level = level.a;
        expect(level).toEqual({ a: '[Truncated: depth]' });
      });
    });

    it('keeps 1,000 concurrent interleaved requests apart', async () => {
      await withApp(entry, async (app, sink) => {
        const ids = Array.from({ length: 1000 }, (_, n) => n);
        const answers = await Promise.all(
          ids.map(async (n) => {
            const res = await fetch(`${app.url}/echo/${n}`, { headers: { 'x-request-id': `echo-${n}` } });
            return Number(await res.text());
          }),
        );
        expect(answers).toEqual(ids);
        await waitFor(() => sink.events.length >= 1000, 10_000, '1,000 events');
        await sleep(30);
        expect(sink.events).toHaveLength(1000);
        for (const event of sink.events) {
          const n = Number(event.request_id.slice('echo-'.length));
          expect(event.echo).toEqual({ n, after: n });
          expect(event.path).toBe(`/echo/${n}`);
        }
      });
    });
  });
}
