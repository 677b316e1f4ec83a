/**
 * @module canon/cli/commands/trace
 * `canon trace TRACE_ID [files…]`: every event of one trace, across services and kinds,
 * as a terminal waterfall.
 */
import { readEvents } from '../../read/read-events.js';
import { traceTree } from '../../read/trace/tree.js';
import { renderWaterfall } from '../../read/trace/waterfall.js';
import type { EventRecord } from '../../read/types.js';
import { type Command, inputs, reportSkipped } from '../command.js';
import { EXIT_NO_MATCH, EXIT_OK, UsageError } from '../errors.js';
import { warn } from '../io.js';

export const traceCommand: Command = {
  name: 'trace',
  summary: 'one trace across services as a waterfall: canon trace TRACE_ID logs/*.jsonl',
  help: `Usage: canon trace TRACE_ID [files…] [options]

Every event of one trace (http, job, outbox, message, webhook, sse, from every
service in the files) as an indented tree ordered by time, with durations and
proportional bars. Parents are found through parent_span_id: a parent's span_id,
or a span id it recorded for something it sent (an outgoing call in
external.calls[].span_id, an event in events_published[].span_id, a webhook
request in webhook.span_id); an event whose parent is not in the files is shown at
the root, marked "!" and "(parent missing)".

Options:
  --json            the tree as JSON lines, one event per line with depth, offset_ms
                    and missing_parent added

Exits 1 when no event has this trace id.`,
  options: { json: { type: 'boolean' } },
  async run(parsed, { out, stdin }) {
    const [traceId, ...files] = parsed.positionals;
    if (!traceId) throw new UsageError('canon trace: give the trace id: canon trace TRACE_ID [files…]');
    const wanted = traceId.toLowerCase();
    const found: EventRecord[] = [];
    const events = readEvents(inputs(files, 'trace', stdin), { stdin });
    for await (const event of events) if (event.trace_id === wanted) found.push(event);
    reportSkipped(events.stats);
    if (found.length === 0) {
      warn(`canon: no event of trace ${traceId}`);
      return EXIT_NO_MATCH;
    }
    const tree = traceTree(found, wanted);
    if (parsed.values.json === true) {
      for (const node of tree.nodes) {
        await out.write(`${JSON.stringify({ ...node.event, depth: node.depth, offset_ms: node.offset, missing_parent: node.missingParent })}\n`);
      }
    } else {
      await out.write(`${renderWaterfall(tree, { width: out.columns, colors: out.colors })}\n`);
    }
    await out.flush();
    return EXIT_OK;
  },
};
