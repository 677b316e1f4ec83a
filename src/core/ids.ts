/**
 * @module canon/core/ids
 * Fast identifiers: W3C trace ids (16 random bytes), span ids (8 bytes) and UUIDv7
 * request/event ids. Random bytes come from a pooled `randomFillSync` buffer so an id
 * costs a few hundred nanoseconds, not a syscall. The ids of every request are written as
 * ASCII codes into {@link scratch} and made into one flat string by a single
 * `String.fromCharCode` call: `Buffer#toString` crosses into C++ for each id, and a
 * concatenated or sliced string makes Node 25+'s `JSON.stringify` leave its fast path
 * for the whole event (measured under callgrind: ~3.9k instructions per trace id on
 * Node 26 with `toString`, ~1.2k this way; level on Node 20).
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
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));
/** Where an id is assembled as ASCII codes. */
const scratch = new Uint8Array(36);
const fromCodes = String.fromCharCode;

/** The first 16 codes of {@link scratch} as a flat string. */
function scratch16(c: Uint8Array): string {
  return fromCodes(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15]);
}

/** The first 32 codes of {@link scratch} as a flat string. */
function scratch32(c: Uint8Array): string {
  return fromCodes(
    c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15],
    c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31],
  );
}

/** The 36 codes of {@link scratch} as a flat string (a UUID). */
function scratch36(c: Uint8Array): string {
  return fromCodes(
    c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15],
    c[16], c[17], c[18], c[19], c[20], c[21], c[22], c[23], c[24], c[25], c[26], c[27], c[28], c[29], c[30], c[31],
    c[32], c[33], c[34], c[35],
  );
}

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

/** Reserves `n` random bytes in the pool that are not all zero (W3C ids must not be); returns their offset. */
function takeNonZero(n: number): number {
  for (;;) {
    const at = take(n);
    for (let i = at; i < at + n; i++) if (pool[i] !== 0) return at;
  }
}

/**
 * A random lowercase hex string of `bytes` bytes that is never all zeros (W3C requires it).
 *
 * @example
 * randomHex(8) // 'a3f09c1e55d27b40'
 */
export function randomHex(bytes: number): string {
  const at = takeNonZero(bytes);
  return pool.toString('hex', at, at + bytes);
}

/** Writes `bytes` random bytes, not all zero, as hex digits at the start of {@link scratch}. */
function scratchRandomHex(bytes: number): void {
  const at = takeNonZero(bytes);
  for (let i = 0; i < bytes; i++) putHex(2 * i, pool[at + i]);
}

/** A new 32-hex-digit W3C trace id. @example newTraceId() // '4bf92f3577b34da6a3ce929d0e0e4736' */
export function newTraceId(): string {
  scratchRandomHex(16);
  return scratch32(scratch);
}

/** A new 16-hex-digit W3C span id. @example newSpanId() // '00f067aa0ba902b7' */
export function newSpanId(): string {
  scratchRandomHex(8);
  return scratch16(scratch);
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
  scratch[8] = scratch[13] = scratch[18] = scratch[23] = 0x2d; // '-'
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
  return scratch36(scratch);
}
