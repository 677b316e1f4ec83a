/**
 * @module canon/browser-ingest/body
 * Reading a request body up to a limit. A declared `content-length` over the limit is
 * refused before a byte is read; otherwise reading stops at the first chunk past the
 * limit (a chunked body declares no length) and the stream is paused there: the rest is
 * never read, the `413` goes out with `connection: close`.
 */
import type { IncomingMessage } from 'node:http';

/** @internal What the body turned out to be. */
export type BodyResult =
  | { kind: 'text'; text: string }
  /** An earlier body parser already read it (`express.json()`): its value. */
  | { kind: 'parsed'; value: unknown }
  | { kind: 'too_large' }
  /** The client went away before the end. */
  | { kind: 'gone' };

/** A body an earlier parser read, held to the same limit. */
function readEarlier(body: unknown, limit: number): BodyResult {
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (Buffer.isBuffer(body)) text = body.toString('utf8');
  let size: number;
  try {
    size = Buffer.byteLength(text ?? JSON.stringify(body) ?? '');
  } catch {
    return { kind: 'parsed', value: undefined }; // not JSON-encodable: malformed
  }
  if (size > limit) return { kind: 'too_large' };
  return text === undefined ? { kind: 'parsed', value: body } : { kind: 'text', text };
}

/**
 * @internal Reads `req`'s body as UTF-8 text, at most `limit` bytes.
 *
 * @example
 * const body = await readBody(req, 64 * 1024);
 * if (body.kind === 'too_large') return refuse(res, 413);
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const earlier = (req as { body?: unknown }).body;
  if (earlier !== undefined && req.readableEnded) return Promise.resolve(readEarlier(earlier, limit));
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.resolve({ kind: 'too_large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    function finish(result: BodyResult): void {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('aborted', onGone);
      resolve(result);
    }
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > limit) {
        req.pause(); // read no further
        finish({ kind: 'too_large' });
      } else chunks.push(chunk);
    }
    function onEnd(): void {
      finish({ kind: 'text', text: Buffer.concat(chunks, size).toString('utf8') });
    }
    function onGone(): void {
      finish({ kind: 'gone' });
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('aborted', onGone);
  });
}
