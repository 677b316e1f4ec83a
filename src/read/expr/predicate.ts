/**
 * @module canon/read/expr/predicate
 * Filter trees as JavaScript predicates over events, with SQL's meaning: a missing
 * field is NULL, any comparison with NULL is unknown, `not unknown` is unknown, and only
 * a true result keeps the event. A string compared with a number is read as a number
 * (DuckDB casts it the same way); LIKE's `%` and `_` are wildcards.
 */
import { valueAtPath } from '../pretty/values.js';
import type { EventRecord } from '../types.js';
import type { CompareOp, Expr, Operand } from './parse.js';

/** SQL's three values: true, false, unknown (null). */
type Truth = boolean | null;

function value(operand: Operand, event: EventRecord): unknown {
  if (operand.type === 'value') return operand.value;
  const found = valueAtPath(event, operand.path.join('.'));
  return found === undefined ? null : found;
}

function asNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '') {
    const n = Number(x);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function order(a: unknown, b: unknown): number | null {
  if (a === null || b === null) return null;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    return x === undefined || y === undefined ? null : x - y;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return null;
}

function compare(op: CompareOp, a: unknown, b: unknown): Truth {
  const d = order(a, b);
  if (d === null) return null;
  switch (op) {
    case '=':
      return d === 0;
    case '!=':
      return d !== 0;
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
  }
}

function likeRegExp(pattern: string, insensitive: boolean): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, insensitive ? 'is' : 's');
}

const not = (t: Truth): Truth => (t === null ? null : !t);

function evaluate(expr: Expr, event: EventRecord, likes: Map<Expr, RegExp>): Truth {
  switch (expr.type) {
    case 'and': {
      const left = evaluate(expr.left, event, likes);
      if (left === false) return false;
      const right = evaluate(expr.right, event, likes);
      return right === false ? false : left === null || right === null ? null : true;
    }
    case 'or': {
      const left = evaluate(expr.left, event, likes);
      if (left === true) return true;
      const right = evaluate(expr.right, event, likes);
      return right === true ? true : left === null || right === null ? null : false;
    }
    case 'not':
      return not(evaluate(expr.expr, event, likes));
    case 'compare':
      return compare(expr.op, value(expr.left, event), value(expr.right, event));
    case 'null': {
      const isNull = value(expr.operand, event) === null;
      return expr.negated ? !isNull : isNull;
    }
    case 'in': {
      const x = value(expr.operand, event);
      if (x === null) return null;
      let unknown = false;
      for (const candidate of expr.values) {
        const t = compare('=', x, value(candidate, event));
        if (t === true) return !expr.negated;
        if (t === null) unknown = true;
      }
      return unknown ? null : expr.negated;
    }
    case 'like': {
      const x = value(expr.operand, event);
      const pattern = value(expr.pattern, event);
      if (x === null || pattern === null || typeof x === 'object') return null;
      let re = expr.pattern.type === 'value' ? likes.get(expr) : undefined;
      if (!re) {
        re = likeRegExp(String(pattern), expr.insensitive);
        if (expr.pattern.type === 'value') likes.set(expr, re);
      }
      const matched = re.test(String(x));
      return expr.negated ? !matched : matched;
    }
  }
}

/**
 * A predicate keeping the events for which `expr` is true.
 *
 * @example
 * const keep = exprPredicate(parseExpression('status_code >= 500'));
 * keep({ status_code: 503 }) // true
 * keep({})                   // false (a missing field is NULL)
 */
export function exprPredicate(expr: Expr): (event: EventRecord) => boolean {
  const likes = new Map<Expr, RegExp>();
  return (event) => evaluate(expr, event, likes) === true;
}
