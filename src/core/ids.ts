/**
 * @module canon/core/ids
 * Fast identifiers: W3C trace ids (16 random bytes), span ids (8 bytes) and UUIDv7
 * request/event ids. Random bytes come from a pooled `randomFillSync` buffer so an id
 * costs a few hundred nanoseconds, not a syscall.
 */
import { randomFillSync } from 'node:crypto';

/** A W3C trace id: 32 lowercase hex digits, not all zeros. */
export const TRACE_ID_PATTERN = /^(?!0{32})[0-9a-f]{32}$/;
/** A W3C span (parent) id: 16 lowercase hex digits, not all zeros. */
export const SPAN_ID_PATTERN = /^(?!0{16})[0-9a-f]{16}$/;
/** W3C trace flags: 2 lowercase hex digits. */
export const TRACE_FLAGS_PATTERN = /^[0-9a-f]{2}$/;
/** The trace flags of a trace nobody said otherwise about: sampled. */
export const SAMPLED_FLAGS = '01';
/** Trace flags with the `sampled` bit unset. */
export const UNSAMPLED_FLAGS = '00';

/**
 * The trace flags Canon sends in a version-00 `traceparent`: the `sampled` bit of
 * `flags` (2 hex digits) and nothing else — W3C Trace Context Level 1 defines no other
 * bit and requires vendors to send them as zero.
 *
 * @example
 * levelOneFlags('ff') // '01'
 * levelOneFlags('02') // '00'
 */
export function levelOneFlags(flags: string): string {
  if (flags === SAMPLED_FLAGS || flags === UNSAMPLED_FLAGS) return flags;
  return (Number.parseInt(flags, 16) & 1) === 1 ? SAMPLED_FLAGS : UNSAMPLED_FLAGS;
}

const POOL_SIZE = 8192;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** ASCII codes of the hex digits, for ids written byte by byte into {@link scratch}. */
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where a UUIDv7 is assembled as ASCII: one flat string per id, no concatenation. */
const scratch = Buffer.alloc(36, 0x2d); // '-' at 8, 13, 18 and 23 stays

/** Reserves `n` random bytes in the pool and returns their offset. */
function take(n: number): number {
  if (poolOffset + n > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += n;
  return at;
}

/** Writes `byte` as two hex digits at `offset` of the scratch buffer. */
function putHex(offset: number, byte: number): void {
  scratch[offset] = HEX_DIGITS[byte >>> 4];
  scratch[offset + 1] = HEX_DIGITS[byte & 0xf];
}

/**
 * A random lowercase hex string of `bytes` bytes that is never all zeros (W3C requires it).
 *
 * @example
 * randomHex(8) // 'a3f09c1e55d27b40'
 */
export function randomHex(bytes: number): string {
  for (;;) {
    const at = take(bytes);
    let nonZero = false;
    for (let i = at; i < at + bytes; i++) if (pool[i] !== 0) nonZero = true;
    if (nonZero) return pool.toString('hex', at, at + bytes);
  }
}

/** A new 32-hex-digit W3C trace id. @example newTraceId() // '4bf92f3577b34da6a3ce929d0e0e4736' */
export function newTraceId(): string {
  return randomHex(16);
}

/** A new 16-hex-digit W3C span id. @example newSpanId() // '00f067aa0ba902b7' */
export function newSpanId(): string {
  return randomHex(8);
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit sequence that keeps ids
 * made in the same millisecond increasing, then random bits. Ids sort by creation time.
 *
 * @example
 * uuidv7() // '019a8f3c-7b2e-7a01-9c3d-5e8f0a1b2c3d'
 */
export function uuidv7(): string {
  let ms = Date.now();
  const at = take(9);
  if (ms > lastMs) {
    lastMs = ms;
    sequence = pool[at]; // a random start below 256 leaves the 12-bit counter room to grow
  } else {
    ms = lastMs;
    if (++sequence > 0xfff) {
      lastMs = ++ms;
      sequence = 0;
    }
  }
  const high = Math.floor(ms / 0x1_0000_0000); // top 16 bits of the 48-bit time
  const low = ms >>> 0;
  putHex(0, (high >>> 8) & 0xff);
  putHex(2, high & 0xff);
  putHex(4, low >>> 24);
  putHex(6, (low >>> 16) & 0xff);
  putHex(9, (low >>> 8) & 0xff);
  putHex(11, low & 0xff);
  putHex(14, 0x70 | (sequence >>> 8));
  putHex(16, sequence & 0xff);
  putHex(19, 0x80 | (pool[at + 1] & 0x3f));
  putHex(21, pool[at + 2]);
  for (let i = 0; i < 6; i++) putHex(24 + 2 * i, pool[at + 3 + i]);
  return scratch.toString('latin1', 0, 36);
}
