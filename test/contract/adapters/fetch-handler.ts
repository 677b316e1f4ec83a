/**
 * The contract app as one WHATWG fetch handler wrapped with `withCanon`, served through
 * `@hono/node-server`'s fetch bridge (what Next.js, Bun and Deno do natively). The
 * handler has no router of its own: `route` comes from the adapter's `route` option.
 */
import type http from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { withCanon } from '../../../src/integrations/fetch-handler/index.js';
import { listen } from '../../helpers/http.js';
import { sleep } from '../../helpers/wait.js';
import type { HttpAdapterEntry } from '../http.js';
import {
  afterBody,
  chunks,
  contextEcho,
  echo,
  slowChunks,
  tenantEcho,
  thrown,
  usersDeepEnrich,
  webStream,
} from './shared.js';

const PATTERNS: [RegExp, string][] = [
  [/^\/users\/[^/]+$/, '/users/:id'],
  [/^\/echo\/\d+$/, '/echo/:n'],
  [/^\/(throw|stream|slow|tenant|context|body)$/, ''],
];

/** The pattern of a path the handler serves (the `route` option), undefined for a 404. */
export function contractRoute(request: Request): string | undefined {
  const path = new URL(request.url).pathname;
  for (const [pattern, route] of PATTERNS) if (pattern.test(path)) return route || path;
  return undefined;
}

/** The contract routes as one fetch handler. */
export async function contractHandler(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  const user = /^\/users\/([^/]+)$/.exec(path);
  const echoed = /^\/echo\/(\d+)$/.exec(path);
  if (user) {
    await usersDeepEnrich(user[1]);
    return Response.json({ id: user[1] });
  }
  if (path === '/throw') {
    await sleep(1);
    throw thrown();
  }
  const text = { 'content-type': 'text/plain' };
  if (path === '/stream') return new Response(webStream(chunks()), { headers: text });
  if (path === '/slow') return new Response(webStream(slowChunks()), { headers: text });
  if (echoed) return new Response(String(await echo(Number(echoed[1]))));
  if (path === '/tenant') return Response.json(await tenantEcho());
  if (path === '/context') return Response.json(await contextEcho());
  if (path === '/body' && request.method === 'POST') return Response.json(await afterBody(await request.json()));
  return new Response('not found', { status: 404 });
}

export const fetchHandlerEntry: HttpAdapterEntry = {
  name: 'fetch-handler',
  routes: true,
  errorHandler: false,
  errorsRethrown: true,
  async start(canon, options) {
    const fetch = withCanon(canon, contractHandler, { ...options, route: contractRoute });
    return listen(createAdaptorServer({ fetch }) as http.Server);
  },
};
