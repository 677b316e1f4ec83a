/** The contract app on Fastify 5 with the `canonFastify` plugin. */
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { canonFastify } from '../../../src/frameworks/fastify/index.js';
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
} from './shared.js';

export const fastifyEntry: HttpAdapterEntry = {
  name: 'fastify',
  routes: true,
  errorHandler: true,
  async start(canon, options) {
    const app = Fastify();
    await app.register(canonFastify, { canon, ...options });
    app.get<{ Params: { id: string } }>('/users/:id', async (request) => {
      await usersDeepEnrich(request.params.id);
      return { id: request.params.id };
    });
    app.get('/throw', async () => {
      await sleep(1);
      throw thrown();
    });
    app.get('/next-error', (_request, reply) => {
      reply.send(passed());
    });
    app.get('/stream', (_request, reply) => {
      reply.type('text/plain').send(Readable.from(chunks()));
    });
    app.get('/slow', (_request, reply) => {
      reply.type('text/plain').send(Readable.from(slowChunks()));
    });
    app.get<{ Params: { n: string } }>('/echo/:n', async (request) =>
      String(await echo(Number(request.params.n))),
    );
    app.get('/tenant', () => tenantEcho());
    app.get('/context', () => contextEcho());
    app.post('/body', (request) => afterBody(request.body));
    app.setErrorHandler((err, _request, reply) => {
      const { status, body } = handled(err);
      reply.code(status).send(body);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      async close() {
        app.server.closeAllConnections();
        await app.close();
      },
    };
  },
};
