import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import {
  createTrackedFetch,
  fetchTrackingInterceptor,
  installFetchTracking,
  trackedFetch,
} from '../../src/tracking/fetch/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** Service B: a real Canon server that reports what it received. */
const sinkB = memorySink();
const canonB = createCanon({ service: 'b', sinks: [sinkB], handleExit: false });
const serverB = http.createServer(
  canonNode(canonB, (req, res) => {
    req.canon.set('received.custom', req.headers['x-custom']);
    req.canon.set('received.traceparent', req.headers.traceparent);
    req.canon.set('received.tracestate', req.headers.tracestate);
    res.statusCode = req.url?.startsWith('/fail') ? 503 : 200;
    res.end('from b');
  }),
);

/** Service A: a real Canon server whose handler is swapped per test. */
const sinkA = memorySink();
const canonA = createCanon({ service: 'a', sinks: [sinkA], handleExit: false });
let handlerA: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
const serverA = http.createServer(canonNode(canonA, (req, res) => handlerA(req, res)));

let a: Awaited<ReturnType<typeof listen>>;
let b: Awaited<ReturnType<typeof listen>>;
let closedPort: number;
let nodeBundledAgent: unknown;

beforeAll(async () => {
  a = await listen(serverA);
  b = await listen(serverB);
  // Node's own fetch installs its bundled undici (legacy handler API) as global dispatcher.
  await fetch(`${b.url}/warmup`);
  nodeBundledAgent = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  await a.close();
  await b.close();
});

/** Calls service A, whose handler runs `work`, and returns A's event and B's events. */
async function throughA(work: (req: http.IncomingMessage) => Promise<unknown>, headers?: Record<string, string>) {
  sinkA.clear();
  sinkB.clear();
  handlerA = async (req, res) => {
    await work(req);
    res.end('ok');
  };
  const res = await fetch(`${a.url}/a`, { headers });
  await res.text();
  const eventA = await waitFor(() => sinkA.events[0], 5_000, 'event of A');
  return { eventA, eventsB: sinkB.events };
}

