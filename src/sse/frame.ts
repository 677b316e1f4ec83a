/**
 * @module canon/sse/frame
 * Encoded bytes shared by every client that receives them: the event as text/event-
 * stream bytes, and, built on first use, the same bytes as one HTTP/1.1 chunk. Fan-out
 * to N clients then costs N socket writes of one buffer, with no per-client encoding.
 */

const CRLF = Buffer.from('\r\n');

/** @internal */
export class Frame {
  private chunk: Buffer | undefined;

  constructor(readonly bytes: Buffer) {}

  /**
   * A frame from text.
   *
   * @example
   * Frame.of(': ping\n\n').bytes.length // 8
   */
  static of(text: string): Frame {
    return new Frame(Buffer.from(text));
  }

  /** The bytes framed as one chunk of `Transfer-Encoding: chunked`. */
  get chunked(): Buffer {
    this.chunk ??= Buffer.concat([Buffer.from(`${this.bytes.length.toString(16)}\r\n`), this.bytes, CRLF]);
    return this.chunk;
  }
}
