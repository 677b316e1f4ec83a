/**
 * @module canon/read/expr/parse
 * The filter grammar, parsed into a small tree that compiles both to SQL (for DuckDB)
 * and to a JavaScript predicate (for `tail`), so both mean the same thing:
 *
 * ```
 * expr    := and ('or' and)*
 * and     := unary ('and' unary)*
 * unary   := 'not' unary | '(' expr ')' | test
 * test    := operand ( op operand | 'is' ['not'] 'null' | ['not'] 'in' '(' operand, … ')'
 *                    | ['not'] ('like' | 'ilike') operand )
 * op      := = == != <> < <= > >=
 * operand := field.path | number | 'string' | "string" | true | false | null
 * ```
 */
import { expressionError, type Token, tokenize } from './lexer.js';

export type Literal = string | number | boolean | null;
export type Operand = { type: 'field'; path: string[] } | { type: 'value'; value: Literal };
export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { type: 'and' | 'or'; left: Expr; right: Expr }
  | { type: 'not'; expr: Expr }
  | { type: 'compare'; op: CompareOp; left: Operand; right: Operand }
  | { type: 'null'; operand: Operand; negated: boolean }
  | { type: 'in'; operand: Operand; values: Operand[]; negated: boolean }
  | { type: 'like'; operand: Operand; pattern: Operand; negated: boolean; insensitive: boolean };

const COMPARE = new Set(['=', '!=', '<', '<=', '>', '>=']);

/**
 * Parses a filter expression; `label` names it in errors (`'--where'`).
 *
 * @example
 * parseExpression("status_code >= 500 and route like '/api/%'")
 */
export function parseExpression(source: string, label = 'expression'): Expr {
  if (typeof source !== 'string' || source.trim() === '') {
    throw expressionError(String(source), 0, 'expected an expression such as "status_code >= 500"', label);
  }
  const tokens = tokenize(source, label);
  let i = 0;
  const peek = (): Token => tokens[i];
  const fail = (detail: string): never => {
    throw expressionError(source, peek().at, detail, label);
  };
  const isKeyword = (word: string) => {
    const token = peek();
    return token.kind === 'keyword' && token.value === word;
  };
  const isOp = (op: string) => {
    const token = peek();
    return token.kind === 'op' && token.value === op;
  };
  const expectOp = (op: string) => (isOp(op) ? i++ : fail(`expected "${op}"`));

  function operand(): Operand {
    const token = peek();
    i++;
    if (token.kind === 'field') return { type: 'field', path: token.path };
    if (token.kind === 'number' || token.kind === 'string') return { type: 'value', value: token.value };
    if (token.kind === 'keyword' && (token.value === 'true' || token.value === 'false')) {
      return { type: 'value', value: token.value === 'true' };
    }
    if (token.kind === 'keyword' && token.value === 'null') return { type: 'value', value: null };
    i--;
    return fail('expected a field, a number or a quoted string');
  }

  function test(): Expr {
    const left = operand();
    const token = peek();
    if (token.kind === 'op' && COMPARE.has(token.value)) {
      i++;
      return { type: 'compare', op: token.value as CompareOp, left, right: operand() };
    }
    if (isKeyword('is')) {
      i++;
      const negated = isKeyword('not') ? (i++, true) : false;
      if (!isKeyword('null')) fail('expected "null" after "is"');
      i++;
      return { type: 'null', operand: left, negated };
    }
    const negated = isKeyword('not') ? (i++, true) : false;
    if (isKeyword('in')) {
      i++;
      expectOp('(');
      const values = [operand()];
      while (isOp(',')) {
        i++;
        values.push(operand());
      }
      expectOp(')');
      return { type: 'in', operand: left, values, negated };
    }
    if (isKeyword('like') || isKeyword('ilike')) {
      const insensitive = isKeyword('ilike');
      i++;
      return { type: 'like', operand: left, pattern: operand(), negated, insensitive };
    }
    return fail('expected an operator (= != < <= > >= is in like ilike)');
  }

  function unary(): Expr {
    if (isKeyword('not')) {
      i++;
      return { type: 'not', expr: unary() };
    }
    if (isOp('(')) {
      i++;
      const inner = or();
      expectOp(')');
      return inner;
    }
    return test();
  }

  function and(): Expr {
    let left = unary();
    while (isKeyword('and')) {
      i++;
      left = { type: 'and', left, right: unary() };
    }
    return left;
  }

  function or(): Expr {
    let left = and();
    while (isKeyword('or')) {
      i++;
      left = { type: 'or', left, right: and() };
    }
    return left;
  }

  const tree = or();
  if (peek().kind !== 'end') fail('expected "and", "or" or the end');
  return tree;
}
