/**
 * @module canon/read/lines
 * Splits a byte stream into lines at `\n`, decoding UTF-8 across chunk boundaries. The
 * last line is handed on even without a trailing newline. A `\r` of a `\r\n` ending is
 * left on the line: JSON.parse reads it as whitespace, and skipping a copy of every line
 * is what keeps `canon pretty` fast.
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
    if (lines.length > 0) yield lines;
  }
  rest += decoder.end();
  if (rest.length > 0) yield [rest];
}
