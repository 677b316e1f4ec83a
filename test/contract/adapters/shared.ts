/** Route bodies shared by the contract apps, so every adapter does the same work. */
import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { type ExportedContext, exportContext, getWideEvent } from '../../../src/index.js';
import { getTenant } from '../../../src/tenant/index.js';
import { sleep } from '../../helpers/wait.js';

/** Awaits, then enriches through the context (not through the request object). */
export async function usersDeepEnrich(id: string): Promise<void> {
  await sleep(1);
  await Promise.resolve().then(() => getWideEvent()?.enrich({ user: { id } }));
  setImmediate(() => {}); // unrelated async work must not disturb the context
  getWideEvent()?.set('deep.value', 1);
}

export function thrown(): Error {
  return new Error('thrown', { cause: new TypeError('root cause') });
}

/** The error `GET /next-error` hands to the framework's error handling. */
export function passed(): Error {
  return Object.assign(new Error('passed'), { code: 'E_PASSED' });
}

/** What the app's own error handler answers: 502 `{ handled: true }` for `passed()`. */
export function handled(err: unknown): { status: number; body: object } {
  return (err as Error)?.message === 'passed'
    ? { status: 502, body: { handled: true } }
    : { status: 500, body: {} };
}

/** Three 1,000-byte chunks with pauses (a chunked response). */
export async function* chunks(): AsyncGenerator<string> {
  for (let i = 0; i < 3; i++) {
    yield 'a'.repeat(1000);
    await sleep(5);
  }
}

/** One chunk, then a long wait (clients abort it); the timer never holds the process. */
export async function* slowChunks(): AsyncGenerator<string> {
  yield 'x';
  await delay(5_000, undefined, { ref: false });
  yield 'done';
}

/** {@link chunks} written to a node:http response. */
export async function stream(res: ServerResponse): Promise<void> {
  res.setHeader('content-type', 'text/plain');
  for await (const chunk of chunks()) res.write(chunk);
  res.end();
}

/** One chunk, then a long wait; the timer is cleared when the client leaves. */
export function slow(res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain');
  res.write('x');
  const timer = setTimeout(() => res.end('done'), 5_000);
  res.on('close', () => clearTimeout(timer));
}

/** Enriches before and after random pauses; concurrent requests interleave here. */
export async function echo(n: number): Promise<number> {
  getWideEvent()?.set('echo.n', n);
  await sleep(Math.random() * 5);
  await sleep(Math.random() * 5);
  getWideEvent()?.enrich({ echo: { after: n } });
  return n;
}

/** `GET /context`: the trace context calls made here would carry (`exportContext()`), after a pause. */
export async function contextEcho(): Promise<{ context: ExportedContext | null }> {
  await sleep(1);
  return { context: exportContext() ?? null };
}

/** `GET /tenant`: the tenant `getTenant()` sees after random pauses. */
export async function tenantEcho(): Promise<{ tenant: string | null }> {
  await sleep(Math.random() * 5);
  await Promise.resolve();
  return { tenant: getTenant() ?? null };
}

/** `POST /body`: after the JSON body was read, enrich through the context, body included. */
export async function afterBody(body: unknown): Promise<{ n: unknown; request_id: string | null }> {
  const n = (body as { n?: unknown })?.n;
  await sleep(1);
  getWideEvent()?.set('body.n', n);
  getWideEvent()?.enrich({ order: body });
  return { n, request_id: getWideEvent()?.request_id ?? null };
}

/** Reads a whole node:http request body as JSON (for apps without a body parser). */
export async function readJson(req: AsyncIterable<Buffer>): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part);
  return JSON.parse(Buffer.concat(parts).toString());
}

/** An async generator of strings as a web ReadableStream (Hono responses). */
export function webStream(source: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await source.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    cancel() {
      void source.return(undefined); // runs once the pending step settles
    },
  });
}
