/**
 * @module canon/cli/commands/console
 * `canon console [files…]`: the Canon console (a local web page) over files and a
 * database, served by canon/console's `startConsoleServer` until interrupted. The console
 * is loaded only when this command runs.
 */
import { once } from 'node:events';
import { integerOption, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK } from '../errors.js';

export const consoleCommand: Command = {
  name: 'console',
  summary: 'the Canon console, a local web page: live events, query, traces, outbox, webhooks',
  help: `Usage: canon console [files…] [options]

Serves the Canon console: live events (files are followed like tail -F), the query
page, traces, and with a database the outbox, webhooks and dead letters. Stops on Ctrl-C.

Options:
  --database URL    postgres://… (default: DATABASE_URL) for the Outbox and Webhooks pages
  --table NAME      the outbox table (default canon_outbox)
  --prefix NAME     the webhooks tables' prefix (default canon_webhook)
  --port N          the port (default 4318; 0 picks a free one)
  --host ADDRESS    the address to bind (default 127.0.0.1; another needs CANON_CONSOLE_TOKEN)`,
  options: {
    database: { type: 'string' },
    table: { type: 'string' },
    prefix: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
  },
  async run(parsed, { out, env }) {
    const interrupted = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]); // before any output
    const { startConsoleServer } = await import('../../console/server.js');
    const server = await startConsoleServer({
      files: parsed.positionals,
      database: stringOption(parsed, 'database') ?? env.DATABASE_URL,
      outboxTable: stringOption(parsed, 'table'),
      webhooksPrefix: stringOption(parsed, 'prefix'),
      port: integerOption(parsed, 'console', 'port') ?? 4318,
      host: stringOption(parsed, 'host'),
    });
    await out.write(`Canon console: ${server.url}\n`);
    await out.flush();
    await interrupted;
    await server.close();
    return EXIT_OK;
  },
};
