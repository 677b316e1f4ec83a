/**
 * @module canon/cli/commands/webhooks
 * `canon webhooks status|deliveries|redrive`: delivery counts, the delivery log (or the
 * deliveries that failed for good, with their last error), and redrive of failed
 * deliveries, through canon/webhooks.
 */
import { failedDeliveries } from '../../read/ops/webhooks.js';
import { createWebhooks } from '../../webhooks/webhooks.js';
import { integerOption, type Parsed, stringOption } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { DATABASE_OPTIONS, withDatabase } from '../database.js';
import { EXIT_NO_MATCH, EXIT_OK, UsageError } from '../errors.js';
import { warn } from '../io.js';
import { renderJsonLines, renderTable } from '../table.js';

const ACTIONS = ['status', 'deliveries', 'redrive'];

async function run(action: string, parsed: Parsed, { out, env }: CommandContext): Promise<number> {
  const json = parsed.values.json === true;
  const endpointId = stringOption(parsed, 'endpoint');
  const eventId = stringOption(parsed, 'event');
  const limit = integerOption(parsed, `webhooks ${action}`, 'limit', 1);
  const tablePrefix = stringOption(parsed, 'prefix');
  if (action === 'redrive' && !endpointId && !eventId && parsed.values.all !== true) {
    throw new UsageError('canon webhooks redrive: say which failed deliveries: --endpoint ID, --event ID, or --all');
  }
  return withDatabase(parsed, `webhooks ${action}`, env, async (db) => {
    const webhooks = createWebhooks({ store: db.store, tablePrefix });
    if (action === 'status') {
      const stats = await webhooks.stats();
      await out.write(json ? `${JSON.stringify(stats)}\n` : `${renderTable(Object.keys(stats), [stats as unknown as Record<string, unknown>])}\n`);
      return EXIT_OK;
    }
    if (action === 'deliveries') {
      const rows: Record<string, unknown>[] = parsed.values.failed
        ? (await failedDeliveries(db.store, { tablePrefix, endpointId, eventId, limit })).map((row) => ({ ...row }))
        : (await webhooks.deliveries.list({ endpointId, eventId, limit })).map((row) => ({ ...row }));
      if (json) await out.write(renderJsonLines(rows));
      else if (rows.length > 0) {
        const columns = parsed.values.failed
          ? ['endpoint_id', 'url', 'event_type', 'event_id', 'attempts', 'created_at', 'last_error']
          : ['created_at', 'endpoint_id', 'event_type', 'event_id', 'attempt', 'status', 'response_status', 'duration_ms', 'error'];
        const shown = rows.map((row) => ({ ...row, last_error: (row.last_error as { message?: string } | null)?.message ?? row.last_error }));
        await out.write(`${renderTable(columns, shown)}\n`);
      }
      if (rows.length === 0) warn(parsed.values.failed ? 'canon: no failed deliveries' : 'canon: no delivery attempts');
      return rows.length > 0 ? EXIT_OK : EXIT_NO_MATCH;
    }
    const filter = { ...(endpointId && { endpointId }), ...(eventId && { eventId }) };
    const count = await webhooks.deliveries.redrive(filter);
    await out.write(json ? `${JSON.stringify({ redriven: count })}\n` : `redrove ${count} failed deliver${count === 1 ? 'y' : 'ies'}\n`);
    return count > 0 ? EXIT_OK : EXIT_NO_MATCH;
  });
}

export const webhooksCommand: Command = {
  name: 'webhooks',
  summary: 'webhooks status | deliveries | redrive against --database (or DATABASE_URL)',
  help: `Usage: canon webhooks status|deliveries|redrive [options]

  status            deliveries by state: pending, in_flight, failed, delivered, and lag_ms
  deliveries        the delivery log, newest first (one row per attempt);
                    --failed: the deliveries that failed for good, with their last error
  redrive           schedules failed deliveries again: --endpoint ID, --event ID, or --all

Options:
  --database URL    postgres://… (default: DATABASE_URL); needs pg (npm install pg)
  --prefix NAME     the tables' prefix, as given to createWebhooks (default canon_webhook)
  --endpoint ID     only this endpoint
  --event ID        only this event id
  --limit N         deliveries: at most N rows (default 100)
  --json            JSON instead of a table

Exits 1 when deliveries finds no row or redrive schedules none.`,
  options: {
    ...DATABASE_OPTIONS,
    prefix: { type: 'string' },
    endpoint: { type: 'string' },
    event: { type: 'string' },
    failed: { type: 'boolean' },
    all: { type: 'boolean' },
    limit: { type: 'string' },
  },
  async run(parsed, context) {
    const [action, ...rest] = parsed.positionals;
    if (!action || !ACTIONS.includes(action)) {
      throw new UsageError(`canon webhooks: expected one of ${ACTIONS.join(', ')}${action ? `, got ${JSON.stringify(action)}` : ''}`);
    }
    if (rest.length > 0) throw new UsageError(`canon webhooks ${action}: unexpected argument ${JSON.stringify(rest[0])}`);
    const code = await run(action, parsed, context);
    await context.out.flush();
    return code;
  },
};
