/**
 * @module canon/http/response-size
 * Counts the body bytes a response sends by wrapping its own `write` and `end` (no
 * per-request closures: the originals are kept on the response under symbols).
 */
import type { ServerResponse } from 'node:http';

const kWrite = Symbol('canon.write');
const kEnd = Symbol('canon.end');
const kBytes = Symbol('canon.bytes');

type Counted = ServerResponse & {
  [kWrite]: ServerResponse['write'];
  [kEnd]: ServerResponse['end'];
  [kBytes]: number;
};

function byteLength(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') {
    return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  }
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

function countingWrite(this: Counted, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
  this[kBytes] += byteLength(chunk, encoding);
  return (this[kWrite] as (...args: unknown[]) => boolean)(chunk, encoding, callback);
}

function countingEnd(this: Counted, chunk?: unknown, encoding?: unknown, callback?: unknown): ServerResponse {
  if (typeof chunk !== 'function') this[kBytes] += byteLength(chunk, encoding);
  return (this[kEnd] as (...args: unknown[]) => ServerResponse)(chunk, encoding, callback);
}

/**
 * Starts counting the body bytes written to `res`.
 *
 * @example
 * countResponseBytes(res); res.end('hello'); bytesSent(res) // 5
 */
export function countResponseBytes(res: ServerResponse): void {
  const counted = res as Counted;
  counted[kBytes] = 0;
  counted[kWrite] = res.write;
  counted[kEnd] = res.end;
  res.write = countingWrite as ServerResponse['write'];
  res.end = countingEnd as ServerResponse['end'];
}

/** Body bytes written to `res` since {@link countResponseBytes}. */
export function bytesSent(res: ServerResponse): number {
  return (res as Counted)[kBytes] ?? 0;
}
