/**
 * @module canon/read/lines
 * Splits a byte stream into lines at `\n`. Newlines are found in the bytes and each line
 * is decoded on its own (a multi-byte character split across chunks is rejoined first),
 * which costs less than decoding whole chunks and splitting the strings: this loop is
 * most of what `canon pretty` does besides JSON.parse. The last line is handed on even
 * without a trailing newline; a `\r` of a `\r\n` ending is left on the line (JSON.parse
 * reads it as whitespace).
 */

/**
 * Yields the lines of `chunks`, in arrays (one per chunk) so callers loop without an
 * `await` per line.
 *
 * @example
 * for await (const batch of lineBatches(createReadStream('events.jsonl'))) for (const line of batch) ...
 */
export async function* lineBatches(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  let rest: Buffer | undefined;
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let newline = chunk.indexOf(10);
    if (newline === -1) {
      rest = rest ? Buffer.concat([rest, chunk]) : chunk;
      continue;
    }
    const lines: string[] = [];
    let start = 0;
    if (rest) {
      lines.push(Buffer.concat([rest, chunk.subarray(0, newline)]).toString('utf8'));
      rest = undefined;
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    while (newline !== -1) {
      lines.push(chunk.toString('utf8', start, newline));
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) rest = chunk.subarray(start);
    if (lines.length > 0) yield lines;
  }
  if (rest && rest.length > 0) yield [rest.toString('utf8')];
}
