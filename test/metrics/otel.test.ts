import http from 'node:http';
import { metrics as otelMetrics } from '@opentelemetry/api';
import {
  DataPointType,
  type HistogramMetricData,
  MeterProvider,
  MetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { canonExpress, canonExpressError } from '../../src/frameworks/express/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { canonMetrics } from '../../src/metrics/index.js';
import { createSseHub } from '../../src/sse/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const OTEL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** A reader the test collects from on demand (the SDK's own MetricReader). */
class TestReader extends MetricReader {
  protected async onForceFlush() {}
  protected async onShutdown() {}
  async metrics(): Promise<MetricData[]> {
    const { resourceMetrics, errors } = await this.collect();
    expect(errors).toEqual([]);
    return resourceMetrics.scopeMetrics.filter((scope) => scope.scope.name === 'canon').flatMap((s) => s.metrics);
  }
}

function find(data: MetricData[], name: string): MetricData {
  const found = data.find((metric) => metric.descriptor.name === name);
  if (!found) throw new Error(`no metric ${name} in ${data.map((m) => m.descriptor.name).join(', ')}`);
  return found;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  otelMetrics.disable();
});

async function server(metrics: ReturnType<typeof canonMetrics>) {
  const canon = createCanon({ sinks: [memorySink()], handleExit: false, plugins: [metrics], sample: () => false });
  const app = express();
  app.use(canonExpress(canon));
  app.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
  app.get('/boom', () => {
    throw new TypeError('bad');
  });
  app.use(canonExpressError());
  const { url, close } = await listen(http.createServer(app));
  closers.push(close);
  const done = (n: number) => waitFor(() => canon.stats().sampled_out === n);
  return { canon, url, done };
}

describe('canon/metrics through the OpenTelemetry SDK', () => {
  it('records into the global MeterProvider, also one registered after canonMetrics()', async () => {
    const metrics = canonMetrics();
    const { url, done } = await server(metrics);
    await fetch(`${url}/users/0`); // no provider yet: nothing exported, nothing breaks
    await done(1);

    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    closers.push(() => provider.shutdown());
    expect(otelMetrics.setGlobalMeterProvider(provider)).toBe(true);
    for (let i = 1; i <= 20; i++) await fetch(`${url}/users/${i}`);
    await fetch(`${url}/boom`);
    await fetch(`${url}/boom`);
    await done(23);

    const data = await reader.metrics();
    const duration = find(data, 'http.server.request.duration') as HistogramMetricData;
    expect(duration.descriptor.unit).toBe('s');
    expect(duration.dataPointType).toBe(DataPointType.HISTOGRAM);
    const point = duration.dataPoints.find((p) => p.attributes['http.route'] === '/users/:id')!;
    expect(point.attributes).toEqual({
      'http.request.method': 'GET',
      'http.route': '/users/:id',
      'http.response.status_code': 200,
      outcome: 'success',
    });
    expect(point.value.count).toBe(20);
    expect(point.value.buckets.boundaries).toEqual(OTEL_BUCKETS);
    expect(point.value.sum).toBeLessThan(20 * 10);

    const errors = find(data, 'canon.errors');
    expect(errors.dataPoints).toEqual([
      expect.objectContaining({ attributes: { kind: 'http', 'error.type': 'TypeError' }, value: 2 }),
    ]);
    // Prometheus saw every request, the one before the provider too
    expect(await metrics.scrape()).toMatch(/http_server_request_duration_seconds_count\{[^}]*http_route="\/users\/:id"[^}]*\} 21/);
  });

  it('uses an explicit meterProvider instead of the global one, with gauges read at collection', async () => {
    const global = new TestReader();
    const globalProvider = new MeterProvider({ readers: [global] });
    otelMetrics.setGlobalMeterProvider(globalProvider);
    const reader = new TestReader();
    const provider = new MeterProvider({ readers: [reader] });
    closers.push(() => provider.shutdown(), () => globalProvider.shutdown());

    const metrics = canonMetrics({ meterProvider: provider });
    const hub = createSseHub();
    closers.push(() => hub.close());
    metrics.watch({ sse: hub, name: 'notifications' });
    const { url, done } = await server(metrics);
    const sse = http.createServer((req, res) => hub.connect(req, res, { channels: ['news'] }));
    const sseServer = await listen(sse);
    closers.push(sseServer.close);
    const stream = await fetch(`${sseServer.url}/events`);
    await waitFor(() => hub.stats().clients === 1);
    await fetch(`${url}/users/1`);
    await done(1);

    const data = await reader.metrics();
    expect(find(data, 'http.server.request.duration').dataPoints).toHaveLength(1);
    expect(find(data, 'canon.sse.clients').dataPoints).toEqual([
      expect.objectContaining({ attributes: { name: 'notifications' }, value: 1 }),
    ]);
    expect((await global.metrics()).length).toBe(0);
    await stream.body?.cancel();
  });
});
