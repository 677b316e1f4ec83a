/**
 * @module canon/cli/commands/outbox
 * `canon outbox status|dead|redrive`: the outbox table's counts by state, its dead rows
 * with their last errors, and redrive (by id, type or key, or all), through canon/outbox.
 */
import { createOutbox } from '../../outbox/outbox.js';
import { deadOutboxRows } from '../../read/ops/outbox.js';
import { integerOption, type Parsed, stringOption } from '../args.js';
import type { Command, CommandContext } from '../command.js';
import { DATABASE_OPTIONS, withDatabase } from '../database.js';
import { EXIT_NO_MATCH, EXIT_OK, UsageError } from '../errors.js';
import { warn } from '../io.js';
import { renderJsonLines, renderTable } from '../table.js';

const ACTIONS = ['status', 'dead', 'redrive'];

function redriveFilter(parsed: Parsed) {
  const ids = parsed.values.id as string[] | undefined;
  const type = stringOption(parsed, 'type');
  const key = stringOption(parsed, 'key');
  if (!ids && !type && !key && parsed.values.all !== true) {
    throw new UsageError('canon outbox redrive: say which dead rows: --id ID (repeatable), --type TYPE, --key KEY, or --all');
  }
  return { ids, type, key };
}

async function run(action: string, parsed: Parsed, { out, env }: CommandContext): Promise<number> {
  const json = parsed.values.json === true;
  const limit = integerOption(parsed, `outbox ${action}`, 'limit', 1);
  const filter = action === 'redrive' ? redriveFilter(parsed) : undefined;
  return withDatabase(parsed, `outbox ${action}`, env, async (db) => {
    const outbox = createOutbox({ store: db.store, table: stringOption(parsed, 'table') });
    if (action === 'status') {
      const stats = await outbox.stats();
      await out.write(json ? `${JSON.stringify(stats)}\n` : `${renderTable(Object.keys(stats), [stats as unknown as Record<string, unknown>])}\n`);
      return EXIT_OK;
    }
    if (action === 'dead') {
      const rows = await deadOutboxRows(outbox, { limit, type: stringOption(parsed, 'type') });
      if (json) await out.write(renderJsonLines(rows as unknown as Record<string, unknown>[]));
      else if (rows.length > 0) {
        const shown = rows.map((row) => ({ ...row, last_error: row.last_error?.message ?? row.last_error }));
        await out.write(`${renderTable(['id', 'type', 'topic', 'key', 'attempts', 'created_at', 'last_error'], shown)}\n`);
      }
      if (rows.length === 0) warn('canon: no dead rows');
      return rows.length > 0 ? EXIT_OK : EXIT_NO_MATCH;
    }
    const count = await outbox.redrive(filter);
    await out.write(json ? `${JSON.stringify({ redriven: count })}\n` : `redrove ${count} dead row${count === 1 ? '' : 's'}\n`);
    return count > 0 ? EXIT_OK : EXIT_NO_MATCH;
  });
}

export const outboxCommand: Command = {
  name: 'outbox',
  summary: 'outbox status | dead | redrive against --database (or DATABASE_URL)',
  help: `Usage: canon outbox status|dead|redrive [options]

  status            rows by state: pending, in_flight, dead, published, and lag_ms
  dead              the dead rows (oldest first) with their last error
  redrive           puts dead rows back to pending with a fresh attempt budget:
                    --id ID (repeatable), --type TYPE, --key KEY, or --all

Options:
  --database URL    postgres://… (default: DATABASE_URL); needs pg (npm install pg)
  --table NAME      the outbox table, as given to createOutbox (default canon_outbox)
  --type TYPE       dead, redrive: only this event type
  --limit N         dead: at most N rows (default 100)
  --json            JSON instead of a table

Exits 1 when dead finds no row or redrive puts none back.`,
  options: {
    ...DATABASE_OPTIONS,
    table: { type: 'string' },
    type: { type: 'string' },
    key: { type: 'string' },
    id: { type: 'string', multiple: true },
    all: { type: 'boolean' },
    limit: { type: 'string' },
  },
  async run(parsed, context) {
    const [action, ...rest] = parsed.positionals;
    if (!action || !ACTIONS.includes(action)) {
      throw new UsageError(`canon outbox: expected one of ${ACTIONS.join(', ')}${action ? `, got ${JSON.stringify(action)}` : ''}`);
    }
    if (rest.length > 0) throw new UsageError(`canon outbox ${action}: unexpected argument ${JSON.stringify(rest[0])}`);
    const code = await run(action, parsed, context);
    await context.out.flush();
    return code;
  },
};
