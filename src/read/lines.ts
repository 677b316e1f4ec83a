/**
 * @module canon/read/lines
 * Splits a byte stream into lines (`\n` or `\r\n`), decoding UTF-8 across chunk
 * boundaries. The last line is handed on even without a trailing newline.
 */
import { StringDecoder } from 'node:string_decoder';

/**
 * Yields the lines of `chunks`, in arrays (one per chunk) so callers loop without an
 * `await` per line.
 *
 * @example
 * for await (const batch of lineBatches(createReadStream('events.jsonl'))) for (const line of batch) ...
 */
export async function* lineBatches(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    if (lines.length > 0) yield lines.map(stripCr);
  }
  rest += decoder.end();
  if (rest.length > 0) yield [stripCr(rest)];
}

/** Drops the `\r` of a `\r\n` line ending. */
export function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}
