/**
 * @module canon/sinks/fd-write
 * The two ways the line sink writes to a descriptor. Outside exit it never waits: a full
 * non-blocking pipe answers EAGAIN at once and what is left is kept for a later try.
 * At exit there is no later, so a full pipe is waited for, a millisecond at a time, up
 * to a deadline.
 */
import { writeSync } from 'node:fs';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** True for the error of a write the reader is not ready for (a full non-blocking pipe). */
export function readerBehind(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EBUSY';
}

/**
 * Writes from `data` until it is all written, the reader is behind (EAGAIN), or `limit`
 * bytes went out in this call (so one call never holds the loop long, however fast the
 * reader drains). Returns the bytes written; other errors (EPIPE, EBADF) are thrown.
 *
 * @example
 * const written = writeAvailable(1, Buffer.from('{"a":1}\n'), 1 << 20);
 */
export function writeAvailable(fd: number, data: Uint8Array, limit: number): number {
  let offset = 0;
  while (offset < data.length && offset < limit) {
    try {
      offset += writeSync(fd, data, offset, Math.min(data.length - offset, limit - offset));
    } catch (err) {
      if (readerBehind(err)) break;
      throw err;
    }
  }
  return offset;
}

/**
 * Writes all of `data`, waiting a millisecond each time the reader is behind, until
 * `deadline` (a `Date.now()` value). Returns the bytes written; for exit only.
 *
 * @example
 * writeUntil(1, Buffer.from(pending), Date.now() + 10_000);
 */
export function writeUntil(fd: number, data: Uint8Array, deadline: number): number {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset);
    } catch (err) {
      if (!readerBehind(err) || Date.now() >= deadline) throw err;
      Atomics.wait(sleeper, 0, 0, 1); // the reader is behind: give it a millisecond
    }
  }
  return offset;
}
