/**
 * @module canon/sse/pg-chunks
 * NOTIFY payloads must stay under 8 000 bytes. Larger messages are split into chunks
 * sent as several notifications of one transaction, and joined again on receipt.
 */

/** UTF-16 units per chunk: at most 3 bytes each in UTF-8, so a chunk stays under 6 000 bytes. */
const CHUNK_UNITS = 2_000;

/**
 * @internal
 * Splits `payload` into NOTIFY-sized pieces, never inside a surrogate pair.
 *
 * @example
 * splitPayload('x'.repeat(4_500)).length // 3
 */
export function splitPayload(payload: string): string[] {
  if (payload.length <= CHUNK_UNITS) return [payload];
  const chunks: string[] = [];
  for (let start = 0; start < payload.length; ) {
    let end = Math.min(start + CHUNK_UNITS, payload.length);
    const last = payload.charCodeAt(end - 1);
    if (end < payload.length && last >= 0xd800 && last <= 0xdbff) end--;
    chunks.push(payload.slice(start, end));
    start = end;
  }
  return chunks;
}

/** @internal Joins chunks of `<seq>:<index>:<count>:<text>` notifications by sequence. */
export class ChunkJoiner {
  private readonly partial = new Map<number, string[]>();

  /**
   * Adds one notification; returns `[seq, payload]` once the message is complete.
   *
   * @example
   * joiner.add('42:1:1:{"d":"hi"}') // [42, '{"d":"hi"}']
   */
  add(notification: string): [number, string] | undefined {
    const a = notification.indexOf(':');
    const b = notification.indexOf(':', a + 1);
    const c = notification.indexOf(':', b + 1);
    if (a < 1 || b < 0 || c < 0) return undefined;
    const seq = Number(notification.slice(0, a));
    const index = Number(notification.slice(a + 1, b)) - 1;
    const count = Number(notification.slice(b + 1, c));
    const text = notification.slice(c + 1);
    if (!Number.isSafeInteger(seq) || !(index >= 0 && index < count)) return undefined;
    if (count === 1) return [seq, text];
    let parts = this.partial.get(seq);
    if (parts === undefined) this.partial.set(seq, (parts = new Array(count)));
    parts[index] = text;
    for (let i = 0; i < count; i++) if (parts[i] === undefined) return undefined;
    this.partial.delete(seq);
    return [seq, parts.join('')];
  }

  /** Forgets partial messages (after a reconnect their other chunks are gone). */
  clear(): void {
    this.partial.clear();
  }
}
