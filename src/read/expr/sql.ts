/**
 * @module canon/read/expr/sql
 * Filter trees and field paths as DuckDB SQL. A dotted path is struct access with each
 * part quoted (`user.id` → `"user"."id"`), so keywords and odd names are safe; strings
 * are single-quoted with quotes doubled.
 */
import type { Expr, Literal, Operand } from './parse.js';

/**
 * A field path as quoted struct access.
 *
 * @example
 * fieldSql(['user', 'id']) // '"user"."id"'
 */
export function fieldSql(path: readonly string[]): string {
  return path.map((part) => `"${part.replace(/"/g, '""')}"`).join('.');
}

/**
 * A literal as SQL.
 *
 * @example
 * literalSql("o'brien") // "'o''brien'"
 */
export function literalSql(value: Literal): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return String(value);
  return `'${value.replace(/'/g, "''")}'`;
}

function operandSql(operand: Operand): string {
  return operand.type === 'field' ? fieldSql(operand.path) : literalSql(operand.value);
}

/**
 * The SQL condition of `expr`.
 *
 * @example
 * exprSql(parseExpression('status_code >= 500 and user.id = "u_1"'))
 * // '(("status_code" >= 500) AND ("user"."id" = \'u_1\'))'
 */
export function exprSql(expr: Expr): string {
  switch (expr.type) {
    case 'and':
    case 'or':
      return `(${exprSql(expr.left)} ${expr.type.toUpperCase()} ${exprSql(expr.right)})`;
    case 'not':
      return `(NOT ${exprSql(expr.expr)})`;
    case 'compare':
      return `(${operandSql(expr.left)} ${expr.op === '!=' ? '<>' : expr.op} ${operandSql(expr.right)})`;
    case 'null':
      return `(${operandSql(expr.operand)} IS ${expr.negated ? 'NOT ' : ''}NULL)`;
    case 'in':
      return `(${operandSql(expr.operand)} ${expr.negated ? 'NOT ' : ''}IN (${expr.values.map(operandSql).join(', ')}))`;
    case 'like':
      return `(${operandSql(expr.operand)} ${expr.negated ? 'NOT ' : ''}${expr.insensitive ? 'ILIKE' : 'LIKE'} ${operandSql(expr.pattern)})`;
  }
}
