/**
 * @module canon/cli/commands/tail
 * `canon tail files…`: follows files as they grow, like `tail -F` (rotation and
 * truncation survived), pretty by default, until interrupted.
 */
import { once } from 'node:events';
import { followEvents } from '../../read/follow.js';
import { formatPretty } from '../../read/pretty/format.js';
import { integerOption, listOption } from '../args.js';
import { type Command, eventFilter, FILTER_OPTIONS, reportSkipped } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { warn } from '../io.js';
import { errorLine } from '../errors.js';

export const tailCommand: Command = {
  name: 'tail',
  summary: 'follow files as they grow (like tail -F), pretty or --json',
  help: `Usage: canon tail files… [options]

Follows files as they grow, like tail -F: a rotated file is followed by name, a
truncated one from its start, a missing one is waited for. Stops on Ctrl-C.

Options:
  -n, --lines N     show the last N events of each file first (default 10)
  --json            print the events as JSON lines instead of pretty
  --errors          only events whose outcome is not success
  --slow MS         only events that took at least MS milliseconds
  --where EXPR      only events matching EXPR (the expressions of canon query --where)
  --fields a,b.c    show these fields first`,
  options: { ...FILTER_OPTIONS, lines: { type: 'string', short: 'n' }, json: { type: 'boolean' }, fields: { type: 'string' } },
  async run(parsed, { out }) {
    if (parsed.positionals.length === 0) throw new UsageError('canon tail: give the files to follow (canon pretty reads standard input)');
    const keep = await eventFilter(parsed, 'tail');
    const json = parsed.values.json === true;
    const options = { colors: out.colors, fields: listOption(parsed, 'fields') };
    const interrupted = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]); // before any output
    const follower = await followEvents(
      parsed.positionals,
      (event) => {
        if (keep && !keep(event)) return;
        void out.write(`${json ? JSON.stringify(event) : formatPretty(event, options)}\n`);
        void out.flush();
      },
      {
        lines: integerOption(parsed, 'tail', 'lines') ?? 10,
        onError: (error, path) => warn(`${errorLine(error)} (${path})`),
      },
    );
    await interrupted;
    await follower.stop();
    await out.flush();
    reportSkipped(follower.stats);
    return EXIT_OK;
  },
};
