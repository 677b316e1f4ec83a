/** Shared pieces of the console tests: an Express app with the console, a PostgreSQL schema per test. */
import http from 'node:http';
import express from 'express';
import pg from 'pg';
import { createConsole, type ConsoleHandler, type ConsoleOptions } from '../../src/console/index.js';
import { canonExpress, canonExpressError } from '../../src/frameworks/express/index.js';
import type { Canon } from '../../src/index.js';
import { createOutbox, type Outbox, pgStore } from '../../src/outbox/index.js';
import { listen } from '../helpers/http.js';
import { PG_URL, uniqueName } from '../outbox/harness.js';

export interface App {
  url: string;
  console: ConsoleHandler;
  server: http.Server;
  close(): Promise<void>;
}

/** An Express app instrumented by `canon`, the console at `/_canon` (before the adapter unless `behindAdapter`), and `routes`. */
export async function startApp(
  canon: Canon,
  options: Omit<ConsoleOptions, 'canon'> = {},
  routes: (app: express.Express) => void = () => {},
  { behindAdapter = false } = {},
): Promise<App> {
  const app = express();
  const handler = createConsole({ canon, ...options });
  if (!behindAdapter) app.use('/_canon', handler);
  app.use(canonExpress(canon));
  if (behindAdapter) app.use('/_canon', handler);
  routes(app);
  app.use(canonExpressError());
  const server = http.createServer(app);
  const { url, close } = await listen(server);
  return {
    url,
    console: handler,
    server,
    async close() {
      await handler.close();
      await close();
    },
  };
}

export interface PgSchema {
  pool: pg.Pool;
  schema: string;
  outbox: Outbox;
  close(): Promise<void>;
}

/** A pool, a fresh schema (dropped by close) and a migrated outbox in it. */
export async function pgSchema(prefix: string): Promise<PgSchema> {
  const schema = uniqueName(prefix);
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  await pool.query(`CREATE SCHEMA "${schema}"`);
  const outbox = createOutbox({ store: pgStore(pool), table: `${schema}.outbox` });
  await outbox.migrate();
  return {
    pool,
    schema,
    outbox,
    async close() {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
}
