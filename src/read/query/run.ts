/**
 * @module canon/read/query/run
 * `queryEvents`: SQL over events as a table named `events`, with DuckDB. The files are
 * read by `read_ndjson` (`union_by_name`, `ignore_errors`, `.gz` too) behind a view, so
 * DuckDB reads only the columns a query uses; nested fields are structs (`user.id`).
 * DuckDB reads a line that is not a JSON object as a row of NULLs: the view leaves out
 * rows without a `kind` (every event Canon writes has one), and those lines are counted
 * in `skipped`. Types are inferred from the whole input up to 32 MiB, from a sample of
 * it beyond that. DuckDB gets all cores but one; the bad-line count runs on that one.
 */
import { availableParallelism } from 'node:os';
import { CanonError, ErrorCodes } from '../../core/errors.js';
import { type DuckDB, loadDuckDB, plainValue } from './duckdb.js';
import { prepareInputs } from './inputs.js';
import { type QueryShorthands, shorthandSql } from './shorthand.js';

export interface QueryInput extends QueryShorthands {
  /** Files, globs (`.gz` too) or `-` for standard input. */
  files?: readonly string[];
  /** JSON lines held in memory (the console's recent events). */
  lines?: Iterable<string>;
  /** Raw SQL over `events`; instead of the shorthands. */
  sql?: string;
  /** What `-` reads (default `process.stdin`). */
  stdin?: NodeJS.ReadableStream;
}

export interface QueryResult {
  columns: string[];
  /** One plain object per row (JSON values: numbers, strings, ISO timestamps, objects, arrays). */
  rows: Record<string, unknown>[];
  /** Lines skipped because they were not JSON objects. */
  skipped: number;
  /** The SQL that ran. */
  sql: string;
}

/** Up to this many input bytes, column types are inferred from every line. */
const FULL_SAMPLE_BYTES = 32 * 1024 * 1024;
const SHORTHANDS = ['select', 'where', 'groupBy', 'agg', 'orderBy', 'limit'] as const;

function stringList(values: string[]): string {
  return `[${values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')}]`;
}

function queryFailure(err: unknown, sql: string): CanonError {
  if (err instanceof CanonError) return err;
  const message = String((err as Error)?.message ?? err).split('\n')[0];
  return new CanonError(ErrorCodes.QUERY_FAILED, `canon: query failed: ${message}`, { sql }, { cause: err });
}

/**
 * Builds the SQL of `input`: its raw `sql`, or its shorthands (default: every event).
 *
 * @example
 * querySql({ where: 'status_code >= 500' }) // 'SELECT * FROM events WHERE ("status_code" >= 500)'
 */
export function querySql(input: QueryInput): string {
  const shorthand = SHORTHANDS.some((key) => input[key] !== undefined);
  if (input.sql !== undefined) {
    if (shorthand) {
      throw new CanonError(ErrorCodes.INVALID_EXPRESSION, 'canon: --sql cannot be combined with --select, --where, --group-by, --agg, --order-by or --limit');
    }
    if (typeof input.sql !== 'string' || input.sql.trim() === '') {
      throw new CanonError(ErrorCodes.INVALID_EXPRESSION, 'canon: --sql is empty: expected a query such as "SELECT count(*) FROM events"');
    }
    return input.sql;
  }
  return shorthandSql(input);
}

type Connection = Awaited<ReturnType<InstanceType<DuckDB['DuckDBInstance']>['connect']>>;

/** DuckDB's refusal when a line is JSON but not an object (`[1,2]`): read cleaned copies instead. */
const NOT_RECORDS = /expected records/i;

/** (Re)creates the `events` view over `files`. */
async function createView(connection: Connection, files: string[], bytes: number): Promise<void> {
  if (files.length === 0) {
    await connection.run('CREATE OR REPLACE VIEW events AS SELECT NULL::VARCHAR AS kind WHERE false');
    return;
  }
  const sample = bytes <= FULL_SAMPLE_BYTES ? ', sample_size = -1' : '';
  await connection.run(
    `CREATE OR REPLACE VIEW events_raw AS SELECT * FROM read_ndjson(${stringList(files)}, union_by_name = true, ignore_errors = true, format = 'newline_delimited', records = true${sample})`,
  );
  const described = await connection.runAndReadAll(`SELECT count(*) FROM (DESCRIBE events_raw) WHERE column_name = 'kind'`);
  const filter = Number(described.getRows()[0][0]) > 0 ? ' WHERE kind IS NOT NULL' : '';
  await connection.run(`CREATE OR REPLACE VIEW events AS SELECT * FROM events_raw${filter}`);
}

async function run(connection: Connection, files: string[], bytes: number, sql: string) {
  await createView(connection, files, bytes);
  return connection.runAndReadAll(sql);
}

/**
 * Runs a query over events.
 *
 * @example
 * const { rows } = await queryEvents({ files: ['logs/*.jsonl.gz'], groupBy: 'route', agg: 'count(*),p99(duration_ms)' });
 * const { rows: slow } = await queryEvents({ lines: recentLines, sql: 'SELECT * FROM events WHERE duration_ms > 1000' });
 */
export async function queryEvents(input: QueryInput): Promise<QueryResult> {
  const sql = querySql(input);
  const duckdb = await loadDuckDB();
  const inputs = await prepareInputs(input);
  // one core is left to the scan that counts bad lines beside DuckDB
  const threads = String(Math.max(1, availableParallelism() - 1));
  const instance = await duckdb.DuckDBInstance.create(':memory:', { threads });
  const connection = await instance.connect();
  try {
    let reader: Awaited<ReturnType<typeof run>>;
    try {
      reader = await run(connection, inputs.files, inputs.bytes, sql);
    } catch (err) {
      if (!NOT_RECORDS.test(String((err as Error)?.message))) throw err;
      reader = await run(connection, await inputs.cleanFiles(), inputs.bytes, sql);
    }
    const columns = reader.columnNames();
    const types = reader.columnTypes();
    const rows = reader.getRows().map((row) => {
      const out: Record<string, unknown> = {};
      columns.forEach((column, i) => (out[column] = plainValue(duckdb, row[i], types[i])));
      return out;
    });
    return { columns, rows, skipped: await inputs.skipped(), sql };
  } catch (err) {
    throw queryFailure(err, sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
    await inputs.cleanup();
  }
}
