/**
 * @module canon/cli/table
 * Query results as text: an aligned table (numbers right-aligned, long cells cut), CSV
 * (RFC 4180 quoting) or JSON lines (one object per row).
 */

const MAX_CELL = 60;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Math.round(value * 1000) / 1000);
  return String(value);
}

/**
 * An aligned table with a header row and a rule (no trailing newline). Cells are cut at
 * 60 characters, except in the last column (an error message reads best whole).
 *
 * @example
 * renderTable(['route', 'count'], [{ route: '/a', count: 3 }])
 * // 'route  count\n─────  ─────\n/a         3'
 */
export function renderTable(columns: string[], rows: Record<string, unknown>[]): string {
  const last = columns.length - 1;
  const cells = rows.map((row) => columns.map((column, i) => (i === last ? flat(cellText(row[column])) : cut(cellText(row[column])))));
  const numeric = columns.map((column) => rows.length > 0 && rows.every((row) => row[column] === null || typeof row[column] === 'number'));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => (numeric[i] ? value.padStart(widths[i]) : value.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((width) => '─'.repeat(width)).join('  '), ...cells.map(line)].join('\n');
}

function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function cut(text: string): string {
  const line = flat(text);
  return line.length <= MAX_CELL ? line : `${line.slice(0, MAX_CELL - 1)}…`;
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV with a header row, one line per row, `\n` line ends.
 *
 * @example
 * renderCsv(['a'], [{ a: 'x,y' }]) // 'a\n"x,y"\n'
 */
export function renderCsv(columns: string[], rows: Record<string, unknown>[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(row[column])).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * One JSON object per row, one per line.
 *
 * @example
 * renderJsonLines([{ a: 1 }]) // '{"a":1}\n'
 */
export function renderJsonLines(rows: Record<string, unknown>[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}
