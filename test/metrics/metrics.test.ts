import http from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { canonExpress, canonExpressError } from '../../src/frameworks/express/index.js';
import { canonNode } from '../../src/frameworks/node/index.js';
import { CanonOptionError, type CanonConfig, createCanon, memorySink } from '../../src/index.js';
import { canonMetrics, metricsHandler } from '../../src/metrics/index.js';
import { listen } from '../helpers/http.js';
import { parseExposition, valueOf } from '../helpers/prometheus-text.js';
import { waitFor } from '../helpers/wait.js';

const OTEL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const HTTP = 'http_server_request_duration_seconds';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** An Express app with Canon, canonMetrics and `GET /metrics`. */
async function app(config: CanonConfig = {}, build: (app: express.Express) => void = () => {}) {
  const metrics = canonMetrics({ meterProvider: false });
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false, plugins: [metrics], ...config });
  const server = express();
  server.use(canonExpress(canon));
  server.get('/metrics', metricsHandler(metrics));
  server.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
  server.get('/boom', () => {
    throw new TypeError('bad input');
  });
  server.get('/unavailable', (_req, res) => res.status(503).send('later'));
  build(server);
  server.use(canonExpressError());
  const { url, close } = await listen(http.createServer(server));
  closers.push(close);
  const units = () => {
    const s = canon.stats();
    return s.emitted + s.sampled_out + s.invalid;
  };
  async function scrape() {
    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parseExposition(await response.text());
  }
  return { metrics, sink, canon, url, scrape, units };
}

