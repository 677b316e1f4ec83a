/**
 * @module canon/read/query/shorthand
 * The `canon query` shorthands compiled to SQL over `events`:
 * `--select a,b.c`, `--where EXPR` (see canon/read/expr), `--group-by route,user.plan`,
 * `--agg "count(*),p50(duration_ms),p99(duration_ms)"`, `--order-by "p99(duration_ms) desc"`,
 * `--limit N`. Aggregates: `count(*)`, `count(f)`, `count_distinct(f)`, `sum`, `avg`,
 * `min`, `max`, `median` and `pNN` (`p50`, `p95`, `p99`, `p999`: `quantile_cont`). Each
 * result column is named as written (`user.plan`, `p99(duration_ms)`, `count`).
 */
import { expressionError, tokenize } from '../expr/lexer.js';
import { compileFilter } from '../expr/index.js';
import { fieldSql } from '../expr/sql.js';

export interface QueryShorthands {
  /** Fields to list (default: all). */
  select?: string | readonly string[];
  where?: string;
  groupBy?: string | readonly string[];
  /** Default with `groupBy`: `count(*)`. */
  agg?: string | readonly string[];
  /** Default with aggregates: the first one, descending. */
  orderBy?: string | readonly string[];
  limit?: number;
}

const AGG_NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const LINE_BREAK = /[\n\r\u2028\u2029]/;
const DIRECTION = /\s(asc|desc)$/i;

function list(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? splitTopLevel(value) : [...value];
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** Splits on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function field(text: string, label: string): { sql: string; name: string } {
  const tokens = tokenize(text, label);
  const [first] = tokens;
  if (tokens.length !== 2 || first.kind !== 'field') {
    throw expressionError(text, 0, 'expected a field name such as route or user.id', label);
  }
  return { sql: fieldSql(first.path), name: first.path.join('.') };
}

function quoteAlias(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quantile(name: string): number | undefined {
  const digits = /^p(\d{1,3})$/.exec(name)?.[1];
  if (digits === undefined) return undefined;
  if (digits === '100') return 1;
  return digits.length <= 2 ? Number(digits) / 100 : Number(`0.${digits}`);
}

/**
 * `name ( arg )` split by hand, spaces allowed around the parentheses and the argument
 * (one line): no backtracking pattern over text a user typed, so linear in its length.
 */
function splitAggregate(text: string): { fn: string; arg: string } | undefined {
  const name = AGG_NAME.exec(text)?.[0];
  if (name === undefined) return undefined;
  const call = text.slice(name.length).trimStart();
  if (call.length < 2 || call[0] !== '(' || !call.endsWith(')')) return undefined;
  const arg = call.slice(1, -1).trim();
  return LINE_BREAK.test(arg) ? undefined : { fn: name.toLowerCase(), arg };
}

/** `key [asc|desc]` of one `--order-by` item; the key keeps no trailing space. Linear, like splitAggregate. */
function splitOrder(item: string): { key: string; direction?: string } {
  const match = DIRECTION.exec(item);
  return match ? { key: item.slice(0, match.index).trimEnd(), direction: match[1] } : { key: item };
}

function aggregate(text: string): { sql: string; name: string } {
  const parts = splitAggregate(text);
  if (!parts) throw expressionError(text, 0, 'expected an aggregate such as count(*) or p99(duration_ms)', '--agg');
  const { fn, arg } = parts;
  if (fn === 'count' && (arg === '*' || arg === '')) return { sql: 'count(*)', name: 'count' };
  const { sql, name } = field(arg, '--agg');
  const q = quantile(fn);
  const label = `${fn}(${name})`;
  if (q !== undefined) return { sql: `quantile_cont(${sql}, ${q})`, name: label };
  const fns: Record<string, string> = {
    count: `count(${sql})`,
    count_distinct: `count(DISTINCT ${sql})`,
    sum: `sum(${sql})`,
    avg: `avg(${sql})`,
    min: `min(${sql})`,
    max: `max(${sql})`,
    median: `median(${sql})`,
  };
  if (!(fn in fns)) {
    throw expressionError(text, 0, 'unknown aggregate (count, count_distinct, sum, avg, min, max, median, p50, p95, p99, p999)', '--agg');
  }
  return { sql: fns[fn], name: label };
}

function normalize(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

/**
 * The SQL of `shorthands` over the `events` table.
 *
 * @example
 * shorthandSql({ groupBy: 'route', agg: 'count(*),p99(duration_ms)', where: 'status_code >= 500' })
 * // SELECT "route" AS "route", count(*) AS "count", quantile_cont("duration_ms", 0.99) AS "p99(duration_ms)"
 * // FROM events WHERE ("status_code" >= 500) GROUP BY ALL ORDER BY "count" DESC
 */
export function shorthandSql(shorthands: QueryShorthands): string {
  const groups = list(shorthands.groupBy).map((text) => field(text, '--group-by'));
  let aggs = list(shorthands.agg).map(aggregate);
  if (groups.length > 0 && aggs.length === 0) aggs = [aggregate('count(*)')];
  const selected = list(shorthands.select).map((text) => field(text, '--select'));
  if (selected.length > 0 && (groups.length > 0 || aggs.length > 0)) {
    throw expressionError(list(shorthands.select).join(','), 0, 'cannot be combined with --group-by or --agg', '--select');
  }
  const columns = [...groups, ...aggs, ...selected].map(({ sql, name }) => `${sql} AS ${quoteAlias(name)}`);
  const parts = [`SELECT ${columns.length > 0 ? columns.join(', ') : '*'} FROM events`];
  if (shorthands.where !== undefined) parts.push(`WHERE ${compileFilter(shorthands.where, '--where').sql}`);
  if (groups.length > 0) parts.push('GROUP BY ALL');
  const named = new Map([...groups, ...aggs].map(({ name }) => [normalize(name), name]));
  named.set('count(*)', 'count');
  const order = list(shorthands.orderBy).map((item) => {
    const { key, direction } = splitOrder(item);
    const alias = named.get(normalize(key));
    const sql = alias !== undefined ? quoteAlias(alias) : field(key, '--order-by').sql;
    return `${sql} ${direction?.toUpperCase() ?? 'ASC'}`;
  });
  if (order.length === 0 && aggs.length > 0 && groups.length > 0) order.push(`${quoteAlias(aggs[0].name)} DESC`);
  if (order.length > 0) parts.push(`ORDER BY ${order.join(', ')}`);
  if (shorthands.limit !== undefined) {
    if (!Number.isInteger(shorthands.limit) || shorthands.limit < 0) {
      throw expressionError(String(shorthands.limit), 0, 'expected a whole number >= 0', '--limit');
    }
    parts.push(`LIMIT ${shorthands.limit}`);
  }
  return parts.join(' ');
}
