/**
 * @module canon/tracking/db/normalize
 * Statement text safe to put on an event: literals become `?`, comments go, whitespace
 * collapses, and the result is cut to a fixed length. No regular expressions: it only
 * runs for slow queries, but it must never be the slow part.
 *
 * The dialect is not known here, and a backslash inside `'…'` means two things: a plain
 * character in PostgreSQL (`'C:\'` ends there), an escape in MySQL (`'it\'s'` goes on).
 * A statement with a backslash is read both ways. When one reading leaves a literal open
 * at the end (a syntax error in that dialect) the other one is used; when both are
 * plausible, whatever is literal text in either reading is masked. Neither dialect's
 * literal can leak.
 */
import { Kind, nextToken } from './sql-tokens.js';

/** Longest statement kept on an event, in characters. */
export const MAX_STATEMENT_LENGTH = 1000;

/** The literals of one reading of a statement: `[start, end)` pairs in order, and whether one never closes. */
interface Reading {
  ranges: number[];
  open: boolean;
}

function read(sql: string, mysql: boolean): Reading {
  const ranges: number[] = [];
  let open = false;
  for (let i = 0; i < sql.length; ) {
    const [end, kind] = nextToken(sql, i, mysql);
    if (kind === Kind.Literal || kind === Kind.Unterminated) ranges.push(i, end);
    if (kind === Kind.Unterminated) open = true;
    i = end;
  }
  return { ranges, open };
}

/**
 * Writes the tokens of `sql` read with `mysql`'s rules; a run of tokens inside one of the
 * `masked` ranges (literals of the other reading) becomes one `?`.
 */
function render(sql: string, mysql: boolean, masked: number[], maxLength: number): string {
  let range = 0; // the first masked range not wholly before the current token
  let lastRange = -1; // the masked range the last `?` stands for
  let out = '';
  let space = false;
  for (let i = 0; i < sql.length && out.length <= maxLength; ) {
    const [end, kind] = nextToken(sql, i, mysql);
    const start = i;
    i = end;
    if (kind === Kind.Space) {
      space = true;
      continue;
    }
    while (range < masked.length && masked[range + 1] <= start) range += 2;
    const inMasked = range < masked.length && masked[range] < end;
    if (inMasked && lastRange === range) continue; // already shown as `?`
    lastRange = inMasked ? range : -1;
    if (space && out.length > 0) out += ' ';
    space = false;
    out += kind === Kind.Text && !inMasked ? sql.slice(start, end) : '?';
  }
  return out.length > maxLength ? out.slice(0, maxLength) : out;
}

/**
 * Normalizes SQL for an event: string, number and dollar-quoted literals become `?`,
 * comments are removed, runs of whitespace become one space, identifiers and `$1`
 * placeholders are kept, and the result is cut to {@link MAX_STATEMENT_LENGTH} characters.
 * String literals are recognised in PostgreSQL's syntax (`''`, `E'\''`, `$tag$…$tag$`) and
 * in MySQL's (`'it\'s'`).
 *
 * @example
 * normalizeStatement("SELECT *\n  FROM users WHERE email = 'ada@example.com' AND age > 30")
 * // "SELECT * FROM users WHERE email = ? AND age > ?"
 */
export function normalizeStatement(sql: string, maxLength = MAX_STATEMENT_LENGTH): string {
  if (!sql.includes('\\')) return render(sql, false, [], maxLength);
  const postgres = read(sql, false);
  const mysql = read(sql, true);
  if (mysql.open && !postgres.open) return render(sql, false, [], maxLength);
  if (postgres.open && !mysql.open) return render(sql, true, [], maxLength);
  return render(sql, false, mysql.ranges, maxLength);
}
