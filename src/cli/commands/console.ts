/**
 * @module canon/cli/commands/console
 * `canon console [files…]`: the Canon console (a local web page) over files and a
 * database; served by canon/console's `startConsoleServer`, until interrupted.
 */
import { once } from 'node:events';
import { integerOption, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK } from '../errors.js';

/** Where the console's server lives (loaded only when this command runs). */
const SERVER_MODULE = '../../console/server.js';

interface ConsoleServer {
  url: string;
  close(): Promise<void>;
}

export const consoleCommand: Command = {
  name: 'console',
  summary: 'the Canon console, a local web page: live events, query, traces, outbox, webhooks',
  help: `Usage: canon console [files…] [options]

Serves the Canon console on 127.0.0.1: live events (files are followed like tail -F),
the query page, traces, and with a database the outbox, webhooks and dead letters.

Options:
  --database URL    postgres://… (default: DATABASE_URL) for the Outbox and Webhooks pages
  --port N          the port (default 4318)
  --host ADDRESS    the address to bind (default 127.0.0.1; others need CANON_CONSOLE_TOKEN)`,
  options: { database: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
  async run(parsed, { out, env }) {
    const { startConsoleServer } = (await import(SERVER_MODULE)) as {
      startConsoleServer(options: { files: string[]; database?: string; port: number; host: string }): Promise<ConsoleServer>;
    };
    const server = await startConsoleServer({
      files: parsed.positionals,
      database: stringOption(parsed, 'database') ?? env.DATABASE_URL,
      port: integerOption(parsed, 'console', 'port') ?? 4318,
      host: stringOption(parsed, 'host') ?? '127.0.0.1',
    });
    await out.write(`Canon console: ${server.url}\n`);
    await out.flush();
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    await server.close();
    return EXIT_OK;
  },
};
