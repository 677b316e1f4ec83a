import http from 'node:http';
import Router from '@koa/router';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { canonKoa } from '../../src/frameworks/koa/index.js';
import { CanonOptionError, createCanon, getWideEvent, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { sleep, waitFor } from '../helpers/wait.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function start(build: (app: Koa) => void) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false });
  const app = new Koa();
  const appErrors: unknown[] = [];
  app.on('error', (err) => appErrors.push(err));
  app.use(canonKoa(canon));
  build(app);
  const server = await listen(http.createServer(app.callback()));
  closers.push(server.close);
  return { sink, appErrors, url: server.url };
}

describe('canon/koa', () => {
  it("marks errors thrown downstream and rethrows them to Koa's own handling", async () => {
    const { sink, appErrors, url } = await start((app) => {
      const router = new Router();
      router.get('/crash', async () => {
        await sleep(1);
        throw Object.assign(new Error('crashed'), { code: 'E_CRASH' });
      });
      router.get('/forbidden', (ctx) => ctx.throw(403, 'not yours'));
      app.use(router.routes());
    });
    const crash = await fetch(`${url}/crash`, { headers: { 'x-request-id': 'koa-crash' } });
    expect(crash.status).toBe(500);
    expect(await crash.text()).toBe('Internal Server Error'); // Koa's answer
    expect(crash.headers.get('x-request-id')).toBe('koa-crash'); // kept through Koa's header reset
    const forbidden = await fetch(`${url}/forbidden`);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toBe('not yours');
    await waitFor(() => sink.events.length === 2);
    expect(sink.events[0]).toMatchObject({
      request_id: 'koa-crash',
      route: '/crash',
      status_code: 500,
      outcome: 'error',
      error: { message: 'crashed', code: 'E_CRASH' },
    });
    expect(sink.events[1]).toMatchObject({ route: '/forbidden', status_code: 403, error: { status: 403 } });
    expect(appErrors).toHaveLength(2); // Koa still emitted its 'error' events
  });

  it('echoes each request its own id when concurrent requests throw one shared error object', async () => {
    const NOT_FOUND = Object.assign(new Error('no such thing'), { status: 404, expose: true });
    const { url } = await start((app) => {
      app.use(async () => {
        await sleep(5); // both requests are in flight when either throws
        throw NOT_FOUND;
      });
    });
    const answers = await Promise.all(
      ['req-A', 'req-B'].map((id) => fetch(url, { headers: { 'x-request-id': id } })),
    );
    expect(answers.map((res) => res.status)).toEqual([404, 404]);
    expect(answers.map((res) => res.headers.get('x-request-id'))).toEqual(['req-A', 'req-B']);
    expect(NOT_FOUND).not.toHaveProperty('headers');
  });

  it("reports @koa/router's full pattern through prefixes and nested routers", async () => {
    const { sink, url } = await start((app) => {
      const users = new Router();
      users.get('/:id', (ctx) => {
        ctx.body = { id: ctx.params.id };
      });
      const api = new Router({ prefix: '/api' });
      api.use('/users', users.routes());
      app.use(api.routes());
    });
    await fetch(`${url}/api/users/4`);
    await fetch(`${url}/api/nothing`);
    await waitFor(() => sink.events.length === 2);
    expect(sink.events.map((e) => [e.path, e.route, e.status_code])).toEqual([
      ['/api/users/4', '/api/users/:id', 200],
      ['/api/nothing', undefined, 404],
    ]);
  });

  it('without a router: no route; ctx.canon is what getWideEvent() returns', async () => {
    let same = false;
    const { sink, url } = await start((app) => {
      app.use(async (ctx) => {
        await sleep(1);
        same = getWideEvent() === ctx.canon;
        ctx.body = 'plain';
      });
    });
    await fetch(url);
    const event = await waitFor(() => sink.events[0]);
    expect(same).toBe(true);
    expect(event.route).toBeUndefined();
    expect(event).toMatchObject({ status_code: 200, response_size_bytes: 5 });
  });

  it('throws a CanonOptionError at setup for a bad canon or options', () => {
    expect(() => canonKoa({} as never)).toThrow(CanonOptionError);
    const canon = createCanon({ handleExit: false });
    expect(() => canonKoa(canon, { tenant: { validate: 'x' } } as never)).toThrow(/tenant\.validate/);
  });
});
