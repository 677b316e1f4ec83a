/**
 * @module canon/cli/commands/flows
 * `canon flows [files…]`: the event flow map observed in the events, as Markdown with a
 * Mermaid flowchart (or `--json`).
 */
import { collectFlows } from '../../read/flows/collect.js';
import { flowsMarkdown } from '../../read/flows/markdown.js';
import { readEvents } from '../../read/read-events.js';
import { stringOption } from '../args.js';
import { type Command, inputs, reportSkipped } from '../command.js';
import { EXIT_NO_MATCH, EXIT_OK } from '../errors.js';

export const flowsCommand: Command = {
  name: 'flows',
  summary: 'the event flow map seen in real traffic, as Markdown + Mermaid',
  help: `Usage: canon flows [files…] [options]

For each event type: which routes and jobs produced it (events_published), which
outbox relays published it, which consumers handled it and which webhook endpoints
received it, with counts and error rates. Prints Markdown with a Mermaid flowchart;
eventCatalog(defs, { flows }) merges the same map into the catalog page.

Options:
  --title TEXT      the page title (default "Event flows")
  --json            the flow map as JSON

Exits 1 when no event was published, relayed, consumed or delivered.`,
  options: { json: { type: 'boolean' }, title: { type: 'string' } },
  async run(parsed, { out, stdin }) {
    const flows = collectFlows();
    const events = readEvents(inputs(parsed.positionals, 'flows', stdin), { stdin });
    for await (const event of events) flows.add(event);
    reportSkipped(events.stats);
    const map = flows.result();
    if (parsed.values.json === true) await out.write(`${JSON.stringify(map, null, 2)}\n`);
    else await out.write(flowsMarkdown(map, { title: stringOption(parsed, 'title') }));
    await out.flush();
    return map.types.length > 0 ? EXIT_OK : EXIT_NO_MATCH;
  },
};