describe('trackedFetch', () => {
  it('records the call as a client span the callee continues (same trace_id, parent_span_id = the call’s span_id)', async () => {
    const hostB = new URL(b.url).host;
    const { eventA, eventsB } = await throughA(async () => {
      const res = await trackedFetch(`${b.url}/b?token=secret-token`, { headers: { 'x-custom': 'kept' } });
      await res.text();
    });
    expect(eventA.external).toMatchObject({
      call_count: 1,
      error_count: 0,
      calls: [
        { host: hostB, method: 'GET', status_code: 200, duration_ms: expect.any(Number), span_id: expect.any(String) },
      ],
    });
    const call = eventA.external.calls[0];
    expect(call.span_id).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
    expect(call.span_id).not.toBe(eventA.span_id);
    expect(eventA.external.total_ms).toBeGreaterThan(0);
    expect(JSON.stringify(eventA)).not.toContain('secret-token');
    expect(eventsB).toHaveLength(1);
    expect(eventsB[0]).toMatchObject({
      service: 'b',
      trace_id: eventA.trace_id,
      parent_span_id: call.span_id,
      request_id: eventA.request_id,
      received: { custom: 'kept', traceparent: `00-${eventA.trace_id}-${call.span_id}-01` },
    });
    expect(eventsB[0].span_id).not.toBe(eventA.span_id);
  });

  it('gives every call a span id of its own, children of the unit’s span', async () => {
    const { eventA, eventsB } = await throughA(async () => {
      await Promise.all([1, 2, 3].map(() => trackedFetch(`${b.url}/b`).then((res) => res.text())));
    });
    const spans = eventA.external.calls.map((call: { span_id: string }) => call.span_id);
    expect(new Set([...spans, eventA.span_id]).size).toBe(4);
    expect(eventsB.map((e) => e.parent_span_id).sort()).toEqual([...spans].sort());
    expect(new Set(eventsB.map((e) => e.trace_id))).toEqual(new Set([eventA.trace_id]));
  });

  it('propagates the incoming tracestate unchanged (never without its traceparent)', async () => {
    const call = async () => (await trackedFetch(`${b.url}/b`)).text();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const withState = await throughA(call, { traceparent, tracestate: 'rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE' });
    expect(withState.eventsB[0].received.tracestate).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    expect(withState.eventA).not.toHaveProperty('tracestate'); // kept on the unit, not on the event
    const badParent = await throughA(call, { traceparent: traceparent.toUpperCase(), tracestate: 'rojo=1' });
    expect(badParent.eventsB[0].received.tracestate).toBeUndefined();
    expect(badParent.eventsB[0].trace_id).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const badState = await throughA(call, { traceparent, tracestate: 'rojo=1,rojo=2' });
    expect(badState.eventsB[0].received).toMatchObject({ traceparent: expect.stringContaining('4bf92f35') });
    expect(badState.eventsB[0].received.tracestate).toBeUndefined();
  });

  it('passes the caller’s sampled flag on unchanged: an unsampled trace stays unsampled downstream', async () => {
    const call = async () => (await trackedFetch(`${b.url}/b`)).text();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const unsampled = await throughA(call, { traceparent: `00-${traceId}-00f067aa0ba902b7-00` });
    expect(unsampled.eventA.trace_id).toBe(traceId);
    const unsampledSpan = unsampled.eventA.external.calls[0].span_id;
    expect(unsampled.eventsB[0].received.traceparent).toBe(`00-${traceId}-${unsampledSpan}-00`);
    const fresh = await throughA(call);
    const freshSpan = fresh.eventA.external.calls[0].span_id;
    expect(fresh.eventsB[0].received.traceparent).toBe(`00-${fresh.eventA.trace_id}-${freshSpan}-01`);
    // W3C Level 1 defines only the sampled bit: others are sent as zero
    const otherBits = await throughA(call, { traceparent: `00-${traceId}-00f067aa0ba902b7-ff` });
    expect(otherBits.eventsB[0].received.traceparent).toMatch(/-01$/);
  });

  it('records failures without a response and 5xx answers as errors, never the URL’s secrets', async () => {
    const { eventA } = await throughA(async () => {
      await trackedFetch(`http://127.0.0.1:${closedPort}/x?key=secret`, { method: 'post' }).catch(() => {});
      await trackedFetch(`${b.url}/fail`).then((res) => res.text());
      await trackedFetch('http://user:hunter2@127.0.0.1/').catch(() => {}); // fetch refuses credentials
    });
    expect(eventA.external).toMatchObject({ call_count: 3, error_count: 3 });
    expect(eventA.external.calls).toEqual([
      {
        host: `127.0.0.1:${closedPort}`,
        method: 'POST',
        duration_ms: expect.any(Number),
        error: 'ECONNREFUSED',
        span_id: expect.any(String),
      },
      {
        host: new URL(b.url).host,
        method: 'GET',
        status_code: 503,
        duration_ms: expect.any(Number),
        span_id: expect.any(String),
      },
      {
        host: '127.0.0.1',
        method: 'GET',
        duration_ms: expect.any(Number),
        error: 'TypeError',
        span_id: expect.any(String),
      },
    ]);
    expect(JSON.stringify(eventA)).not.toMatch(/secret|hunter2|user:/);
  });

  it('keeps a traceparent the caller set (and sends no tracestate of its own with it), and propagate: false sends none', async () => {
    const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const quiet = createTrackedFetch({ propagate: false });
    const incoming = {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'rojo=00f067aa0ba902b7',
    };
    const { eventA, eventsB } = await throughA(async () => {
      await trackedFetch(b.url, { headers: [['traceparent', own]] }).then((res) => res.text());
      await quiet(b.url).then((res) => res.text());
    }, incoming);
    expect(eventsB[0]).toMatchObject({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      parent_span_id: 'b7ad6b7169203331',
      request_id: eventA.request_id,
    });
    expect(eventsB[0].received.tracestate).toBeUndefined();
    expect(eventsB[1].trace_id).not.toBe(eventA.trace_id);
    expect(eventsB[1].request_id).not.toBe(eventA.request_id);
    expect(eventsB[1].received.tracestate).toBeUndefined();
    expect(eventA.external.call_count).toBe(2);
    // neither call carried a span id of Canon's: none is recorded
    expect(eventA.external.calls.map((call: object) => 'span_id' in call)).toEqual([false, false]);
  });

  it('caps the calls list and counts the overflow; a call past the cap names the unit’s span as parent', async () => {
    const capped = createTrackedFetch({ maxCalls: 2 });
    const { eventA, eventsB } = await throughA(async () => {
      for (let i = 0; i < 3; i++) await capped(b.url).then((res) => res.text());
    });
    expect(eventA.external.calls).toHaveLength(2);
    expect(eventA.external).toMatchObject({ call_count: 3, calls_dropped: 1 });
    expect(eventsB.map((e) => e.parent_span_id)).toEqual([
      eventA.external.calls[0].span_id,
      eventA.external.calls[1].span_id,
      eventA.span_id,
    ]);
  });

  it('is plain fetch outside a unit of work', async () => {
    sinkB.clear();
    const res = await trackedFetch(b.url, { headers: { 'x-custom': 'plain' } });
    expect(await res.text()).toBe('from b');
    await waitFor(() => sinkB.events[0]);
    expect(sinkB.events[0].parent_span_id).toBeUndefined();
  });

  it('refuses bad options, naming them', () => {
    expect(() => createTrackedFetch({ maxCalls: -1 })).toThrow(/`createTrackedFetch.maxCalls`/);
    expect(() => createTrackedFetch({ propagate: 'yes' as never })).toThrow(/`createTrackedFetch.propagate`/);
    expect(() => fetchTrackingInterceptor({ hosts: [] } as never)).toThrow(
      /`fetchTrackingInterceptor.hosts`.*unknown/,
    );
  });
});

