/**
 * @module canon/cli/command
 * What every subcommand is (name, help, options, run → exit code) and the pieces several
 * share: inputs (files or piped stdin), the `--errors/--slow/--where` event filter and
 * the skipped-lines notice.
 */
import { STDIN } from '../read/sources.js';
import type { EventRecord, ReadStats } from '../read/types.js';
import { numberOption, type OptionSpec, type Parsed, stringOption } from './args.js';
import { UsageError } from './errors.js';
import { type Output, warn } from './io.js';

export interface CommandContext {
  out: Output;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  /** One line for `canon --help`. */
  summary: string;
  /** The whole `canon <name> --help` text. */
  help: string;
  options: OptionSpec;
  /** Resolves to the exit code. */
  run(parsed: Parsed, context: CommandContext): Promise<number>;
}

/**
 * The inputs of a reading command: its file arguments, or stdin when something is piped in.
 *
 * @example
 * readEvents(inputs(parsed.positionals, 'pretty', process.stdin));
 */
export function inputs(positionals: string[], command: string, stdin: NodeJS.ReadStream): string[] {
  if (positionals.length > 0) return positionals;
  if (stdin.isTTY) {
    throw new UsageError(`canon ${command}: no input: give files (globs and .gz too) or pipe events in, e.g. node app.js | canon ${command}`);
  }
  return [STDIN];
}

/** Options of the event filter shared by `pretty` and `tail`. */
export const FILTER_OPTIONS: OptionSpec = {
  errors: { type: 'boolean' },
  slow: { type: 'string' },
  where: { type: 'string' },
};

/**
 * The predicate of `--errors` (outcome ≠ success), `--slow MS` and `--where EXPR` together
 * (the expression compiler is loaded only for `--where`).
 *
 * @example
 * const keep = await eventFilter(parsed, 'tail'); // undefined when no filter was given
 */
export async function eventFilter(parsed: Parsed, command: string): Promise<((event: EventRecord) => boolean) | undefined> {
  const tests: ((event: EventRecord) => boolean)[] = [];
  if (parsed.values.errors) tests.push((event) => event.outcome !== undefined && event.outcome !== 'success');
  const slow = numberOption(parsed, command, 'slow');
  if (slow !== undefined) tests.push((event) => typeof event.duration_ms === 'number' && event.duration_ms >= slow);
  const where = stringOption(parsed, 'where');
  if (where !== undefined) {
    const { compileFilter } = await import('../read/expr/index.js');
    tests.push(compileFilter(where, '--where').test);
  }
  if (tests.length === 0) return undefined;
  return (event) => tests.every((test) => test(event));
}

/**
 * Tells on stderr how many lines were skipped, when some were.
 *
 * @example
 * reportSkipped(events.stats); // 'canon: skipped 2 lines (not JSON objects)'
 */
export function reportSkipped(skipped: number | ReadStats): void {
  const count = typeof skipped === 'number' ? skipped : skipped.bad;
  if (count > 0) warn(`canon: skipped ${count} line${count === 1 ? '' : 's'} (not JSON objects)`);
}
