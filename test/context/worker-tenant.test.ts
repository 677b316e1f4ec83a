import http from 'node:http';
import { Worker } from 'node:worker_threads';
import express from 'express';
import { afterEach, expect, it } from 'vitest';
import { canonExpress } from '../../src/frameworks/express/index.js';
import { createCanon, exportContext, memorySink } from '../../src/index.js';
import { listen } from '../helpers/http.js';

const bootstrap = new URL('./fixtures/ts-worker.mjs', import.meta.url);
const entry = new URL('./fixtures/tenant-worker.ts', import.meta.url).href;

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

it("the request's tenant crosses to a worker thread: getTenant() and the job's tenant_id", async () => {
  const canon = createCanon({ sinks: [memorySink()], handleExit: false });
  closers.push(() => canon.close());
  const app = express();
  app.use(canonExpress(canon, { tenant: { header: 'x-tenant-id' } }));
  app.get('/export', (_req, res) => {
    const ctx = exportContext()!;
    const worker = new Worker(bootstrap, { workerData: { entry, ctx } });
    worker.once('message', (reply) => {
      void worker.terminate();
      res.json({ ctx, ...reply });
    });
    worker.once('error', (err) => res.status(500).json({ error: String(err) }));
  });
  const server = await listen(http.createServer(app));
  closers.push(server.close);

  const response = await fetch(`${server.url}/export`, { headers: { 'x-tenant-id': 'acme' } });
  const { ctx, seen, events } = (await response.json()) as { ctx: any; seen: unknown; events: any[] };
  expect(ctx.tenant_id).toBe('acme');
  expect(seen).toEqual({ direct: 'acme', inJob: 'acme' });
  expect(events[0]).toMatchObject({ kind: 'job', tenant_id: 'acme', parent_request_id: ctx.request_id });
});
