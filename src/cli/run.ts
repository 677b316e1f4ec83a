/**
 * @module canon/cli/run
 * Dispatch: `canon <command> [args…]`, `canon --help`, `canon <command> --help`,
 * `canon --version`. Resolves to the exit code; every failure becomes one line on
 * stderr (see ./errors).
 */
import { readFileSync } from 'node:fs';
import { parseCommand } from './args.js';
import type { Command, CommandContext } from './command.js';
import { auditCommand } from './commands/audit.js';
import { consoleCommand } from './commands/console.js';
import { flowsCommand } from './commands/flows.js';
import { outboxCommand } from './commands/outbox.js';
import { prettyCommand } from './commands/pretty.js';
import { queryCommand } from './commands/query.js';
import { tailCommand } from './commands/tail.js';
import { traceCommand } from './commands/trace.js';
import { webhooksCommand } from './commands/webhooks.js';
import { EXIT_ERROR, EXIT_OK, errorLine, UsageError } from './errors.js';
import { warn } from './io.js';

const COMMANDS: Command[] = [
  prettyCommand,
  tailCommand,
  queryCommand,
  traceCommand,
  flowsCommand,
  outboxCommand,
  webhooksCommand,
  consoleCommand,
  auditCommand,
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The text of `canon --help`.
 *
 * @example
 * process.stdout.write(`${mainHelp()}\n`);
 */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `Usage: canon <command> [options]

Reads the JSON lines Canon writes (files, globs, .gz, or standard input).

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

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
      const help = mainHelp();
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
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (!command) throw new UsageError(`canon: unknown command ${JSON.stringify(name)} (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
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
