/**
 * @module canon/read/query/scan
 * Counts the lines of a byte stream that are not JSON objects, by shape: a line whose
 * first and last non-blank characters are not `{` and `}` (plain text, arrays, a line cut
 * short by a crash or a rotation). It runs beside DuckDB, which reads the same file
 * itself, so `canon query` can say how many lines it skipped without parsing them twice.
 */

const OPEN = 123; // {
const CLOSE = 125; // }

function blank(byte: number): boolean {
  return byte === 32 || byte === 9 || byte === 13 || byte === 11 || byte === 12;
}

/**
 * Counts non-blank and bad lines in `chunks`.
 *
 * @example
 * const { lines, bad } = await countBadLines(createReadStream('events.jsonl'));
 */
export async function countBadLines(chunks: AsyncIterable<Buffer>): Promise<{ lines: number; bad: number }> {
  let lines = 0;
  let bad = 0;
  let first = -1; // first non-blank byte of the current line, -1 while none
  let last = -1; // last non-blank byte seen on the current line
  for await (const chunk of chunks) {
    let pos = 0;
    for (;;) {
      const newline = chunk.indexOf(10, pos);
      const end = newline === -1 ? chunk.length : newline;
      if (first === -1) {
        let k = pos;
        while (k < end && blank(chunk[k])) k++;
        if (k < end) first = chunk[k];
      }
      let k = end - 1;
      while (k >= pos && blank(chunk[k])) k--;
      if (k >= pos) last = chunk[k];
      if (newline === -1) break;
      if (first !== -1) {
        lines++;
        if (first !== OPEN || last !== CLOSE) bad++;
      }
      first = -1;
      last = -1;
      pos = newline + 1;
    }
  }
  if (first !== -1) {
    lines++;
    if (first !== OPEN || last !== CLOSE) bad++;
  }
  return { lines, bad };
}
