import diagnostics_channel from 'node:diagnostics_channel';
import http from 'node:http';
import express from 'express';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { defineEnricher, deployment, geo, userAgent } from '../../src/enrichers/index.js';
import { Lru } from '../../src/enrichers/lru.js';
import { canonExpress } from '../../src/frameworks/express/index.js';
import { type CanonEnv, canonHono } from '../../src/frameworks/hono/index.js';
import { type CanonConfig, CanonOptionError, createCanon, type Fields, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';
const CHROME_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** An Express server with `plugins`; `get(headers)` sends one request and returns its event. */
async function server(config: CanonConfig) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false, ...config });
  const app = express();
  app.use(canonExpress(canon));
  app.get('/', (req, res) => {
    // the handler sees what the enrichers added
    res.json({ client: req.canon.get('client') ?? null, geo: req.canon.get('geo') ?? null });
  });
  const { url, close } = await listen(http.createServer(app));
  closers.push(close);
  async function get(headers: Record<string, string> = {}): Promise<Fields> {
    const before = sink.events.length;
    const response = await fetch(url, { headers });
    expect(response.status).toBe(200);
    await waitFor(() => sink.events.length > before);
    return sink.events.at(-1)!;
  }
  return { get, sink, canon };
}

describe('canon/enrichers on real servers', () => {
  it('userAgent(): parses the client, keeps the raw user_agent, flags bots', async () => {
    const { get } = await server({ plugins: [userAgent()] });
    expect(await get({ 'user-agent': IPHONE })).toMatchObject({
      user_agent: IPHONE,
      client: { browser: 'Safari', browser_version: '17.2', os: 'iOS', os_version: '17.2', device: 'mobile', bot: false },
    });
    expect((await get({ 'user-agent': CHROME_WINDOWS })).client).toMatchObject({ browser: 'Chrome', os: 'Windows', device: 'desktop', bot: false });
    expect((await get({ 'user-agent': GOOGLEBOT })).client).toMatchObject({ browser: 'Googlebot', bot: true });
    expect((await get({ 'user-agent': 'my-crawler/1.0 (spider)' })).client).toMatchObject({ bot: true });
  });

  it('userAgent(): a cached parse is copied into each event, so one request cannot change the next', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false, plugins: [userAgent({ cacheSize: 2 })] });
    const app = express();
    app.use(canonExpress(canon));
    app.get('/', (req, res) => {
      if (req.query.tamper) req.canon.set('client.browser', 'tampered');
      res.end();
    });
    const { url, close } = await listen(http.createServer(app));
    closers.push(close);
    await fetch(`${url}/?tamper=1`, { headers: { 'user-agent': IPHONE } });
    await fetch(url, { headers: { 'user-agent': IPHONE } }); // served from the cache
    await waitFor(() => sink.events.length === 2);
    expect(sink.events.map((e) => (e.client as Fields).browser)).toEqual(['tampered', 'Safari']);
  });

  it('the LRU keeps the most recently used entries within its size', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3); // evicts b
    expect([lru.get('b'), lru.get('a'), lru.get('c'), lru.size]).toEqual([undefined, 1, 3, 2]);
  });

  it('deployment(): reads each platform’s variables once, at creation', async () => {
    const cases: [Record<string, string>, Fields][] = [
      [
        { FLY_APP_NAME: 'shop', FLY_REGION: 'cdg', FLY_MACHINE_ID: '3d8d9', FLY_IMAGE_REF: 'registry.fly.io/shop:deployment-01H' },
        { platform: 'fly', app: 'shop', region: 'cdg', instance_id: '3d8d9', deployment_id: 'registry.fly.io/shop:deployment-01H' },
      ],
      [
        { VERCEL: '1', VERCEL_ENV: 'production', VERCEL_REGION: 'iad1', VERCEL_GIT_COMMIT_SHA: 'abc123', VERCEL_DEPLOYMENT_ID: 'dpl_1' },
        { platform: 'vercel', environment: 'production', region: 'iad1', commit: 'abc123', deployment_id: 'dpl_1' },
      ],
      [
        { KUBERNETES_SERVICE_HOST: '10.0.0.1', HOSTNAME: 'api-7d9f-x2', POD_NAMESPACE: 'prod', NODE_NAME: 'node-3', GIT_COMMIT: 'f00d' },
        { platform: 'kubernetes', instance_id: 'api-7d9f-x2', namespace: 'prod', node: 'node-3', commit: 'f00d' },
      ],
      [
        { RENDER: 'true', RENDER_GIT_COMMIT: 'c0ffee', RENDER_INSTANCE_ID: 'srv-1-abc', RENDER_SERVICE_NAME: 'api' },
        { platform: 'render', commit: 'c0ffee', instance_id: 'srv-1-abc', app: 'api' },
      ],
      [
        { RAILWAY_PROJECT_ID: 'p', RAILWAY_ENVIRONMENT_NAME: 'staging', RAILWAY_DEPLOYMENT_ID: 'd1', RAILWAY_REPLICA_ID: 'r1', RAILWAY_REPLICA_REGION: 'europe-west4', RAILWAY_GIT_COMMIT_SHA: 'beef', RAILWAY_SERVICE_NAME: 'web' },
        { platform: 'railway', environment: 'staging', deployment_id: 'd1', instance_id: 'r1', region: 'europe-west4', commit: 'beef', app: 'web' },
      ],
      [
        { AWS_LAMBDA_FUNCTION_NAME: 'thumbs', AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_VERSION: '7', AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[7]abc' },
        { platform: 'aws-lambda', app: 'thumbs', region: 'eu-west-1', deployment_id: '7', instance_id: '2026/01/01/[7]abc' },
      ],
      [
        { GITHUB_ACTIONS: 'true', GITHUB_SHA: '1234', GITHUB_RUN_ID: '99', GITHUB_REPOSITORY: 'acme/shop', RUNNER_NAME: 'runner-1' },
        { platform: 'github-actions', commit: '1234', deployment_id: '99', app: 'acme/shop', instance_id: 'runner-1' },
      ],
    ];
    for (const [env, expected] of cases) {
      const vars: Record<string, string> = { ...env };
      const { get } = await server({ plugins: [deployment({ env: vars })] });
      vars.FLY_REGION = 'changed';
      vars.GIT_COMMIT = 'changed';
      expect((await get()).deployment, JSON.stringify(env)).toEqual(expected);
    }
    const { get } = await server({ plugins: [deployment({ env: {} })] });
    expect(await get()).not.toHaveProperty('deployment');
  });

  it('geo(): Cloudflare, Vercel (URL-encoded), CloudFront and Fastly headers; bad values ignored', async () => {
    const { get } = await server({ plugins: [geo()] });
    expect((await get({ 'cf-ipcountry': 'fr', 'cf-region-code': 'IDF', 'cf-ipcity': 'Paris' })).geo).toEqual({
      country: 'FR',
      region: 'IDF',
      city: 'Paris',
    });
    expect(
      (await get({ 'x-vercel-ip-country': 'BR', 'x-vercel-ip-country-region': 'SP', 'x-vercel-ip-city': 'S%C3%A3o%20Paulo' })).geo,
    ).toEqual({ country: 'BR', region: 'SP', city: 'São Paulo' });
    expect((await get({ 'cloudfront-viewer-country': 'JP', 'cloudfront-viewer-city': 'Tokyo' })).geo).toEqual({
      country: 'JP',
      city: 'Tokyo',
    });
    expect((await get({ 'x-fastly-country-code': 'DE', 'x-fastly-region': 'BE' })).geo).toEqual({ country: 'DE', region: 'BE' });
    expect((await get({ 'cf-ipcountry': 'T1' })).geo).toEqual({ country: 'T1' });
    expect(await get({ 'cf-ipcountry': 'XX' })).not.toHaveProperty('geo');
    expect(await get({ 'cf-ipcountry': 'France' })).not.toHaveProperty('geo');
    expect((await get({ 'x-vercel-ip-country': 'US', 'x-vercel-ip-city': '%E0%A4%A' })).geo).toEqual({ country: 'US' });
    expect((await get({ 'cf-ipcountry': 'GB', 'cf-ipcity': 'x'.repeat(500) })).geo).toEqual({ country: 'GB' });
  });

  it('geo(): only the providers you trust, your own headers first, and redaction applies', async () => {
    const { get } = await server({
      plugins: [geo({ providers: ['cloudfront'], headers: { country: 'x-country', city: 'x-city' } })],
      redact: { fields: ['geo.city'] },
    });
    expect(await get({ 'cf-ipcountry': 'FR' })).not.toHaveProperty('geo'); // not trusted
    expect((await get({ 'cloudfront-viewer-country': 'ES', 'x-country': 'PT', 'x-city': 'Lisboa' })).geo).toEqual({
      country: 'PT',
      city: '[REDACTED]',
    });
    expect(() => geo({ providers: ['akamai' as never] })).toThrow(/geo\.providers/);
    expect(() => geo({ headers: { region: 'x' } as never })).toThrow(/geo\.headers/);
  });

  it('reads request headers through the fetch lifecycle too (Hono app.request)', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false, plugins: [geo(), userAgent()] });
    const app = new Hono<CanonEnv>();
    app.use(canonHono(canon));
    app.get('/', (c) => c.text('ok'));
    await app.request('/', { headers: { 'cf-ipcountry': 'NL', 'user-agent': IPHONE } });
    expect(sink.events[0]).toMatchObject({ geo: { country: 'NL' }, client: { os: 'iOS' } });
  });

  it('defineEnricher(): a throwing enricher is counted and skipped, the others run, the event goes out', async () => {
    const reported: unknown[] = [];
    const listener = (message: unknown) => reported.push(message);
    diagnostics_channel.subscribe('canon:enricher-error', listener);
    closers.push(async () => {
      diagnostics_channel.unsubscribe('canon:enricher-error', listener);
    });
    const broken = defineEnricher('broken', () => {
      throw new Error('enricher bug');
    });
    const tier = defineEnricher('tier', (_event, ctx) => ({ tier: ctx.header('x-tier') ?? 'free', unit_kind: ctx.kind }));
    const { get } = await server({ plugins: [broken, tier] });
    const event = await get({ 'x-tier': 'gold' });
    expect(event).toMatchObject({ tier: 'gold', unit_kind: 'http', status_code: 200, outcome: 'success' });
    expect(broken.stats()).toEqual({ errors: 1 });
    expect(tier.stats()).toEqual({ errors: 0 });
    expect(reported).toEqual([{ enricher: 'broken', request_id: event.request_id, error: expect.any(Error) }]);
    // outside HTTP there are no headers
    let seen: string | undefined = 'unset';
    const jobs = createCanon({
      sinks: [memorySink()],
      handleExit: false,
      plugins: [defineEnricher('job', (_e, ctx) => void (seen = ctx.header('x-tier')))],
    });
    await jobs.run({ kind: 'job' }, () => {});
    expect(seen).toBeUndefined();
    expect(() => defineEnricher('', () => {})).toThrow(CanonOptionError);
    expect(() => defineEnricher('x', 'fn' as never)).toThrow(/defineEnricher\(fn\)/);
    expect(() => userAgent({ cacheSize: 0 })).toThrow(/userAgent\.cacheSize/);
    expect(() => deployment({ env: 'x' as never })).toThrow(/deployment\.env/);
  });
});