describe('canon/metrics on a real server', () => {
  it('counts every request even when sampling keeps 1 %, in OTel-named histograms with OTel buckets', async () => {
    const { url, scrape, canon, sink } = await app({ sample: { rate: 0.01 } });
    for (let i = 0; i < 300; i++) expect((await fetch(`${url}/users/${i}`)).status).toBe(200);
    await waitFor(() => canon.stats().emitted + canon.stats().sampled_out === 300);
    expect(canon.stats().sampled_out).toBeGreaterThan(280);
    expect(sink.events.length).toBeLessThan(20);

    const families = await scrape();
    const labels = { http_request_method: 'GET', http_route: '/users/:id', http_response_status_code: '200', outcome: 'success' };
    expect(valueOf(families, `${HTTP}_count`, labels)).toBe(300);
    expect(valueOf(families, `${HTTP}_bucket`, { ...labels, le: '+Inf' })).toBe(300);
    const histogram = families.get(HTTP)!;
    expect(histogram.type).toBe('histogram');
    const bounds = histogram.samples
      .filter((s) => s.name === `${HTTP}_bucket` && s.labels.http_route === '/users/:id')
      .map((s) => (s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le)));
    expect(bounds).toEqual([...OTEL_BUCKETS, Number.POSITIVE_INFINITY]);
    const sum = valueOf(families, `${HTTP}_sum`, labels)!;
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(300 * 10); // seconds, not milliseconds
    // the raw paths never become labels
    expect(JSON.stringify([...families.values()])).not.toContain('/users/1');
  });

  it('counts events that validation drops, and errors by error.type', async () => {
    const schema = z.object({ user: z.object({ id: z.string() }) }); // no event here has it
    const { url, scrape, canon, units } = await app({ schema, onInvalid: 'drop' });
    for (let i = 0; i < 4; i++) await fetch(`${url}/boom`);
    for (let i = 0; i < 3; i++) await fetch(`${url}/unavailable`);
    await waitFor(() => units() === 7);
    expect(canon.stats()).toMatchObject({ emitted: 0, invalid: 7 });
    const families = await scrape();
    expect(valueOf(families, 'canon_errors_total', { kind: 'http', error_type: 'TypeError' })).toBe(4);
    expect(valueOf(families, 'canon_errors_total', { kind: 'http', error_type: '503' })).toBe(3);
    expect(
      valueOf(families, `${HTTP}_count`, {
        http_request_method: 'GET',
        http_route: '/unavailable',
        http_response_status_code: '503',
        outcome: 'error',
      }),
    ).toBe(3);
  });

  it('has job durations by kind and job name', async () => {
    const { canon, scrape } = await app();
    await canon.run({ job: { name: 'nightly-report' } }, () => {});
    await expect(canon.run({ kind: 'cron', job: { name: 'cleanup' } }, () => Promise.reject(new RangeError('x')))).rejects.toThrow();
    const families = await scrape();
    expect(valueOf(families, 'canon_job_duration_seconds_count', { kind: 'job', job_name: 'nightly-report', outcome: 'success' })).toBe(1);
    expect(valueOf(families, 'canon_job_duration_seconds_count', { kind: 'cron', job_name: 'cleanup', outcome: 'error' })).toBe(1);
    expect(valueOf(families, 'canon_errors_total', { kind: 'cron', error_type: 'RangeError' })).toBe(1);
  });

  it('holds maxSeries (default 2 000) against 10 000 distinct raw paths, collapsing into `other`', async () => {
    const metrics = canonMetrics({ meterProvider: false });
    const canon = createCanon({ sinks: [memorySink()], handleExit: false, plugins: [metrics] });
    // the mistake the cap guards against: a raw path used as the route
    const server = http.createServer(
      canonNode(canon, (req, res) => {
        if (req.url === '/metrics') return metricsHandler(metrics)(req, res);
        req.canon.set('route', req.url);
        res.end('ok');
      }),
    );
    const { url, close } = await listen(server);
    closers.push(close);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    closers.push(async () => agent.destroy());
    const get = (path: string) =>
      new Promise<void>((resolve, reject) => {
        http.get(`${url}${path}`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
    for (let batch = 0; batch < 10_000; batch += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => get(`/items/${batch + i}`)));
    }
    await waitFor(() => canon.stats().emitted === 10_000, 30_000);
    const families = parseExposition(await (await fetch(`${url}/metrics`)).text());
    const series = families.get(HTTP)!.samples.filter((s) => s.name === `${HTTP}_count`);
    expect(series).toHaveLength(2_000);
    const other = { http_request_method: 'other', http_route: 'other', http_response_status_code: 'other', outcome: 'other' };
    expect(valueOf(families, `${HTTP}_count`, other)).toBe(10_000 - 1_999);
    expect(valueOf(families, 'canon_metrics_series_collapsed_total', { metric: 'http.server.request.duration' })).toBe(8_001);
    expect(series.reduce((sum, s) => sum + s.value, 0)).toBe(10_000);
    // the scrape itself is one more request, past the cap too
    await waitFor(() => metrics.collapsed()['http.server.request.duration'] === 8_002);
  }, 120_000);

  it('registers into a registry you give, beside your own metrics, once', async () => {
    const registry = new Registry();
    const metrics = canonMetrics({ registry, meterProvider: false });
    expect(metrics.registry).toBe(registry);
    expect(() => canonMetrics({ registry, meterProvider: false })).toThrow(/canonMetrics\.registry.*one canonMetrics\(\) per registry/);
    expect(await registry.metrics()).toContain('http_server_request_duration_seconds');
  });

  it('refuses bad options by name', () => {
    const bad: [unknown, string][] = [
      ['x', 'canonMetrics(options)'],
      [{ maxSeries: 0 }, 'canonMetrics.maxSeries'],
      [{ maxSeries: 1.5 }, 'canonMetrics.maxSeries'],
      [{ registry: {} }, 'canonMetrics.registry'],
      [{ meterProvider: {} }, 'canonMetrics.meterProvider'],
      [{ maxseries: 10 }, 'canonMetrics.maxseries'],
    ];
    for (const [options, option] of bad) {
      let error: unknown;
      try {
        canonMetrics(options as never);
      } catch (err) {
        error = err;
      }
      expect(error, option).toBeInstanceOf(CanonOptionError);
      expect((error as CanonOptionError).option).toBe(option);
    }
  });
});
