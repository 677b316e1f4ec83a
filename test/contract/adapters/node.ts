/** The contract app on plain node:http with `canonNode` and a small hand-written router. */
import http from 'node:http';
import { canonNode } from '../../../src/frameworks/node/index.js';
import { listen } from '../../helpers/http.js';
import { sleep } from '../../helpers/wait.js';
import type { HttpAdapterEntry } from '../http.js';
import { afterBody, contextEcho, echo, readJson, slow, stream, tenantEcho, thrown, usersDeepEnrich } from './shared.js';

function json(res: http.ServerResponse, body: unknown): void {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

export const nodeEntry: HttpAdapterEntry = {
  name: 'node:http',
  routes: false,
  errorHandler: false,
  async start(canon, options) {
    const server = http.createServer(
      canonNode(
        canon,
        async (req, res) => {
          const path = new URL(req.url ?? '/', 'http://localhost').pathname; // origin or absolute form
          const user = /^\/users\/([^/]+)$/.exec(path);
          const echoed = /^\/echo\/(\d+)$/.exec(path);
          if (user) {
            await usersDeepEnrich(user[1]);
            json(res, { id: user[1] });
          } else if (path === '/throw') {
            await sleep(1);
            throw thrown();
          } else if (path === '/stream') await stream(res);
          else if (path === '/slow') slow(res);
          else if (echoed) res.end(String(await echo(Number(echoed[1]))));
          else if (path === '/tenant') json(res, await tenantEcho());
          else if (path === '/context') json(res, await contextEcho());
          else if (path === '/body' && req.method === 'POST') json(res, await afterBody(await readJson(req)));
          else {
            res.statusCode = 404;
            res.end('not found');
          }
        },
        options,
      ),
    );
    return listen(server);
  },
};
