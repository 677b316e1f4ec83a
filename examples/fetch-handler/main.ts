/**
 * `npx tsx examples/fetch-handler/main.ts`: a WHATWG fetch handler wrapped with
 * `withCanon`, served on Node.js through `@hono/node-server` (Next.js, Bun and Deno call
 * the same function). It sends itself a JSON request, a streamed response it reads to
 * the end, one it abandons midway, and a failing one, then prints one wide event per
 * request on stdout and exits.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createCanon, getWideEvent } from '../../src/index.js';
import { withCanon } from '../../src/integrations/fetch-handler/index.js';

const canon = createCanon({ service: 'fetch-example' });

/** A body of `count` lines produced on demand, each after a pause. */
function ticker(count: number): ReadableStream<Uint8Array> {
  let n = 0;
  return new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      getWideEvent()?.count('ticker.lines'); // the stream runs in the request's unit
      if (n++ === count) controller.close();
      else controller.enqueue(new TextEncoder().encode(`tick ${n}\n`));
    },
  });
}

async function handler(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path.startsWith('/users/')) {
    getWideEvent()?.set('user.id', path.slice('/users/'.length));
    return Response.json({ ok: true });
  }
  if (path === '/ticker') return new Response(ticker(5), { headers: { 'content-type': 'text/plain' } });
  if (path === '/long') return new Response(ticker(1_000));
  if (path === '/fail') throw new Error('the database is away');
  return new Response('not found', { status: 404 });
}

const route = (request: Request) => (new URL(request.url).pathname.startsWith('/users/') ? '/users/:id' : undefined);
const server = createAdaptorServer({ fetch: withCanon(canon, handler, { route }) }) as http.Server;
server.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await fetch(`${base}/users/7`);
  await (await fetch(`${base}/ticker`)).text();
  await fetch(`${base}/fail`);
  await new Promise<void>((resolve) => {
    const req = http.get(`${base}/long`, (res) => res.once('data', () => (req.destroy(), resolve())));
    req.on('error', () => {});
  });
  // the abandoned stream's event comes once the server has seen the client go
  for (let waited = 0; canon.stats().emitted < 4 && waited < 5_000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  server.closeAllConnections();
  server.close();
  await canon.close();
});
