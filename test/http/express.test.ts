import http from 'node:http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { canonExpress, canonExpressError } from '../../src/frameworks/express/index.js';
import { CanonOptionError, createCanon, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

async function start(build: (app: express.Express) => void) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false });
  const app = express();
  app.use(canonExpress(canon));
  build(app);
  const server = await listen(http.createServer(app));
  return { sink, ...server };
}

describe('canon/express', () => {
  it('reports routes of a mounted sub-app and of two apps in one process', async () => {
    const first = await start((app) => {
      const shop = express();
      shop.get('/items/:id', (_req, res) => {
        res.json({});
      });
      app.use('/shop', shop);
    });
    const second = await start((app) => {
      app.get('/orders/:id', (_req, res) => {
        res.json({});
      });
    });
    try {
      await fetch(`${first.url}/shop/items/1`);
      await fetch(`${second.url}/orders/2`);
      await waitFor(() => first.sink.events.length === 1 && second.sink.events.length === 1);
      expect(first.sink.events[0].route).toBe('/shop/items/:id');
      expect(second.sink.events[0].route).toBe('/orders/:id');
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('answers when the app has frozen its request prototype, reading the route at the end', async () => {
    const { sink, url, close } = await start((app) => {
      Object.freeze(app.request);
      app.get('/orders/:id', (_req, res) => {
        res.json({});
      });
    });
    try {
      expect((await fetch(`${url}/orders/1`)).status).toBe(200);
      await waitFor(() => sink.events.length === 1);
      expect(sink.events[0]).toMatchObject({ route: '/orders/:id', status_code: 200, outcome: 'success' });
    } finally {
      await close();
    }
  });

  it('used outside Express, leaves node\'s request prototype alone', async () => {
    const sink = memorySink();
    const middleware = canonExpress(createCanon({ sinks: [sink], handleExit: false }));
    const server = await listen(
      http.createServer((req, res) => middleware(req as express.Request, res as express.Response, () => res.end('ok'))),
    );
    try {
      expect(await (await fetch(`${server.url}/plain`)).text()).toBe('ok');
      await waitFor(() => sink.events.length === 1);
      expect(sink.events[0]).toMatchObject({ path: '/plain', status_code: 200 });
      expect(Object.hasOwn(http.IncomingMessage.prototype, 'route')).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('reports the full route pattern through nested routers, for errors too', async () => {
    const handled: string[] = [];
    const { sink, url, close } = await start((app) => {
      const users = express.Router();
      users.get('/:id', (req, res) => {
        res.json({ id: req.params.id });
      });
      users.get('/:id/fail', async () => {
        throw Object.assign(new Error('denied'), { status: 403 });
      });
      const api = express.Router();
      api.use('/users', users);
      app.use('/api', api);
      app.use(canonExpressError());
      app.use(
        (
          err: Error & { status?: number },
          _req: express.Request,
          res: express.Response,
          _next: express.NextFunction,
        ) => {
          handled.push(err.message);
          res.status(err.status ?? 500).json({ error: err.message });
        },
      );
    });
    try {
      expect((await fetch(`${url}/api/users/7`)).status).toBe(200);
      const failed = await fetch(`${url}/api/users/7/fail`);
      expect(failed.status).toBe(403);
      expect(await failed.json()).toEqual({ error: 'denied' });
      await waitFor(() => sink.events.length === 2);
      expect(sink.events.map((e) => e.route)).toEqual(['/api/users/:id', '/api/users/:id/fail']);
      expect(sink.events[1]).toMatchObject({
        outcome: 'error',
        status_code: 403,
        error: { message: 'denied', status: 403 },
      });
      expect(handled).toEqual(['denied']);
    } finally {
      await close();
    }
  });

  it("marks Express 5 async rejections even without the app's own error handler", async () => {
    const { sink, url, close } = await start((app) => {
      app.get('/reject', async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        throw new AggregateError([new Error('one'), new Error('two')], 'both failed');
      });
      app.use(canonExpressError());
    });
    try {
      const res = await fetch(`${url}/reject`);
      expect(res.status).toBe(500);
      const event = await waitFor(() => sink.events[0]);
      expect(event.error).toMatchObject({
        type: 'AggregateError',
        errors: [{ message: 'one' }, { message: 'two' }],
      });
      expect(event.outcome).toBe('error');
    } finally {
      await close();
    }
  });

  it('req.canon is the same object getWideEvent() returns', async () => {
    const { getWideEvent } = await import('../../src/index.js');
    let same = false;
    const { url, close } = await start((app) => {
      app.get('/', async (req, res) => {
        await Promise.resolve();
        same = getWideEvent() === req.canon;
        res.end();
      });
    });
    try {
      await fetch(url);
      expect(same).toBe(true);
    } finally {
      await close();
    }
  });

  it('throws a CanonOptionError at setup for a bad canon or option', () => {
    expect(() => canonExpress(null as never)).toThrow(CanonOptionError);
    expect(() => canonExpress(null as never)).toThrow(/`canonExpress\(canon\)`/);
    const canon = createCanon({ handleExit: false });
    expect(() => canonExpress(canon, [] as never)).toThrow(/`canonExpress\(options\)`/);
    expect(() => canonExpress(canon, { tenant: null } as never)).toThrow(/`tenant`/);
  });
});
