/**
 * @module canon/tracking/db/normalize
 * Statement text safe to put on an event: literals become `?`, comments go, whitespace
 * collapses, and the result is cut to a fixed length. One pass, no regular expressions:
 * it only runs for slow queries, but it must never be the slow part.
 */

/** Longest statement kept on an event, in characters. */
export const MAX_STATEMENT_LENGTH = 1000;

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

/** Index after a `'…'` literal starting at `i` (`''` doubles a quote; `\` escapes in E'…'). */
function skipQuoted(sql: string, i: number, backslashEscapes: boolean): number {
  for (i++; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === 92) i++;
    else if (c === 39) {
      if (sql.charCodeAt(i + 1) !== 39) return i + 1;
      i++;
    }
  }
  return sql.length;
}

/** Index after a `$tag$…$tag$` literal at `i`, or -1 when `i` does not start one. */
function skipDollarQuoted(sql: string, i: number): number {
  let end = i + 1;
  while (end < sql.length && isIdentPart(sql.charCodeAt(end)) && sql.charCodeAt(end) !== 36) end++;
  if (sql.charCodeAt(end) !== 36) return -1;
  const tag = sql.slice(i, end + 1);
  const close = sql.indexOf(tag, end + 1);
  return close === -1 ? sql.length : close + tag.length;
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

/**
 * Normalizes SQL for an event: string, number and dollar-quoted literals become `?`,
 * comments are removed, runs of whitespace become one space, identifiers and `$1`
 * placeholders are kept, and the result is cut to {@link MAX_STATEMENT_LENGTH} characters.
 *
 * @example
 * normalizeStatement("SELECT *\n  FROM users WHERE email = 'ada@example.com' AND age > 30")
 * // "SELECT * FROM users WHERE email = ? AND age > ?"
 */
export function normalizeStatement(sql: string, maxLength = MAX_STATEMENT_LENGTH): string {
  let out = '';
  let space = false;
  let i = 0;
  while (i < sql.length && out.length <= maxLength) {
    const c = sql.charCodeAt(i);
    let token: string;
    if (isSpace(c)) {
      space = true;
      i++;
      continue;
    } else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline;
      space = true;
      continue;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      i = skipBlockComment(sql, i);
      space = true;
      continue;
    } else if (c === 39) {
      i = skipQuoted(sql, i, false);
      token = '?';
    } else if (c === 36 && isDigit(sql.charCodeAt(i + 1))) {
      const start = i;
      for (i++; isDigit(sql.charCodeAt(i)); i++);
      token = sql.slice(start, i);
    } else if (c === 36) {
      const end = skipDollarQuoted(sql, i);
      token = end === -1 ? '$' : '?';
      i = end === -1 ? i + 1 : end;
    } else if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      i = skipNumber(sql, i);
      token = '?';
    } else if (isIdentStart(c) && literalPrefixLength(sql, i) > 0) {
      const prefix = literalPrefixLength(sql, i);
      i = skipQuoted(sql, i + prefix, (c | 32) === 101);
      token = '?';
    } else if (isIdentStart(c)) {
      const start = i;
      for (i++; i < sql.length && isIdentPart(sql.charCodeAt(i)); i++);
      token = sql.slice(start, i);
    } else if (c === 34) {
      const start = i;
      for (i++; i < sql.length; i++) {
        if (sql.charCodeAt(i) === 34) {
          if (sql.charCodeAt(i + 1) !== 34) break;
          i++;
        }
      }
      i++;
      token = sql.slice(start, i);
    } else {
      token = sql[i];
      i++;
    }
    if (space && out.length > 0) out += ' ';
    space = false;
    out += token;
  }
  return out.length > maxLength ? out.slice(0, maxLength) : out;
}
