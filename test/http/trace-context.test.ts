/**
 * W3C Trace Context Level 1 conformance, as the spec's test suite checks a vendor
 * service: a harness sends a request with the case's header lines to a Canon service on
 * node:http, the service calls the harness back with `trackedFetch`, and the harness
 * checks the `traceparent` and `tracestate` of each callback. The same cases run through
 * the parsers directly, and through every adapter in the HTTP contract suite.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTracestate } from '../../src/core/tracestate.js';
import { canonNode } from '../../src/frameworks/node/index.js';
import { parseTraceparent } from '../../src/http/traceparent.js';
import { createCanon, memorySink } from '../../src/index.js';
import { trackedFetch } from '../../src/tracking/fetch/index.js';
import { P, T, TRACEPARENT_CASES, TRACESTATE_CASES, type TraceContextCase } from '../contract/trace-context-cases.js';
import { getWithHeaderLines, listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const CASES = [...TRACEPARENT_CASES, ...TRACESTATE_CASES];
const TRACEPARENT_SHAPE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * One value per name, repeated lines joined with ', ' as node's `req.headers` and fetch's
 * `headers.get()` do (the values left untrimmed, as a runtime may pass them).
 */
function joined(lines: [string, string][], name: string): string | undefined {
  const values = lines.filter(([n]) => n.toLowerCase() === name).map(([, value]) => value);
  return values.length === 0 ? undefined : values.join(', ');
}

describe('trace context parsers, on the W3C cases', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c: TraceContextCase) => {
    const parent = parseTraceparent(joined(c.headers, 'traceparent'));
    if (!c.continued) {
      expect(parent === undefined || parent.traceId !== T).toBe(true);
      return;
    }
    expect(parent).toEqual({ traceId: T, parentSpanId: P, flags: c.flags ?? '01' });
    expect(parseTracestate(joined(c.headers, 'tracestate'))).toBe(c.tracestate);
  });

  it('reads the raw value too: OWS around it, repeated lines as an array', () => {
    expect(parseTraceparent(` \t00-${T}-${P}-01\t `)?.traceId).toBe(T);
    expect(parseTraceparent(`\u00a000-${T}-${P}-01`)).toBeUndefined(); // only SP and HTAB are OWS
    expect(parseTraceparent([`00-${T}-${P}-01`, `00-${T}-${P}-01`])).toBeUndefined();
    expect(parseTracestate(['foo=1', ' ', 'bar=2'])).toBe('foo=1,bar=2');
  });

  it('discards what no member may hold, whatever the input', () => {
    for (const bad of ['foo=caf\u00e9', 'foo=\u0001', 'foo=1\nbar=2', 'f\u00f6o=1', 'foo=1;bar=2,=3']) {
      expect(parseTracestate(bad)).toBeUndefined();
    }
    for (const notText of [42, {}, null, undefined, [1, 2]]) expect(parseTracestate(notText as never)).toBeUndefined();
    // a huge header (a fetch-style runtime may pass any size) is refused before it is split
    const huge = `${'a=1,'.repeat(20_000)}b=2`;
    const started = performance.now();
    expect(parseTracestate(huge)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(parseTracestate(`a=1${',   '.repeat(1_000)}`)).toBe('a=1');
  });
});

