/**
 * @module canon/read/expr
 * `compileFilter`: one filter expression, two forms — a JS predicate (`canon tail
 * --where`) and an SQL condition (`canon query --where`) — that select the same events.
 */
import { type Expr, parseExpression } from './parse.js';
import { exprPredicate } from './predicate.js';
import { exprSql } from './sql.js';
import type { EventRecord } from '../types.js';

export interface EventFilter {
  /** The expression as given. */
  readonly source: string;
  /** True when the event matches. */
  test(event: EventRecord): boolean;
  /** The same condition as DuckDB SQL over the `events` table. */
  readonly sql: string;
}

/**
 * Compiles a filter expression; a `CANON_INVALID_EXPRESSION` error (naming `label`) when
 * it does not parse.
 *
 * @example
 * const filter = compileFilter("status_code >= 500 and user.plan in ('pro', 'team')", '--where');
 * filter.test({ status_code: 502, user: { plan: 'pro' } }) // true
 * filter.sql // '(("status_code" >= 500) AND ("user"."plan" IN (\'pro\', \'team\')))'
 */
export function compileFilter(source: string, label = 'expression'): EventFilter {
  const tree: Expr = parseExpression(source, label);
  return { source, test: exprPredicate(tree), sql: exprSql(tree) };
}
