/**
 * @module canon/webhooks/node-http
 * What the node-based helpers (Express, Fastify) share: reading a request body as the
 * exact bytes received, up to a limit (larger bodies are refused with 413 without
 * buffering them), and answering a refusal.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { ErrorCodes } from '../core/errors.js';
import { WebhookVerificationError } from './errors.js';
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
  res.end(refusalBody(error));
}

/**
 * @internal Resolves to the whole body, or rejects with a 413 `BAD_PAYLOAD` refusal past `limit` bytes.
 *
 * @example
 * const raw = await readRawBody(req, 1024 * 1024);
 */
export function readRawBody(stream: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
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
        stream.resume(); // drain the rest without keeping it
        reject(
          new WebhookVerificationError(
            ErrorCodes.WEBHOOK_BAD_PAYLOAD,
            `the body is larger than ${limit} bytes`,
            413,
          ),
        );
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
