import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { canonFastify } from '../../src/frameworks/fastify/index.js';
import { CanonOptionError, createCanon, getWideEvent, memorySink } from '../../src/index.js';
import { canonMixin } from '../../src/logger/pino/index.js';
import { sleep, waitFor } from '../helpers/wait.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(app: FastifyInstance, build: (app: FastifyInstance) => void = () => {}) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false });
  apps.push(app);
  await app.register(canonFastify, { canon });
  build(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { sink, canon, url: `http://127.0.0.1:${port}` };
}

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('canon/fastify', () => {
  it('names the route from the start of the request: handlers and hooks can read it', async () => {
    const seen: unknown[] = [];
    const { sink, url } = await start(Fastify(), (app) => {
      app.addHook('preHandler', async (request) => {
        seen.push(request.canon.get('route'));
      });
      app.get('/orders/:id', async (request) => {
        seen.push(getWideEvent()?.get('route'));
        return { id: (request.params as { id: string }).id };
      });
    });
    expect((await fetch(`${url}/orders/9`)).status).toBe(200);
    const event = await waitFor(() => sink.events[0]);
    expect(seen).toEqual(['/orders/:id', '/orders/:id']);
    expect(event.route).toBe('/orders/:id');
    expect(Object.keys(event).indexOf('route')).toBe(Object.keys(event).indexOf('path') + 1);
  });

  it("works with Fastify's own logger on: both log lines and one event per request", async () => {
    const log = logCapture();
    const { sink, url } = await start(Fastify({ logger: { level: 'info', stream: log.stream } }), (app) => {
      app.get('/users/:id', async (request) => {
        request.log.info('inside the handler');
        getWideEvent()?.set('user.id', (request.params as { id: string }).id);
        return { ok: true };
      });
    });
    const res = await fetch(`${url}/users/7`);
    expect(res.status).toBe(200);
    const event = await waitFor(() => sink.events[0]);
    await sleep(30);
    expect(sink.events).toHaveLength(1);
    expect(event).toMatchObject({ route: '/users/:id', status_code: 200, user: { id: '7' } });
    await waitFor(() => log.lines.find((line) => line.msg === 'request completed'));
    expect(log.lines.map((line) => line.msg)).toEqual([
      'Server listening at ' + url,
      'incoming request',
      'inside the handler',
      'request completed',
    ]);
  });

  it("with canonMixin(), Fastify's request log lines carry the event's request_id", async () => {
    const log = logCapture();
    const app = Fastify({ logger: { level: 'info', stream: log.stream, mixin: canonMixin() } });
    const { sink, url } = await start(app, (app) => {
      app.get('/', async (request) => {
        await sleep(1);
        request.log.info('inside the handler');
        return 'ok';
      });
    });
    await fetch(url, { headers: { 'x-request-id': 'correlated' } });
    await waitFor(() => sink.events[0] && log.lines.find((line) => line.msg === 'request completed'));
    const byMsg = Object.fromEntries(log.lines.map((line) => [line.msg, line.request_id]));
    expect(byMsg['inside the handler']).toBe('correlated');
    expect(byMsg['request completed']).toBe('correlated');
    expect(byMsg['incoming request']).toBeUndefined(); // logged before any onRequest hook
  });

  it('emits exactly one event for a hijacked reply, with what was written to the raw response', async () => {
    const { sink, url } = await start(Fastify(), (app) => {
      app.get('/raw', async (_request, reply) => {
        reply.hijack();
        await sleep(5);
        getWideEvent()?.set('hijacked', true);
        reply.raw.writeHead(201, { 'content-type': 'text/plain' });
        reply.raw.write('ab');
        reply.raw.end('c');
      });
    });
    const res = await fetch(`${url}/raw`);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await res.text()).toBe('abc');
    await waitFor(() => sink.events[0]);
    await sleep(50);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      route: '/raw',
      status_code: 201,
      response_size_bytes: 3,
      outcome: 'success',
      hijacked: true,
    });
  });

  it('applies to the whole app: encapsulated plugins, prefixes and their hooks', async () => {
    const { sink, url } = await start(Fastify(), (app) => {
      app.register(
        async (api) => {
          api.addHook('preHandler', async () => {
            await sleep(1);
            getWideEvent()?.set('hooks.pre_handler', true);
          });
          api.addHook('onSend', (_request, _reply, payload, done) => {
            getWideEvent()?.set('hooks.on_send', true);
            done(null, payload);
          });
          api.addHook('onResponse', (request, _reply, done) => {
            request.canon.set('hooks.on_response', getWideEvent() === request.canon);
            done();
          });
          api.get('/users/:id', async (request) => {
            await sleep(1);
            return { same: getWideEvent() === request.canon };
          });
        },
        { prefix: '/api' },
      );
    });
    const res = await fetch(`${url}/api/users/1`);
    expect(await res.json()).toEqual({ same: true });
    const event = await waitFor(() => sink.events[0]);
    expect(event).toMatchObject({
      route: '/api/users/:id',
      hooks: { pre_handler: true, on_send: true, on_response: true },
    });
  });

  it('marks errors thrown in hooks and validation errors, which Fastify answers itself', async () => {
    const { sink, url } = await start(Fastify(), (app) => {
      const deny = async () => Promise.reject(Object.assign(new Error('denied'), { statusCode: 403 }));
      app.get('/guarded', { preHandler: deny }, async () => 'never');
      const body = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
      app.post('/items', { schema: { body } }, async () => 'created');
    });
    const guarded = await fetch(`${url}/guarded`);
    expect(guarded.status).toBe(403);
    const invalid = await fetch(`${url}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(invalid.status).toBe(400);
    await waitFor(() => sink.events.length === 2);
    expect(sink.events[0]).toMatchObject({ status_code: 403, error: { message: 'denied', status: 403 } });
    expect(sink.events[1]).toMatchObject({
      route: '/items',
      status_code: 400,
      error: { code: 'FST_ERR_VALIDATION', status: 400 },
    });
  });

  it('works with app.inject() and leaves no context behind in the caller', async () => {
    const sink = memorySink();
    const app = Fastify();
    apps.push(app);
    await app.register(canonFastify, { canon: createCanon({ sinks: [sink], handleExit: false }) });
    app.get('/users/:id', async (request) => {
      await sleep(1);
      getWideEvent()?.set('user.id', (request.params as { id: string }).id);
      return 'ok';
    });
    const res = await app.inject({ url: '/users/3', headers: { 'x-request-id': 'injected' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-request-id']).toBe('injected');
    expect(getWideEvent()).toBeUndefined();
    const event = await waitFor(() => sink.events[0]);
    expect(event).toMatchObject({
      request_id: 'injected',
      route: '/users/:id',
      status_code: 200,
      response_size_bytes: 2,
      user: { id: '3' },
    });
  });

  it('fails app.ready() with a CanonOptionError for a missing canon or a bad option', async () => {
    for (const [options, option] of [
      [{}, 'canon'],
      [{ canon: { service: 'not a canon' } }, 'canon'],
      [{ canon: createCanon({ handleExit: false }), tenant: { header: 42 } }, 'tenant.header'],
      [{ canon: createCanon({ handleExit: false }), tenat: {} }, 'tenat'],
    ] as const) {
      const app = Fastify();
      app.register(canonFastify, options as never);
      await expect(app.ready()).rejects.toMatchObject({ code: 'CANON_INVALID_OPTION', option });
      await expect(app.ready()).rejects.toBeInstanceOf(CanonOptionError);
    }
  });

  it("accepts Fastify's own register options beside Canon's", async () => {
    const app = Fastify();
    const options = { canon: createCanon({ handleExit: false }), logLevel: 'warn' };
    await app.register(canonFastify, options as never);
    await app.close();
  });
});
