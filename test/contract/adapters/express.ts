/** The contract app on Express 5 with `canonExpress` and `canonExpressError`. */
import http from 'node:http';
import express from 'express';
import { canonExpress, canonExpressError } from '../../../src/frameworks/express/index.js';
import { listen } from '../../helpers/http.js';
import { sleep } from '../../helpers/wait.js';
import type { HttpAdapterEntry } from '../http.js';
import {
  afterBody,
  contextEcho,
  echo,
  handled,
  passed,
  slow,
  stream,
  tenantEcho,
  thrown,
  usersDeepEnrich,
} from './shared.js';

export const expressEntry: HttpAdapterEntry = {
  name: 'express',
  routes: true,
  errorHandler: true,
  async start(canon, options) {
    const app = express();
    app.use(canonExpress(canon, options));
    app.get('/users/:id', async (req, res) => {
      await usersDeepEnrich(req.params.id);
      res.json({ id: req.params.id });
    });
    app.get('/throw', async () => {
      await sleep(1);
      throw thrown();
    });
    app.get('/next-error', (_req, _res, next) => next(passed()));
    app.get('/stream', (_req, res) => stream(res));
    app.get('/slow', (_req, res) => slow(res));
    app.get('/echo/:n', async (req, res) => res.send(String(await echo(Number(req.params.n)))));
    app.get('/tenant', async (_req, res) => res.json(await tenantEcho()));
    app.get('/context', async (_req, res) => res.json(await contextEcho()));
    app.post('/body', express.json(), async (req, res) => res.json(await afterBody(req.body)));
    app.use(canonExpressError());
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      const { status, body } = handled(err);
      res.status(status).json(body);
    });
    return listen(http.createServer(app));
  },
};
