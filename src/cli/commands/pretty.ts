/**
 * @module canon/cli/commands/pretty
 * `canon pretty [files…]`: events for people, as a filter (`node app.js | canon pretty`).
 */
import { formatPretty } from '../../read/pretty/format.js';
import { readEvents } from '../../read/read-events.js';
import { listOption } from '../args.js';
import { type Command, eventFilter, FILTER_OPTIONS, inputs, reportSkipped } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { outputClosed } from '../io.js';

export const prettyCommand: Command = {
  name: 'pretty',
  summary: 'show events for people: node app.js | canon pretty',
  help: `Usage: canon pretty [files…] [options]

Shows events on one line each (time, service, kind, what, status, duration, outcome,
the event's own fields), errors expanded under them. Reads files (globs and .gz too)
or, without files, standard input: node app.js | canon pretty

Options:
  --errors          only events whose outcome is not success
  --slow MS         only events that took at least MS milliseconds
  --where EXPR      only events matching EXPR (see canon query --help)
  --fields a,b.c    show these fields first (request_id, user.id, ...)

Colours on a terminal unless NO_COLOR is set; FORCE_COLOR=1 forces them.`,
  options: { ...FILTER_OPTIONS, fields: { type: 'string' } },
  async run(parsed, { out, stdin }) {
    const keep = await eventFilter(parsed, 'pretty');
    const options = { colors: out.colors, fields: listOption(parsed, 'fields') };
    const events = readEvents(inputs(parsed.positionals, 'pretty', stdin), { stdin });
    for await (const batch of events.batches()) {
      for (const event of batch) {
        if (keep && !keep(event)) continue;
        const pending = out.write(`${formatPretty(event, options)}\n`);
        if (pending) await pending;
      }
      if (outputClosed()) return EXIT_OK;
    }
    await out.flush();
    reportSkipped(events.stats);
    return EXIT_OK;
  },
};
