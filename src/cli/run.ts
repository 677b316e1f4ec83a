/**
 * @module canon/cli/run
 * Dispatch: `canon <command> [args…]`, `canon --help`, `canon <command> --help`,
 * `canon --version`. Resolves to the exit code; every failure becomes one line on
 * stderr (see ./errors).
 */
import { readFileSync } from 'node:fs';
import { parseCommand } from './args.js';
import type { Command, CommandContext } from './command.js';
import { EXIT_ERROR, EXIT_OK, errorLine, UsageError } from './errors.js';
import { warn } from './io.js';

/**
 * Every command by name, in `canon --help` order, each loaded only when it is used:
 * `canon pretty` starts without loading DuckDB, the console, the outbox or webhooks.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  pretty: async () => (await import('./commands/pretty.js')).prettyCommand,
  tail: async () => (await import('./commands/tail.js')).tailCommand,
  query: async () => (await import('./commands/query.js')).queryCommand,
  trace: async () => (await import('./commands/trace.js')).traceCommand,
  flows: async () => (await import('./commands/flows.js')).flowsCommand,
  outbox: async () => (await import('./commands/outbox.js')).outboxCommand,
  webhooks: async () => (await import('./commands/webhooks.js')).webhooksCommand,
  console: async () => (await import('./commands/console.js')).consoleCommand,
  audit: async () => (await import('./commands/audit.js')).auditCommand,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The text of `canon --help` (loads every command for its summary).
 *
 * @example
 * process.stdout.write(`${await mainHelp()}\n`);
 */
export async function mainHelp(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  const width = Math.max(...commands.map((command) => command.name.length));
  return `Usage: canon <command> [options]

Reads the JSON lines Canon writes (files, globs, .gz, or standard input).

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

canon <command> --help shows a command's options.
Exit codes: 0 ok, 1 no match or check failed, 2 usage error or missing dependency.`;
}

/**
 * Runs one command line (without `node` and the script).
 *
 * @example
 * process.exitCode = await runCli(['query', 'app.jsonl', '--group-by', 'route'], context);
 */
export async function runCli(argv: string[], context: CommandContext): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const help = await mainHelp();
      if (name === undefined) {
        warn(help);
        return EXIT_ERROR;
      }
      await context.out.write(`${help}\n`);
      await context.out.flush();
      return EXIT_OK;
    }
    if (name === '--version' || name === '-v') {
      await context.out.write(`${version()}\n`);
      await context.out.flush();
      return EXIT_OK;
    }
    const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load) throw new UsageError(`canon: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    const command = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      await context.out.write(`${command.help}\n`);
      await context.out.flush();
      return EXIT_OK;
    }
    return await command.run(parseCommand(command.name, rest, command.options), context);
  } catch (error) {
    warn(errorLine(error));
    return EXIT_ERROR;
  }
}
