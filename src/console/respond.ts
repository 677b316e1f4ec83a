/**
 * @module canon/console/respond
 * The few HTTP helpers the console's API needs: JSON answers and small JSON bodies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the API reads (a SQL text, a redrive filter). */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Answers `value` as JSON, uncached.
 *
 * @example
 * sendJson(res, 200, { ok: true });
 */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** An error the API answers with its status and message (never a stack). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Reads a JSON object body (an already parsed `req.body`, as Express' json parser leaves
 * it, is used as is).
 *
 * @example
 * const { sql } = await readJson(req);
 */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const parsed = (req as { body?: unknown }).body;
  if (parsed !== null && typeof parsed === 'object' && !Buffer.isBuffer(parsed))
    return parsed as Record<string, unknown>;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `the request body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'the request body is not JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ApiError(400, 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}
