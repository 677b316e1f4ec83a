import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_NAMES } from '../../src/console/assets.js';
import { createConsole } from '../../src/console/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';
import { type App, startApp } from './helpers.js';
import { request } from './request.js';

const TOKEN = 'console-test-token-0123456789';
const canon = createCanon({ service: 'console-test', sinks: [memorySink()], handleExit: false });

describe('routes and relative URLs', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp(canon, {}, (express) => express.get('/hello', (_req, res) => void res.send('hi')));
  });
  afterAll(() => app.close());

  it('redirects the mount path to itself with a slash, then serves the page', async () => {
    const bare = await request(`${app.url}/_canon?x=1`);
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe('/_canon/?x=1');
    const page = await request(`${app.url}/_canon/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain('<title>Canon console</title>');
  });

  it('the page and its scripts only use relative URLs (any mount path works)', () => {
    const dir = new URL('../../src/console/assets/', import.meta.url);
    for (const file of readdirSync(dir)) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      expect(text, file).not.toMatch(/(?:src|href)="\/(?!\/)/);
      expect(text, file).not.toMatch(/(?:fetch|api|EventSource)\(\s*[`'"]\//);
      expect(text, file).not.toMatch(/https?:\/\//);
    }
  });

  it('serves every asset, gzipped when asked, and the API below the mount path', async () => {
    for (const name of ASSET_NAMES) {
      const res = await fetch(`${app.url}/_canon/assets/${name}`);
      expect(res.status, name).toBe(200);
      await res.arrayBuffer();
    }
    const gz = await request(`${app.url}/_canon/assets/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const info = await (await fetch(`${app.url}/_canon/api/info`)).json();
    expect(info).toMatchObject({ service: 'console-test', capacity: 10_000, pages: { outbox: false, webhooks: false } });
  });

  it('unknown files and API routes fall through to the app (Express next); wrong methods get 405', async () => {
    expect((await request(`${app.url}/_canon/assets/nope.js`)).status).toBe(404);
    expect((await request(`${app.url}/_canon/api/nope`)).status).toBe(404);
    const wrong = await request(`${app.url}/_canon/api/events`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(JSON.parse(wrong.body).error).toContain('DELETE');
  });

  it('never a redirect to another site (a path starting with //)', async () => {
    const res = await request(`${app.url}/_canon/.//evil.example`);
    expect(res.status).toBe(308);
    expect(res.headers.location).toMatch(/^\/[^/]/);
  });

  it('mounted behind the adapter, its own requests stay out of its view; the app’s requests appear', async () => {
    const behind = await startApp(canon, {}, (express) => express.get('/hello', (_req, res) => void res.send('hi')), {
      behindAdapter: true,
    });
    try {
      await fetch(`${behind.url}/hello`);
      await waitFor(() => behind.console.sink.entries().some((e) => e.line.includes('"/hello"')));
      await (await fetch(`${behind.url}/_canon/api/info`)).json();
      await (await fetch(`${behind.url}/_canon/`)).text();
      await fetch(`${behind.url}/hello`);
      await waitFor(() => behind.console.sink.entries().filter((e) => e.line.includes('"/hello"')).length === 2);
      expect(behind.console.sink.entries().some((e) => e.line.includes('/_canon'))).toBe(false);
    } finally {
      await behind.close();
    }
  });

  it('works from a node:http server on any prefix', async () => {
    const handler = createConsole({ canon });
    const server = http.createServer((req, res) => {
      if (req.url?.startsWith('/ops/console')) handler(req, res);
      else res.end('app');
    });
    const { url, close } = await listen(server);
    try {
      expect((await request(`${url}/ops/console`)).headers.location).toBe('/ops/console/');
      expect((await request(`${url}/ops/console/`)).body).toContain('assets/app.js');
      const snapshot = await (await fetch(`${url}/ops/console/api/events?limit=5`)).json();
      expect(snapshot).toMatchObject({ capacity: 10_000 });
      expect((await request(`${url}/ops/console/api/events?limit=-1`)).status).toBe(400);
    } finally {
      await handler.close();
      await close();
    }
  });

  it('the page weighs at most 200 KB gzipped, uPlot included', () => {
    const dir = new URL('../../src/console/assets/', import.meta.url);
    const own = readdirSync(dir).map((file) => gzipSync(readFileSync(new URL(file, dir)), { level: 9 }).length);
    const uplot = ['uPlot.iife.min.js', 'uPlot.min.css'].map(
      (file) => gzipSync(readFileSync(new URL(`../../node_modules/uplot/dist/${file}`, import.meta.url)), { level: 9 }).length,
    );
    const total = [...own, ...uplot].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(200 * 1024);
  });
});