describe('a Canon service on node:http, checked like the W3C harness checks a vendor service', () => {
  const received = new Map<string, string[][]>();
  const harness = http.createServer((req, res) => {
    const key = (req.url ?? '').split('/')[1];
    const list = received.get(key) ?? [];
    list.push(req.rawHeaders);
    received.set(key, list);
    res.end('ok');
  });
  const sink = memorySink();
  const canon = createCanon({ service: 'vendor', sinks: [sink], handleExit: false });
  let harnessUrl = '';
  const service = http.createServer(
    canonNode(canon, async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://service');
      const count = Number(url.searchParams.get('n') ?? 1);
      for (let i = 0; i < count; i++) await trackedFetch(`${harnessUrl}/${url.searchParams.get('key')}/${i}`).then((r) => r.text());
      res.end('done');
    }),
  );
  let closers: (() => Promise<void>)[] = [];
  let serviceUrl = '';
  let keys = 0;

  beforeAll(async () => {
    const h = await listen(harness);
    const s = await listen(service);
    harnessUrl = h.url;
    serviceUrl = s.url;
    closers = [h.close, s.close];
  });
  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
  });

  /** Sends `lines` to the service, which calls back `count` times; the callbacks' header lines. */
  async function callbacks(lines: [string, string][], count = 1) {
    const key = `k${++keys}`;
    const res = await getWithHeaderLines(`${serviceUrl}/?key=${key}&n=${count}`, lines);
    expect(res.body).toBe('done');
    const event = await waitFor(() => sink.events.find((e) => e.request_id === res.headers['x-request-id']), 5_000, key);
    return { event, calls: received.get(key) ?? [] };
  }

  /** The header lines named `name` (any case) of one callback. */
  const linesOf = (raw: string[], name: string) => raw.filter((value, i) => i % 2 === 0 && value.toLowerCase() === name);
  const valuesOf = (raw: string[], name: string) =>
    raw.flatMap((value, i) => (i % 2 === 1 && raw[i - 1].toLowerCase() === name ? [value] : []));

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c: TraceContextCase) => {
    const { event, calls } = await callbacks(c.headers);
    expect(calls).toHaveLength(1);
    const [raw] = calls;
    expect(linesOf(raw, 'traceparent')).toHaveLength(1); // exactly one traceparent line
    const [, traceId, parentId, flags] = TRACEPARENT_SHAPE.exec(valuesOf(raw, 'traceparent')[0])!;
    const state = valuesOf(raw, 'tracestate');
    expect(parentId).not.toBe(P);
    expect(parentId).not.toBe('0'.repeat(16));
    expect(parentId).toBe(event.external.calls[0].span_id);
    expect(traceId).toBe(event.trace_id);
    if (c.continued) {
      expect(traceId).toBe(T);
      expect(event.parent_span_id).toBe(P);
    } else {
      expect(traceId).not.toBe(T);
      expect(traceId).not.toBe('0'.repeat(32));
      expect(event.parent_span_id).toBeUndefined();
    }
    expect(flags).toBe(c.flags ?? '01');
    expect(state).toEqual(c.tracestate === undefined ? [] : [c.tracestate]);
    expect(event).not.toHaveProperty('tracestate');
  });

  it('several callbacks with a valid traceparent: one trace id, a parent id each', async () => {
    const { calls } = await callbacks([['traceparent', `00-${T}-${P}-01`]], 3);
    const parsed = calls.map((raw) => TRACEPARENT_SHAPE.exec(valuesOf(raw, 'traceparent')[0])!);
    expect(new Set(parsed.map((m) => m[1]))).toEqual(new Set([T]));
    expect(new Set(parsed.map((m) => m[2])).size).toBe(3);
  });

  it('several callbacks without a traceparent: a parent id each', async () => {
    const { calls } = await callbacks([], 3);
    const parsed = calls.map((raw) => TRACEPARENT_SHAPE.exec(valuesOf(raw, 'traceparent')[0])!);
    expect(new Set(parsed.map((m) => m[1])).size).toBe(1);
    expect(new Set(parsed.map((m) => m[2])).size).toBe(3);
  });

  it('several callbacks with an illegal traceparent: a new trace id, a parent id each', async () => {
    const { calls } = await callbacks([['traceparent', `00-${'0'.repeat(32)}-${P}-01`]], 3);
    const parsed = calls.map((raw) => TRACEPARENT_SHAPE.exec(valuesOf(raw, 'traceparent')[0])!);
    expect(parsed.map((m) => m[1])).not.toContain('0'.repeat(32));
    expect(new Set(parsed.map((m) => m[2])).size).toBe(3);
  });
});
