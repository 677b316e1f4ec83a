/**
 * @module canon/sinks/otlp/transport
 * One OTLP/HTTP POST over node:http(s) — not `fetch`, so exports never go through an
 * app's fetch tracking or undici interceptors — and what to do with its answer: done,
 * retry (429, 5xx, network errors, timeouts; honouring `Retry-After`), or give up.
 */
import http from 'node:http';
import https from 'node:https';

export type PostResult =
  | { ok: true }
  | { ok: false; retryable: boolean; retryAfterMs?: number; error: Error };

export interface PostTarget {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
}

function retryAfterMs(header: string | string[] | undefined): number | undefined {
  if (typeof header !== 'string') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * POSTs `body` to the target; never rejects.
 *
 * @example
 * const result = await post({ url, headers, timeoutMs: 10_000 }, payload, 'gzip');
 */
export function post(target: PostTarget, body: Buffer, encoding?: 'gzip'): Promise<PostResult> {
  const headers: Record<string, string> = {
    ...target.headers,
    'content-type': 'application/json',
    'content-length': String(body.length),
  };
  if (encoding) headers['content-encoding'] = encoding;
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      target.url,
      { method: 'POST', headers, timeout: target.timeoutMs },
      (res) => {
        res.resume(); // the body (partial success details) is not needed
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ ok: true });
          resolve({
            ok: false,
            retryable: status === 429 || status >= 500,
            retryAfterMs: retryAfterMs(res.headers['retry-after']),
            error: new Error(`OTLP endpoint answered ${status}`),
          });
        });
        res.on('error', (error) => resolve({ ok: false, retryable: true, error }));
      },
    );
    request.on('timeout', () =>
      request.destroy(new Error(`OTLP request timed out after ${target.timeoutMs} ms`)),
    );
    request.on('error', (error) => resolve({ ok: false, retryable: true, error }));
    request.end(body);
  });
}
