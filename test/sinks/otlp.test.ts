import diagnostics_channel from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createCanon, getWideEvent, otlpSink } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** A real OTLP/HTTP receiver on 127.0.0.1 answering with the scripted statuses, then 200. */
async function receiver(statuses: number[] = [], extraHeaders: Record<string, string> = {}) {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw).toString() : raw.toString();
      requests.push({ path: req.url!, headers: req.headers, body: JSON.parse(text) });
      res.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json', ...extraHeaders });
      res.end('{}');
    });
  });
  return { requests, ...(await listen(server)) };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function setup(options: Parameters<typeof otlpSink>[0], statuses?: number[]) {
  const rx = await receiver(statuses);
  closers.push(rx.close);
  const sink = otlpSink({ url: rx.url, retryDelayMs: 5, ...options });
  const canon = createCanon({ service: 'checkout', version: '1.2.3', sinks: [sink], handleExit: false });
  return { rx, sink, canon };
}

const records = (rx: { requests: Received[] }) =>
  rx.requests.flatMap((r) =>
    r.body.resourceLogs.flatMap((rl: any) => rl.scopeLogs.flatMap((sl: any) => sl.logRecords)),
  );

const attribute = (record: any, key: string) => record.attributes.find((a: any) => a.key === key)?.value;

describe('otlpSink', () => {
  it('posts OTLP/HTTP JSON logs: resource, scope, records with time, severity, ids and flattened attributes', async () => {
    const { rx, sink, canon } = await setup({
      headers: { authorization: 'Bearer t0k' },
      resource: { region: 'eu' },
    });
    const ok = await canon.run({ kind: 'job' }, (event) => {
      event.enrich({ user: { id: 'u_1', vip: true }, cart: { items: 3, total: 12.5 }, tags: ['a', 'b'] });
      return event;
    });
    await canon.run({}, () => Promise.reject(new Error('declined'))).catch(() => {});
    await sink.flush();
    expect(rx.requests).toHaveLength(1);
    const [request] = rx.requests;
    expect(request.path).toBe('/v1/logs');
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer t0k',
    });
    const [resourceLogs] = request.body.resourceLogs;
    expect(resourceLogs.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'checkout' } },
      { key: 'service.version', value: { stringValue: '1.2.3' } },
      { key: 'host.name', value: { stringValue: expect.any(String) } },
      { key: 'region', value: { stringValue: 'eu' } },
    ]);
    expect(resourceLogs.scopeLogs[0].scope).toEqual({ name: 'canon' });
    const [first, second] = resourceLogs.scopeLogs[0].logRecords;
    const event = ok as unknown as { trace_id: string; span_id: string; get(path: string): unknown };
    expect(first).toMatchObject({
      severityNumber: 9,
      severityText: 'INFO',
      traceId: event.trace_id,
      spanId: event.span_id,
      body: { stringValue: 'job success' },
    });
    expect(first.timeUnixNano).toBe(`${Date.parse(event.get('timestamp') as string)}000000`);
    expect(attribute(first, 'user.id')).toEqual({ stringValue: 'u_1' });
    expect(attribute(first, 'user.vip')).toEqual({ boolValue: true });
    expect(attribute(first, 'cart.items')).toEqual({ intValue: '3' });
    expect(attribute(first, 'cart.total')).toEqual({ doubleValue: 12.5 });
    expect(attribute(first, 'tags')).toEqual({
      arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] },
    });
    expect(attribute(first, 'trace_id')).toBeUndefined();
    expect(attribute(first, 'service')).toBeUndefined();
    expect(second).toMatchObject({ severityNumber: 17, severityText: 'ERROR' });
    expect(attribute(second, 'error.message')).toEqual({ stringValue: 'declined' });
    expect(sink.stats()).toEqual({ queued: 0, exported: 2, dropped: 0, failed: 0, retries: 0 });
  });

  it('batches by size and by interval, and gzips when asked', async () => {
    const { rx, sink, canon } = await setup({ batchSize: 2, flushIntervalMs: 30, gzip: true });
    // four emitted in one turn of the loop: two full batches at once; the fifth, alone, waits
    // for the interval (however slowly the loop turns, nothing else sends it)
    await Promise.all([0, 1, 2, 3].map((i) => canon.run({ i }, () => {})));
    await waitFor(() => records(rx).length === 4, 10_000, 'the two full batches');
    await canon.run({ i: 4 }, () => {});
    await waitFor(() => records(rx).length === 5, 10_000, 'the interval batch');
    expect(rx.requests.map((r) => r.body.resourceLogs[0].scopeLogs[0].logRecords.length)).toEqual([2, 2, 1]);
    expect(rx.requests.every((r) => r.headers['content-encoding'] === 'gzip')).toBe(true);
    // the receiver has the records before the sink has read its answer and counted them
    await waitFor(() => sink.stats().exported === 5, 10_000, 'the last batch counted as exported');
  });

  it('retries 429 and 5xx with backoff, honouring Retry-After, then delivers', async () => {
    const rx = await receiver([503, 429, 500], { 'retry-after': '0' });
    closers.push(rx.close);
    const sink = otlpSink({ url: `${rx.url}/custom/logs`, retryDelayMs: 20 });
    const canon = createCanon({ sinks: [sink], handleExit: false });
    await canon.run({}, () => {});
    const started = Date.now();
    await sink.flush();
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 / 2 + 40 / 2 + 80 / 2 - 5);
    expect(rx.requests.map((r) => r.path)).toEqual(Array(4).fill('/custom/logs'));
    expect(sink.stats()).toMatchObject({ exported: 1, failed: 0, retries: 3 });
  });

  it('gives a batch up on a 4xx at once, and after maxRetries on network errors', async () => {
    const { rx, sink, canon } = await setup({}, [400]);
    await canon.run({}, () => {});
    await sink.flush();
    expect(rx.requests).toHaveLength(1);
    expect(sink.stats()).toMatchObject({ failed: 1, retries: 0, exported: 0 });

    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const dead = otlpSink({ url: `http://127.0.0.1:${port}`, maxRetries: 2, retryDelayMs: 1 });
    const canonDead = createCanon({ sinks: [dead], handleExit: false });
    await canonDead.run({}, () => {});
    await canonDead.flush();
    expect(dead.stats()).toMatchObject({ failed: 1, retries: 2, exported: 0, queued: 0 });
    expect(canonDead.stats().sink_errors).toBe(0); // the request path never saw it
  });

  it('bounds its queue, counting what it drops, and drops writes after close', async () => {
    const { rx, sink, canon } = await setup({ maxQueueSize: 3, flushIntervalMs: 60_000 });
    for (let i = 0; i < 5; i++) await canon.run({ i }, () => {});
    expect(sink.stats()).toMatchObject({ queued: 3, dropped: 2 });
    await canon.close(); // flushes what is queued
    expect(records(rx).map((r: any) => attribute(r, 'i'))).toEqual([
      { intValue: '0' },
      { intValue: '1' },
      { intValue: '2' },
    ]);
    sink.write('{}', { kind: 'job' });
    expect(sink.stats()).toEqual({ queued: 0, exported: 3, dropped: 3, failed: 0, retries: 0 });
  });

  it('sends from its own context: instrumentation never sees the request that filled the batch', async () => {
    const { rx, canon } = await setup({ batchSize: 1 });
    const seen: unknown[] = [];
    const onRequest = () => seen.push(getWideEvent());
    diagnostics_channel.subscribe('http.client.request.start', onRequest);
    try {
      await canon.run({}, async () => {
        await canon.run({}, () => {}); // emitted while the outer unit is in scope
        await waitFor(() => rx.requests.length === 1);
      });
    } finally {
      diagnostics_channel.unsubscribe('http.client.request.start', onRequest);
    }
    expect(seen).toEqual([undefined]);
  });

  it('refuses bad options, naming them', () => {
    expect(() => otlpSink({})).toThrow(/`otlpSink.url`.*required/);
    expect(() => otlpSink({ url: 'ftp://x' })).toThrow(/`otlpSink.url`/);
    expect(() => otlpSink({ url: 'http://x', batchSize: 0 })).toThrow(/`otlpSink.batchSize`/);
    expect(() => otlpSink({ url: 'http://x', headers: { a: 1 as never } })).toThrow(/`otlpSink.headers`/);
    expect(() => otlpSink({ url: 'http://x', gzip: 'yes' as never })).toThrow(/`otlpSink.gzip`/);
    expect(() => otlpSink({ url: 'http://x', compression: 'gzip' } as never)).toThrow(
      /`otlpSink.compression`/,
    );
  });
});
