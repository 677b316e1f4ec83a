/**
 * @module canon/webhooks/node-http
 * What the node-based helpers (Express, Fastify) share: reading a request body as the
 * exact bytes received, up to a limit (larger bodies are refused with 413: reading stops
 * at the limit and the connection is closed after the answer), and answering a refusal.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { bodyTooLarge, CLOSE_CONNECTION, checkDeclaredLength } from './body-limit.js';
import type { WebhookVerificationError } from './errors.js';
import { refusalBody } from './receive.js';

/** @internal Content type of a refusal. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * @internal Answers `error.status` with `{ error: { code, message } }`.
 *
 * @example
 * sendRefusal(res, err);
 */
export function sendRefusal(res: ServerResponse, error: WebhookVerificationError): void {
  if (res.headersSent) return void res.end();
  res.statusCode = error.status;
  res.setHeader('content-type', JSON_CONTENT_TYPE);
  if (error.status === 413) res.setHeader('connection', CLOSE_CONNECTION.connection);
  res.end(refusalBody(error));
}

/**
 * @internal Resolves to the whole body, or rejects with a 413 `BAD_PAYLOAD` refusal when
 * `headers` declare more than `limit` bytes (before reading) or past `limit` bytes read
 * (the stream is paused there: the rest is never read).
 *
 * @example
 * const raw = await readRawBody(req, req.headers, 1024 * 1024);
 */
export function readRawBody(stream: Readable, headers: IncomingHttpHeaders, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    try {
      checkDeclaredLength(headers['content-length'], limit);
    } catch (err) {
      return reject(err);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    function cleanup(): void {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    }
    function onData(chunk: Buffer | string): void {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > limit) {
        cleanup();
        stream.pause(); // read no further: the 413 closes the connection
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(bytes);
    }
    function onEnd(): void {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    }
    function onError(err: Error): void {
      cleanup();
      reject(err);
    }
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
