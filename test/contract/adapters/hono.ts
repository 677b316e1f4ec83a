/** The contract app on Hono with `canonHono`, served by `@hono/node-server`. */
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { type CanonEnv, canonHono } from '../../../src/frameworks/hono/index.js';
import { listen } from '../../helpers/http.js';
import { sleep } from '../../helpers/wait.js';
import type { HttpAdapterEntry } from '../http.js';
import {
  afterBody,
  contextEcho,
  chunks,
  echo,
  handled,
  passed,
  slowChunks,
  tenantEcho,
  thrown,
  usersDeepEnrich,
  webStream,
} from './shared.js';

export const honoEntry: HttpAdapterEntry = {
  name: 'hono',
  routes: true,
  errorHandler: true,
  async start(canon, options) {
    const app = new Hono<CanonEnv>();
    app.use(canonHono(canon, options));
    app.get('/users/:id', async (c) => {
      await usersDeepEnrich(c.req.param('id'));
      return c.json({ id: c.req.param('id') });
    });
    app.get('/throw', async () => {
      await sleep(1);
      throw thrown();
    });
    app.get('/next-error', () => {
      throw passed();
    });
    app.get('/stream', (c) => c.body(webStream(chunks()), 200, { 'content-type': 'text/plain' }));
    app.get('/slow', (c) => c.body(webStream(slowChunks()), 200, { 'content-type': 'text/plain' }));
    app.get('/echo/:n', async (c) => c.text(String(await echo(Number(c.req.param('n'))))));
    app.get('/tenant', async (c) => c.json(await tenantEcho()));
    app.get('/context', async (c) => c.json(await contextEcho()));
    app.post('/body', async (c) => c.json(await afterBody(await c.req.json())));
    app.onError((err, c) => {
      const { status, body } = handled(err);
      return c.json(body, status as 500);
    });
    return listen(createAdaptorServer({ fetch: app.fetch }) as import('node:http').Server);
  },
};
