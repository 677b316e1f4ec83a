import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { type CanonEnv, canonHono } from '../../src/frameworks/hono/index.js';
import { CanonOptionError, createCanon, getWideEvent, memorySink, type WideEvent } from '../../src/index.js';
import { getTenant } from '../../src/tenant/index.js';
import { listen } from '../helpers/http.js';
import { sleep, waitFor } from '../helpers/wait.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function setup(options?: Parameters<typeof canonHono>[1]) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false });
  const app = new Hono<CanonEnv>();
  app.use(canonHono(canon, options));
  return { sink, app };
}

async function serve(app: Hono<CanonEnv>) {
  const server = await listen(createAdaptorServer({ fetch: app.fetch }) as Server);
  closers.push(server.close);
  return server.url;
}

describe('canon/hono', () => {
  it("marks errors that reach app.onError, whatever status the app's handler gives", async () => {
    const { sink, app } = setup();
    app.get('/forbidden', () => {
      throw Object.assign(new Error('no access'), { status: 403 });
    });
    app.onError((err, c) => c.json({ error: err.message }, 403));
    const url = await serve(app);
    const res = await fetch(`${url}/forbidden`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'no access' });
    const event = await waitFor(() => sink.events[0]);
    expect(event).toMatchObject({
      route: '/forbidden',
      status_code: 403,
      outcome: 'error',
      error: { type: 'Error', message: 'no access', status: 403 },
    });
  });

  it('marks a thrown non-Error, which Hono rethrows past app.onError', async () => {
    const { sink, app } = setup();
    app.get('/string', () => {
      throw 'plain string';
    });
    const url = await serve(app);
    const res = await fetch(`${url}/string`);
    expect(res.status).toBe(500);
    const event = await waitFor(() => sink.events[0]);
    expect(event).toMatchObject({ status_code: 500, outcome: 'error', error: { message: 'plain string' } });
  });

  it('reports the route of sub-apps and of routes a middleware answered for', async () => {
    const { sink, app } = setup();
    const api = new Hono<CanonEnv>();
    api.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
    api.get(
      '/admin/:page',
      async (c, next) => (c.req.header('authorization') ? next() : c.json({ error: 'login' }, 401)),
      (c) => c.text('admin'),
    );
    app.route('/api', api);
    app.use('*', async (_c, next) => next()); // a middleware after the routes
    const url = await serve(app);
    for (const path of ['/api/users/5', '/api/admin/settings', '/api/missing']) await fetch(`${url}${path}`);
    await waitFor(() => sink.events.length === 3);
    const byPath = Object.fromEntries(sink.events.map((e) => [e.path, [e.route, e.status_code]]));
    expect(byPath).toEqual({
      '/api/users/5': ['/api/users/:id', 200],
      '/api/admin/settings': ['/api/admin/:page', 401],
      '/api/missing': [undefined, 404],
    });
  });

  it('reports the route when the app uses another copy of hono than the one Canon resolves', async () => {
    // a real second copy (as in a monorepo or a linked package): its own module instances,
    // so `hono/route`'s module-local Symbol does not find this app's match data
    mkdirSync(join(root, 'node_modules/.cache'), { recursive: true }); // absent on a fresh install
    const copy = mkdtempSync(join(root, 'node_modules/.cache/canon-hono-copy-'));
    closers.push(async () => rmSync(copy, { recursive: true, force: true }));
    cpSync(join(root, 'node_modules/hono'), join(copy, 'node_modules/hono'), { recursive: true });
    const entry = pathToFileURL(join(copy, 'node_modules/hono/dist/index.js')).href;
    const { Hono: OtherHono } = (await import(entry)) as { Hono: typeof Hono };
    expect(OtherHono).not.toBe(Hono);
    const sink = memorySink();
    const app = new OtherHono<CanonEnv>();
    app.use(canonHono(createCanon({ sinks: [sink], handleExit: false })));
    app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }));
    const url = await serve(app as unknown as Hono<CanonEnv>);
    expect((await fetch(`${url}/users/5`)).status).toBe(200);
    expect((await fetch(`${url}/missing`)).status).toBe(404);
    expect((await app.request('/users/6')).status).toBe(200); // the fetch-style lifecycle too
    await waitFor(() => sink.events.length === 3);
    const byPath = Object.fromEntries(sink.events.map((e) => [e.path, e.route]));
    expect(byPath).toEqual({ '/users/5': '/users/:id', '/missing': undefined, '/users/6': '/users/:id' });
  });

  it("c.get('canon') is typed and is the object getWideEvent() returns", async () => {
    const { app } = setup();
    let same = false;
    app.get('/', async (c) => {
      expectTypeOf(c.get('canon')).toEqualTypeOf<WideEvent>();
      await sleep(1);
      same = getWideEvent() === c.get('canon');
      return c.text('ok');
    });
    const url = await serve(app);
    await fetch(url);
    expect(same).toBe(true);
  });

  it('works without node-server (app.request): one event, request id echoed', async () => {
    const { sink, app } = setup({ tenant: { required: false } });
    app.get('/users/:id', async (c) => {
      await sleep(1);
      getWideEvent()?.set('user.id', c.req.param('id'));
      return new Response(`tenant:${getTenant()}`, { headers: { 'content-length': '11' } });
    });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.get('/string', () => {
      throw 'plain string';
    });
    app.onError((_err, c) => c.text('failed', 500));
    const res = await app.request('/users/9?x=1', {
      headers: { 'x-request-id': 'fetch-1', 'x-tenant-id': 'acme', 'user-agent': 'tests' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('tenant:acme');
    expect(res.headers.get('x-request-id')).toBe('fetch-1');
    const failed = await app.request('/boom');
    expect(failed.status).toBe(500);
    expect(failed.headers.get('x-request-id')).toBe(sink.events[1]?.request_id);
    expect(sink.events).toHaveLength(2);
    expect(sink.events[0]).toMatchObject({
      request_id: 'fetch-1',
      method: 'GET',
      path: '/users/9',
      route: '/users/:id',
      status_code: 200,
      response_size_bytes: 11,
      user_agent: 'tests',
      tenant_id: 'acme',
      user: { id: '9' },
    });
    expect(sink.events[1]).toMatchObject({ status_code: 500, outcome: 'error', error: { message: 'boom' } });
    await expect(app.request('/string')).rejects.toBe('plain string'); // Hono lets non-Errors through
    expect(sink.events[2]).toMatchObject({ status_code: 500, error: { message: 'plain string' } });
  });

  it('refuses a missing tenant without node-server too', async () => {
    const { sink, app } = setup({ tenant: {} });
    app.get('/', (c) => c.text('never'));
    const res = await app.request('/');
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toBe(sink.events[0]?.request_id);
    expect(await res.json()).toMatchObject({ error: { code: 'TENANT_REQUIRED' } });
    expect(sink.events[0]).toMatchObject({ status_code: 400, error: { code: 'TENANT_REQUIRED' } });
  });

  it('throws a CanonOptionError at setup for a bad canon or options', () => {
    expect(() => canonHono(undefined as never)).toThrow(CanonOptionError);
    expect(() => canonHono(undefined as never)).toThrow(/canonHono\(canon\)/);
    expect(() => canonHono(createCanon({ handleExit: false }), { tenant: { required: 1 } } as never)).toThrow(
      /tenant\.required/,
    );
    expect(() => canonHono(createCanon({ handleExit: false }), 'x' as never)).toThrow(/canonHono\(options\)/);
  });
});
