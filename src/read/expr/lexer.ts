/**
 * @module canon/read/expr/lexer
 * Tokens of the filter expressions (`status_code >= 500 and user.id = 'u_1'`): dotted
 * field paths (or `` `odd-key`.x ``), numbers, strings in single or double quotes (shells
 * make either one easier), operators, parentheses, commas and the keywords
 * `and or not is null in like ilike true false` (any case).
 */
import { CanonError, ErrorCodes } from '../../core/errors.js';

export type Token =
  | { kind: 'field'; path: string[]; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'op'; value: string; at: number }
  | { kind: 'keyword'; value: string; at: number }
  | { kind: 'end'; at: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in', 'like', 'ilike', 'true', 'false']);
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const SEGMENT = /[A-Za-z_][A-Za-z0-9_]*|`[^`]+`/y;
const OPERATORS = ['==', '!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ','];

/** Characters of an invalid expression repeated in its error. */
const MAX_SHOWN = 200;

/**
 * A `CANON_INVALID_EXPRESSION` error quoting where `source` went wrong (its first 200
 * characters when it is longer).
 *
 * @example
 * throw expressionError('a = ', 4, 'expected a value', '--where');
 */
export function expressionError(source: string, at: number, detail: string, label = 'expression'): CanonError {
  const near = source.slice(at, at + 20);
  const where = at >= source.length ? 'at the end' : `at column ${at + 1} (near "${near}")`;
  // a long expression (a pasted filter, a hostile one) is cut in the message and the detail
  const shown = source.length > MAX_SHOWN ? `${source.slice(0, MAX_SHOWN)}…[${source.length - MAX_SHOWN} more chars]` : source;
  return new CanonError(ErrorCodes.INVALID_EXPRESSION, `canon: invalid ${label} ${JSON.stringify(shown)}: ${detail} ${where}`, {
    expression: shown,
    column: at + 1,
  });
}

function readString(source: string, at: number, label: string): { value: string; end: number } {
  const quote = source[at];
  let value = '';
  let i = at + 1;
  while (i < source.length) {
    if (source[i] === quote) {
      if (source[i + 1] !== quote) return { value, end: i + 1 };
      i++; // a doubled quote is one quote, as in SQL
    } else if (source[i] === '\\' && i + 1 < source.length) i++;
    value += source[i++];
  }
  throw expressionError(source, at, 'unterminated string', label);
}

function readPath(source: string, at: number, label: string): { path: string[]; end: number } {
  const path: string[] = [];
  let i = at;
  for (;;) {
    SEGMENT.lastIndex = i;
    const match = SEGMENT.exec(source);
    if (!match) throw expressionError(source, i, 'expected a field name', label);
    path.push(match[0].startsWith('`') ? match[0].slice(1, -1) : match[0]);
    i = SEGMENT.lastIndex;
    if (source[i] !== '.') return { path, end: i };
    i++;
  }
}

/**
 * Splits `source` into tokens; a `CANON_INVALID_EXPRESSION` error on anything else.
 *
 * @example
 * tokenize('status_code >= 500') // [field status_code, op >=, number 500, end]
 */
export function tokenize(source: string, label = 'expression'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const { value, end } = readString(source, i, label);
      tokens.push({ kind: 'string', value, at: i });
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = /[-\d.]/.test(c) ? NUMBER.exec(source) : null;
    if (number && !(c === '-' && number[0] === '-')) {
      tokens.push({ kind: 'number', value: Number(number[0]), at: i });
      i = NUMBER.lastIndex;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (op) {
      tokens.push({ kind: 'op', value: op === '==' ? '=' : op === '<>' ? '!=' : op, at: i });
      i += op.length;
      continue;
    }
    if (/[A-Za-z_`]/.test(c)) {
      const { path, end } = readPath(source, i, label);
      const word = path.length === 1 && source[i] !== '`' ? path[0].toLowerCase() : undefined;
      if (word && KEYWORDS.has(word)) tokens.push({ kind: 'keyword', value: word, at: i });
      else tokens.push({ kind: 'field', path, at: i });
      i = end;
      continue;
    }
    throw expressionError(source, i, `unexpected character ${JSON.stringify(c)}`, label);
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}
