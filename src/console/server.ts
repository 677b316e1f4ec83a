/**
 * @module canon/console/server
 * `startConsoleServer`: the console on its own (what `canon console` runs), over JSON-lines
 * files and, with a database URL, the outbox and webhooks tables in it. The Live page
 * follows the files like `tail -F` (their last events first); Query and Trace read them
 * whole. Listens on 127.0.0.1:4318 by default; any other address needs a token.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, invalidOption } from '../core/errors.js';
import { integerOption, rejectUnknownOptions } from '../core/option-checks.js';
import { createOutbox } from '../outbox/outbox.js';
import { type Database, openDatabase } from '../read/ops/database.js';
import { type Follower, followEvents } from '../read/follow.js';
import { createWebhooks } from '../webhooks/webhooks.js';
import { createConsole } from './console.js';
import { isLoopbackAddress, isLoopbackHost } from './guard.js';
import { consoleSink } from './sink.js';

export interface ConsoleServerOptions {
  /** JSON-lines files or globs the pages read (and the Live page follows). */
  files?: string[];
  /** PostgreSQL URL whose outbox (`canon_outbox`) and webhooks (`canon_webhook_*`) tables the pages show. */
  database?: string;
  /** Outbox table in that database (default `'canon_outbox'`). */
  outboxTable?: string;
  /** Webhooks tables' prefix in that database (default `'canon_webhook'`). */
  webhooksPrefix?: string;
  /** Default 4318; 0 picks a free port. */
  port?: number;
  /** Default `'127.0.0.1'`. Another address needs `token` (or env `CANON_CONSOLE_TOKEN`). */
  host?: string;
  token?: string;
  /** Events the Live page keeps (default 10,000). */
  size?: number;
}

export interface ConsoleServer {
  /** `http://127.0.0.1:4318/` */
  readonly url: string;
  close(): Promise<void>;
}

const KNOWN = ['files', 'database', 'outboxTable', 'webhooksPrefix', 'port', 'host', 'token', 'size'];

async function tableExists(db: Database, table: string): Promise<boolean> {
  const { rows } = await db.pool.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [table]);
  return rows[0]?.found !== null;
}

/**
 * Starts the console's own HTTP server; resolves once it listens.
 *
 * @example
 * const server = await startConsoleServer({ files: ['logs/*.jsonl'], database: process.env.DATABASE_URL });
 * console.log(`Canon console: ${server.url}`);
 */
export async function startConsoleServer(options: ConsoleServerOptions = {}): Promise<ConsoleServer> {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected { files?, database?, port?, host? }, got ${describe(options)}`);
  rejectUnknownOptions(options, KNOWN);
  const { files = [], database, host = '127.0.0.1', token = process.env.CANON_CONSOLE_TOKEN || undefined } = options;
  const port = integerOption(options.port, 'port', 4318, { min: 0, max: 65_535 });
  if (!isLoopbackAddress(host) && !isLoopbackHost(host) && token === undefined)
    throw invalidOption('host', `${host} is not a loopback address: set CANON_CONSOLE_TOKEN (or --token) to serve the console there`);
  if (files.length === 0 && database === undefined)
    throw invalidOption('files', 'give JSON-lines files to read, a database, or both');

  const sink = consoleSink({ size: options.size });
  const follower: Follower | undefined =
    files.length > 0
      ? await followEvents(files, (event) => sink.write(JSON.stringify(event), event), { lines: 1_000 })
      : undefined;
  let db: Database | undefined;
  try {
    db = database === undefined ? undefined : await openDatabase(database);
    const outboxTable = options.outboxTable ?? 'canon_outbox';
    const prefix = options.webhooksPrefix ?? 'canon_webhook';
    const outbox = db && (await tableExists(db, outboxTable)) ? createOutbox({ store: db.store, table: outboxTable }) : undefined;
    const webhooks =
      db && (await tableExists(db, `${prefix}_deliveries`)) ? createWebhooks({ store: db.store, tablePrefix: prefix }) : undefined;
    const handler = createConsole({ sink, files, outbox, webhooks, token });
    const server = http.createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const opened = db;
    return {
      url: `http://${shown}:${address.port}/`,
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await handler.close();
        await follower?.stop();
        await opened?.close();
      },
    };
  } catch (error) {
    await follower?.stop();
    await db?.close();
    throw error;
  }
}
