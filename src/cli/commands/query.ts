/**
 * @module canon/cli/commands/query
 * `canon query [files…]`: SQL over the events (a table named `events`) with DuckDB,
 * written as SQL (`--sql`) or as shorthands (`--where`, `--group-by`, `--agg`, …).
 */
import { queryEvents } from '../../read/query/run.js';
import { integerOption, stringOption } from '../args.js';
import { type Command, inputs, reportSkipped } from '../command.js';
import { EXIT_NO_MATCH, EXIT_OK, UsageError } from '../errors.js';
import { warn } from '../io.js';
import { renderCsv, renderJsonLines, renderTable } from '../table.js';

/** Rows listed on a terminal when no --limit is given and nothing is aggregated. */
const TERMINAL_LIMIT = 100;

export const queryCommand: Command = {
  name: 'query',
  summary: 'SQL over events with DuckDB: --where, --group-by, --agg p99(duration_ms), --sql',
  help: `Usage: canon query [files…] [options]

SQL over the events as a table named events, with DuckDB (npm install @duckdb/node-api).
Reads files (globs and .gz too) or standard input. Nested fields are addressed with
dots: user.id, error.type, db.total_ms.

Options:
  --sql "SQL"          the whole query, e.g. "SELECT route, count(*) FROM events GROUP BY 1"
  --where EXPR         status_code >= 500 and route like '/api/%' and user.plan in ('pro', 'team')
                       operators: = != < <= > >= is [not] null, [not] in (…), [not] like/ilike, and, or, not
  --group-by a,b.c     group by these fields
  --agg LIST           count(*), count(f), count_distinct(f), sum, avg, min, max, median,
                       p50(f), p90(f), p95(f), p99(f), p999(f) (default with --group-by: count(*))
  --order-by "X desc"  a field or an aggregate as written, e.g. "p99(duration_ms) desc"
  --select a,b.c       the fields to list (without --group-by/--agg)
  --limit N            at most N rows (on a terminal, row listings stop at ${TERMINAL_LIMIT} unless given)
  --json | --csv | --table
                       output: an aligned table on a terminal, JSON lines when piped

Examples:
  canon query logs/*.jsonl.gz --where "status_code >= 500" --group-by route
  canon query app.jsonl --group-by route --agg "count(*),p50(duration_ms),p99(duration_ms)"
  canon query app.jsonl --sql "SELECT user.plan, avg(duration_ms) FROM events GROUP BY ALL"

Exits 1 when the query returns no row.`,
  options: {
    sql: { type: 'string' },
    select: { type: 'string' },
    where: { type: 'string' },
    'group-by': { type: 'string' },
    agg: { type: 'string' },
    'order-by': { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    table: { type: 'boolean' },
  },
  async run(parsed, { out, stdin }) {
    const formats = (['json', 'csv', 'table'] as const).filter((name) => parsed.values[name] === true);
    if (formats.length > 1) throw new UsageError(`canon query: choose one of --${formats.join(', --')}`);
    const format = formats[0] ?? (out.isTTY ? 'table' : 'json');
    const shorthands = {
      select: stringOption(parsed, 'select'),
      where: stringOption(parsed, 'where'),
      groupBy: stringOption(parsed, 'group-by'),
      agg: stringOption(parsed, 'agg'),
      orderBy: stringOption(parsed, 'order-by'),
      limit: integerOption(parsed, 'query', 'limit'),
    };
    const sql = stringOption(parsed, 'sql');
    const listing = sql === undefined && !shorthands.groupBy && !shorthands.agg;
    const capped = format === 'table' && listing && shorthands.limit === undefined;
    if (capped) shorthands.limit = TERMINAL_LIMIT + 1;
    const result = await queryEvents({ ...shorthands, sql, files: inputs(parsed.positionals, 'query', stdin), stdin });
    let rows = result.rows;
    if (capped && rows.length > TERMINAL_LIMIT) {
      rows = rows.slice(0, TERMINAL_LIMIT);
      warn(`canon: showing the first ${TERMINAL_LIMIT} rows (--limit N for more, --json or --csv for all)`);
    }
    if (format === 'json') await out.write(renderJsonLines(rows));
    else if (format === 'csv') await out.write(renderCsv(result.columns, rows));
    else if (rows.length > 0) await out.write(`${renderTable(result.columns, rows)}\n`);
    await out.flush();
    reportSkipped(result.skipped);
    if (rows.length === 0) {
      warn('canon: no rows');
      return EXIT_NO_MATCH;
    }
    return EXIT_OK;
  },
};
