/**
 * @module canon/tracking/db/sql-tokens
 * A small SQL tokenizer for the statement normalizer: whitespace and comments, literals
 * (strings, numbers, dollar quotes) and the rest, under PostgreSQL's rules or MySQL's.
 * One character code at a time, no regular expressions.
 */

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c) || c === 36;
}

/** Index after a `'…'` literal starting at `i` (`''` doubles a quote; `\` escapes in E'…' and in MySQL). */
function skipQuoted(sql: string, i: number, backslashEscapes: boolean): number {
  for (i++; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === 92) i++;
    else if (c === 39) {
      if (sql.charCodeAt(i + 1) !== 39) return i + 1;
      i++;
    }
  }
  return UNTERMINATED;
}

/** Index after a `$tag$…$tag$` literal at `i`, or -1 when `i` does not start one. */
function skipDollarQuoted(sql: string, i: number): number {
  let end = i + 1;
  while (end < sql.length && isIdentPart(sql.charCodeAt(end)) && sql.charCodeAt(end) !== 36) end++;
  if (sql.charCodeAt(end) !== 36) return -1;
  const tag = sql.slice(i, end + 1);
  const close = sql.indexOf(tag, end + 1);
  return close === -1 ? UNTERMINATED : close + tag.length;
}

/** Index after a numeric literal at `i` (`42`, `3.14`, `.5`, `1e-9`, `0x1F`, `1_000`). */
function skipNumber(sql: string, i: number): number {
  for (; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    const exponent = c === 101 || c === 69;
    if (exponent && (sql.charCodeAt(i + 1) === 43 || sql.charCodeAt(i + 1) === 45)) i++;
    else if (!(isIdentPart(c) || c === 46) || c === 36) return i;
  }
  return i;
}

/** Index after a `/* … *\/` comment at `i` (PostgreSQL nests them). */
function skipBlockComment(sql: string, i: number): number {
  let depth = 0;
  for (; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      depth++;
      i++;
    } else if (c === 42 && sql.charCodeAt(i + 1) === 47) {
      i++;
      if (--depth === 0) return i + 1;
    }
  }
  return sql.length;
}

/** True when the letters at `i` prefix a string literal: E'…', B'…', X'…', N'…', U&'…'. */
function literalPrefixLength(sql: string, i: number): number {
  const c = sql.charCodeAt(i) | 32;
  if ((c === 101 || c === 98 || c === 120 || c === 110) && sql.charCodeAt(i + 1) === 39) return 1;
  if (c === 117 && sql.charCodeAt(i + 1) === 38 && sql.charCodeAt(i + 2) === 39) return 2;
  return 0;
}

/** What a token of the statement is. */
export const enum Kind {
  /** Whitespace or a comment: a separator. */
  Space,
  /** A string, number or dollar-quoted literal: never shown. */
  Literal,
  /** A string or dollar-quoted literal still open at the end of the statement. */
  Unterminated,
  /** A keyword, identifier, placeholder or operator: shown as written. */
  Text,
}

/** Returned by the literal scanners for a literal that never closes. */
const UNTERMINATED = Number.POSITIVE_INFINITY;

/** A literal token ending at `end`, or running to the end of `sql` when it never closes. */
function literal(sql: string, end: number): [end: number, kind: Kind] {
  return end === UNTERMINATED ? [sql.length, Kind.Unterminated] : [end, Kind.Literal];
}

/**
 * Index after the token at `i`, and its kind, under PostgreSQL's rules or, with `mysql`,
 * MySQL's (a backslash escapes the next character in every `'…'` literal).
 *
 * @example
 * nextToken("SELECT 'a'", 7, false) // [10, Kind.Literal]
 */
export function nextToken(sql: string, i: number, mysql: boolean): [end: number, kind: Kind] {
  const c = sql.charCodeAt(i);
  if (isSpace(c)) return [i + 1, Kind.Space];
  if (c === 45 && sql.charCodeAt(i + 1) === 45) {
    const newline = sql.indexOf('\n', i);
    return [newline === -1 ? sql.length : newline, Kind.Space];
  }
  if (c === 47 && sql.charCodeAt(i + 1) === 42) return [skipBlockComment(sql, i), Kind.Space];
  if (c === 39) return literal(sql, skipQuoted(sql, i, mysql));
  if (c === 36 && isDigit(sql.charCodeAt(i + 1))) {
    for (i++; isDigit(sql.charCodeAt(i)); i++);
    return [i, Kind.Text];
  }
  if (c === 36) {
    const end = skipDollarQuoted(sql, i);
    return end === -1 ? [i + 1, Kind.Text] : literal(sql, end);
  }
  if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) return [skipNumber(sql, i), Kind.Literal];
  if (isIdentStart(c)) {
    const prefix = literalPrefixLength(sql, i);
    if (prefix > 0) return literal(sql, skipQuoted(sql, i + prefix, mysql || (c | 32) === 101));
    for (i++; i < sql.length && isIdentPart(sql.charCodeAt(i)); i++);
    return [i, Kind.Text];
  }
  if (c === 34 || c === 96) return [skipQuotedName(sql, i, c), Kind.Text];
  return [i + 1, Kind.Text];
}

/** Index after a `"…"` (or MySQL `` `…` ``) quoted name at `i`; a doubled quote stays inside. */
function skipQuotedName(sql: string, i: number, quote: number): number {
  for (i++; i < sql.length; i++) {
    if (sql.charCodeAt(i) === quote) {
      if (sql.charCodeAt(i + 1) !== quote) return i + 1;
      i++;
    }
  }
  return sql.length;
}
