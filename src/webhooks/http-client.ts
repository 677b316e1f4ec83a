/**
 * @module canon/webhooks/http-client
 * The HTTP client of deliveries: undici (an optional peer dependency, loaded when the
 * delivery worker starts) with a keep-alive connection pool, no redirects followed, a
 * timeout over the whole attempt, the SSRF guard's lookup pinned into every connection,
 * and only the start of each response kept (status, a few headers, the first 1 KB).
 */
import { CanonError, ErrorCodes } from '../core/errors.js';
import { guardedLookup } from './guarded-lookup.js';

/** What is kept of a response. */
export interface PostResult {
  status: number;
  /** The headers of {@link KEPT_HEADERS} the response had. */
  headers: Record<string, string>;
  /** The first 1 KB of the body, as text. */
  body: string;
}

export interface HttpClient {
  post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<PostResult>;
  close(): Promise<void>;
}

export const KEPT_HEADERS = [
  'content-type',
  'content-length',
  'retry-after',
  'location',
  'x-request-id',
  'server',
];
const BODY_KEPT_BYTES = 1024;
/** A response body is read this far (so the connection can be reused), then dropped. */
const BODY_READ_BYTES = 64 * 1024;

async function bodyStart(stream: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let read = 0;
  for await (const chunk of stream) {
    if (keptBytes < BODY_KEPT_BYTES) {
      const part = chunk.subarray(0, BODY_KEPT_BYTES - keptBytes);
      kept.push(part);
      keptBytes += part.length;
    }
    read += chunk.length;
    if (read >= BODY_READ_BYTES) break; // leaving the loop destroys the stream
  }
  return Buffer.concat(kept).toString('utf8');
}

function keptHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = headers[name];
    if (value !== undefined) kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/**
 * Loads undici and creates a client (the SSRF guard's lookup unless `allowPrivateNetworks`).
 *
 * @example
 * const client = await createHttpClient(false);
 * const { status } = await client.post(new URL('https://example.com/hook'), headers, body, 15_000);
 */
export async function createHttpClient(allowPrivateNetworks: boolean): Promise<HttpClient> {
  let undici: typeof import('undici');
  try {
    undici = await import('undici');
  } catch (err) {
    throw new CanonError(
      ErrorCodes.INVALID_OPTION,
      'canon: the webhook delivery worker sends with undici, an optional peer dependency: npm install undici',
      undefined,
      { cause: err },
    );
  }
  const agent = new undici.Agent({
    connect: allowPrivateNetworks ? {} : { lookup: guardedLookup },
    keepAliveTimeout: 4_000,
  });
  return {
    async post(url, headers, body, timeoutMs) {
      const response = await undici.request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: agent,
        signal: AbortSignal.timeout(timeoutMs),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      return {
        status: response.statusCode,
        headers: keptHeaders(response.headers),
        body: await bodyStart(response.body),
      };
    },
    close: () => agent.close(),
  };
}