describe('installFetchTracking (undici global dispatcher)', () => {
  it('tracks plain global fetch on Node’s bundled dispatcher, propagates, and uninstalls', async () => {
    const undici = createRequire(import.meta.url)('undici');
    expect(nodeBundledAgent).toBeDefined();
    expect(nodeBundledAgent).not.toBeInstanceOf(undici.Dispatcher); // Node's own copy: legacy handler API
    const uninstall = installFetchTracking();
    try {
      expect(installFetchTracking()).toBe(uninstall); // idempotent
      const { eventA, eventsB } = await throughA(async () => {
        await fetch(`${b.url}/b?q=secret`).then((res) => res.text());
        await trackedFetch(b.url).then((res) => res.text()); // not counted twice
      });
      expect(eventA.external).toMatchObject({
        call_count: 2,
        calls: [{ status_code: 200 }, { status_code: 200 }],
      });
      expect(eventsB[0]).toMatchObject({
        trace_id: eventA.trace_id,
        parent_span_id: eventA.external.calls[0].span_id,
      });
      expect(eventsB[1].parent_span_id).toBe(eventA.external.calls[1].span_id);
      expect(eventA.external.calls[0].span_id).not.toBe(eventA.external.calls[1].span_id);
    } finally {
      uninstall();
    }
    expect((globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER]).toBe(nodeBundledAgent);
    const { eventA, eventsB } = await throughA(async () => {
      await fetch(b.url).then((res) => res.text());
    });
    expect(eventA.external).toBeUndefined();
    expect(eventsB[0].trace_id).not.toBe(eventA.trace_id);
  });

  it('tracks global fetch and undici.request on an undici 7 dispatcher, errors included', async () => {
    const undici = createRequire(import.meta.url)('undici');
    const previous = undici.getGlobalDispatcher();
    undici.setGlobalDispatcher(new undici.Agent());
    const uninstall = installFetchTracking({ maxCalls: 5 });
    try {
      const { eventA, eventsB } = await throughA(async () => {
        await fetch(b.url).then((res) => res.text());
        const { body, statusCode } = await undici.request(`${b.url}/fail`, { method: 'PUT' });
        await body.text();
        expect(statusCode).toBe(503);
        await fetch(`http://127.0.0.1:${closedPort}/`).catch(() => {});
      });
      const span_id = expect.stringMatching(/^[0-9a-f]{16}$/);
      expect(eventA.external.calls).toEqual([
        { host: new URL(b.url).host, method: 'GET', status_code: 200, duration_ms: expect.any(Number), span_id },
        { host: new URL(b.url).host, method: 'PUT', status_code: 503, duration_ms: expect.any(Number), span_id },
        {
          host: `127.0.0.1:${closedPort}`,
          method: 'GET',
          duration_ms: expect.any(Number),
          error: 'ECONNREFUSED',
          span_id,
        },
      ]);
      expect(eventA.external.error_count).toBe(2);
      expect(eventsB.map((e) => e.parent_span_id)).toEqual(
        eventA.external.calls.slice(0, 2).map((call: { span_id: string }) => call.span_id),
      );
    } finally {
      uninstall();
      undici.setGlobalDispatcher(previous);
    }
  });

  it('fetchTrackingInterceptor works on a dispatcher you compose yourself', async () => {
    const { Agent } = createRequire(import.meta.url)('undici');
    const dispatcher = new Agent().compose(fetchTrackingInterceptor());
    const { eventA, eventsB } = await throughA(async () => {
      await fetch(b.url, { dispatcher } as RequestInit).then((res) => res.text());
    });
    expect(eventA.external.call_count).toBe(1);
    expect(eventsB[0].parent_span_id).toBe(eventA.external.calls[0].span_id);
    await dispatcher.close();
  });

  it('records the final status, not a 103 Early Hints sent before it (both handler APIs)', async () => {
    const { Agent } = createRequire(import.meta.url)('undici');
    const hinting = await listen(
      http.createServer((_req, res) => {
        res.writeEarlyHints({ link: '</app.css>; rel=preload; as=style' });
        setTimeout(() => {
          res.statusCode = 500;
          res.end('failed');
        }, 20);
      }),
    );
    const dispatcher = new Agent().compose(fetchTrackingInterceptor());
    const uninstall = installFetchTracking(); // on Node's bundled dispatcher: legacy onHeaders
    try {
      const { eventA } = await throughA(async () => {
        const viaUndici7 = await fetch(hinting.url, { dispatcher } as RequestInit);
        const viaBundled = await fetch(hinting.url);
        expect([viaUndici7.status, viaBundled.status]).toEqual([500, 500]);
        await Promise.all([viaUndici7.text(), viaBundled.text()]);
      });
      expect(eventA.external).toMatchObject({
        call_count: 2,
        error_count: 2,
        calls: [{ status_code: 500 }, { status_code: 500 }],
      });
    } finally {
      uninstall();
      await dispatcher.close();
      await hinting.close();
    }
  });
});
