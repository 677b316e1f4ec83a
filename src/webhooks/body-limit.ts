/**
 * @module canon/webhooks/body-limit
 * The body limit every receiving helper applies, in any runtime: a declared
 * `content-length` over the limit is refused before a byte is read; otherwise reading
 * stops at the first chunk past the limit (a chunked body has no length to check first).
 * A refused request's connection is closed after the `413` instead of reading the rest.
 */
import { ErrorCodes } from '../core/errors.js';
import { WebhookVerificationError } from './errors.js';

/** The header a `413` goes out with: the unread rest of the body is never read. */
export const CLOSE_CONNECTION = { connection: 'close' } as const;

/**
 * @internal The `413 BAD_PAYLOAD` refusal of a body over `limit` bytes.
 *
 * @example
 * throw bodyTooLarge(1024 * 1024);
 */
export function bodyTooLarge(limit: number): WebhookVerificationError {
  return new WebhookVerificationError(
    ErrorCodes.WEBHOOK_BAD_PAYLOAD,
    `the body is larger than ${limit} bytes`,
    413,
  );
}

/**
 * @internal Throws {@link bodyTooLarge} when the declared `content-length` is over `limit`.
 *
 * @example
 * checkDeclaredLength(req.headers['content-length'], receiver.maxBodyBytes);
 */
export function checkDeclaredLength(contentLength: string | null | undefined, limit: number): void {
  if (contentLength != null && Number(contentLength) > limit) throw bodyTooLarge(limit);
}

/**
 * @internal Reads a web `ReadableStream` whole, or rejects with {@link bodyTooLarge} at the
 * first chunk past `limit`, leaving the rest unread (the stream is released, not
 * cancelled: cancelling it would tear the connection down before the `413` is sent).
 *
 * @example
 * const body = await readWebBody(request.body, 1024 * 1024);
 */
export async function readWebBody(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer> {
  if (stream === null) return Buffer.alloc(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks, size);
      size += value.byteLength;
      if (size > limit) throw bodyTooLarge(limit);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
}