describe('who may open it', () => {
  it('without a token: loopback only, loopback Host only, never through a proxy', async () => {
    const app = await startApp(canon);
    try {
      expect((await request(`${app.url}/_canon/`)).status).toBe(200);
      expect((await request(`${app.url}/_canon/`, { headers: { host: 'localhost:1234' } })).status).toBe(200);
      const rebound = await request(`${app.url}/_canon/api/events`, { headers: { host: 'attacker.example' } });
      expect(rebound.status).toBe(403);
      expect(rebound.body).toContain('Host');
      for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
        const proxied = await request(`${app.url}/_canon/`, { headers: { [header]: '203.0.113.9' } });
        expect(proxied.status, header).toBe(403);
        expect(proxied.body).toContain('CANON_CONSOLE_TOKEN');
      }
      const crossSite = await request(`${app.url}/_canon/api/events`, { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors' } });
      expect(crossSite.status).toBe(403);
    } finally {
      await app.close();
    }
  });

  const external = Object.values(os.networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

  it.skipIf(!external)('on a non-loopback listener: refuses without a token, requires it with one', async () => {
    const serve = async (token?: string) => {
      const handler = createConsole({ canon, token });
      const server = http.createServer((req, res) => handler(req, res));
      await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://${external}:${port}`,
        close: async () => {
          await handler.close();
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        },
      };
    };
    const open = await serve();
    try {
      const refused = await request(`${open.url}/`);
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('set CANON_CONSOLE_TOKEN');
    } finally {
      await open.close();
    }
    const guarded = await serve(TOKEN);
    try {
      expect((await request(`${guarded.url}/`)).status).toBe(401);
      expect((await request(`${guarded.url}/?token=wrong-token-wrong-token`)).status).toBe(401);
      expect((await request(`${guarded.url}/api/info`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
      expect((await request(`${guarded.url}/api/info`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      const opened = await request(`${guarded.url}/?token=${TOKEN}`);
      expect(opened.status).toBe(303);
      expect(opened.headers.location).toBe('/');
      const cookie = String(opened.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\//);
      const withCookie = await request(`${guarded.url}/api/info`, { headers: { cookie: cookie.split(';')[0] } });
      expect(withCookie.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('with a token, loopback requests need it too', async () => {
    const app = await startApp(canon, { token: TOKEN });
    try {
      expect((await request(`${app.url}/_canon/`)).status).toBe(401);
      expect((await request(`${app.url}/_canon/api/info`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('writes need the page’s own header (a cross-site form cannot send it)', async () => {
    const app = await startApp(canon);
    try {
      const res = await request(`${app.url}/_canon/api/dead-letters/redrive`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"source":"x","consumer":"y"}',
      });
      expect(res.status).toBe(403);
      expect(res.body).toContain('x-canon-console');
    } finally {
      await app.close();
    }
  });
});

describe('createConsole options', () => {
  it.each([
    [{}, 'canon'],
    [{ canon: {} }, 'canon'],
    [{ canon, sink: [] }, 'sink'],
    [{ canon, files: 'a.jsonl' }, 'files'],
    [{ canon, outbox: {} }, 'outbox'],
    [{ canon, webhooks: { stats() {} } }, 'webhooks'],
    [{ canon, consumers: [{}] }, 'consumers[0]'],
    [{ canon, token: 'short' }, 'token'],
    [{ canon, tokn: 'x' }, 'tokn'],
  ])('%j is refused naming `%s`', (options, option) => {
    expect(() => createConsole(options as never)).toThrow(expect.objectContaining({ code: 'CANON_INVALID_OPTION', option }));
  });

  it('a too short CANON_CONSOLE_TOKEN is refused naming the variable', () => {
    const saved = process.env.CANON_CONSOLE_TOKEN;
    process.env.CANON_CONSOLE_TOKEN = 'abc';
    try {
      expect(() => createConsole({ canon })).toThrow(/CANON_CONSOLE_TOKEN.*at least 16 characters, got 3/);
    } finally {
      if (saved === undefined) delete process.env.CANON_CONSOLE_TOKEN;
      else process.env.CANON_CONSOLE_TOKEN = saved;
    }
  });
});
