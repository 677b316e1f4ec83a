/**
 * The contract app on Koa 3 with `canonKoa` and `@koa/router`. The app's own error
 * handling is the usual outermost middleware; Canon comes right after it.
 */
import http from 'node:http';
import { Readable } from 'node:stream';
import Router from '@koa/router';
import Koa from 'koa';
import { canonKoa } from '../../../src/frameworks/koa/index.js';
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
  readJson,
  slowChunks,
  tenantEcho,
  thrown,
  usersDeepEnrich,
} from './shared.js';

export const koaEntry: HttpAdapterEntry = {
  name: 'koa',
  routes: true,
  errorHandler: true,
  async start(canon, options) {
    const app = new Koa();
    app.on('error', () => {}); // Koa logs the stream error of an aborted response by default
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        const { status, body } = handled(err);
        ctx.status = status;
        ctx.body = body;
      }
    });
    app.use(canonKoa(canon, options));
    const router = new Router();
    router.get('/users/:id', async (ctx) => {
      await usersDeepEnrich(ctx.params.id);
      ctx.body = { id: ctx.params.id };
    });
    router.get('/throw', async () => {
      await sleep(1);
      throw thrown();
    });
    router.get('/next-error', () => {
      throw passed();
    });
    router.get('/stream', (ctx) => {
      ctx.type = 'text/plain';
      ctx.body = Readable.from(chunks());
    });
    router.get('/slow', (ctx) => {
      ctx.type = 'text/plain';
      ctx.body = Readable.from(slowChunks());
    });
    router.get('/echo/:n', async (ctx) => {
      ctx.body = String(await echo(Number(ctx.params.n)));
    });
    router.get('/context', async (ctx) => {
      ctx.body = await contextEcho();
    });
    router.get('/tenant', async (ctx) => {
      ctx.body = await tenantEcho();
    });
    router.post('/body', async (ctx) => {
      ctx.body = await afterBody(await readJson(ctx.req));
    });
    app.use(router.routes());
    return listen(http.createServer(app.callback()));
  },
};
