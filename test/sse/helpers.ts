/** SSE test helpers: a node:http server around a hub, a raw HTTP SSE client, and EventSource collection. */
import http from 'node:http';
import { EventSource } from 'eventsource';
import { afterEach } from 'vitest';
import { createSseHub, type SseConnectOptions, type SseHub } from '../../src/sse/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

export interface ParsedEvent {
  id?: string;
  event?: string;
  data: string;
}

/** Serves `hub.connect` at every path; `?channels=a,b&user=u&last=id` pick the subscription. */
export async function serveHub(
  hub: Pick<SseHub<any>, 'connect'>,
  extra: Partial<SseConnectOptions> = {},
): Promise<{ url: string; close: () => Promise<void>; server: http.Server }> {
  const server = http.createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    const channels = (query.get('channels') ?? '').split(',').filter(Boolean);
    hub.connect(req, res, { channels, userId: query.get('user') ?? undefined, ...extra });
  });
  return { ...(await listen(server)), server };
}

/**
 * Registers an `afterEach` that runs the file's cleanups (last registered first), and
 * returns them with `setup(options)`: a hub served over node:http, both closed after the test.
 */
export function hubFixture() {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function setup(options: Parameters<typeof createSseHub>[0] = {}) {
    const hub = createSseHub(options) as SseHub;
    const server = await serveHub(hub);
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    return { hub, url: server.url };
  }
  return { cleanups, setup };
}

/**
 * Two hubs joined by a backplane: serves `b`, waits until both joined, and connects one
 * raw client to `b` on `channel`; resolves to `b`'s URL and the client. Server, hubs and client are closed through `cleanups`.
 */
export async function joinedPairWithClient(
  a: SseHub<any>,
  b: SseHub<any>,
  channel: string,
  cleanups: (() => unknown)[],
): Promise<{ url: string; client: RawClient }> {
  const server = await serveHub(b);
  cleanups.push(
    () => server.close(),
    () => b.close(),
    () => a.close(),
  );
  await Promise.all([a.ready(), b.ready()]);
  const client = rawClient(`${server.url}/?channels=${channel}`);
  cleanups.push(() => client.close());
  await client.response;
  await waitFor(() => b.stats().clients === 1);
  return { url: server.url, client };
}

/**
 * Minimal spec-following stream parser (fields, multi-line data, comments), used by the
 * raw client to see exactly what went over the wire.
 */
export function parseStream(text: string): { events: ParsedEvent[]; comments: string[]; retry?: number } {
  const events: ParsedEvent[] = [];
  const comments: string[] = [];
  let retry: number | undefined;
  for (const block of text.split('\n\n').slice(0, -1)) {
    const event: ParsedEvent & { lines: string[] } = { data: '', lines: [] };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('data: ')) event.lines.push(line.slice(6));
      else if (line.startsWith('id: ')) event.id = line.slice(4);
      else if (line.startsWith('event: ')) event.event = line.slice(7);
      else if (line.startsWith('retry: ')) retry = Number(line.slice(7));
    }
    if (event.lines.length > 0) {
      const { lines, ...rest } = event;
      events.push({ ...rest, data: lines.join('\n') });
    }
  }
  return { events, comments, retry };
}

export interface RawClient {
  readonly response: Promise<http.IncomingMessage>;
  readonly text: () => string;
  readonly parsed: () => ReturnType<typeof parseStream>;
  readonly ended: Promise<void>;
  close(): void;
}

/** A raw HTTP SSE client that keeps every byte received. */
export function rawClient(url: string, headers: Record<string, string> = {}): RawClient {
  let body = '';
  let resolveEnded!: () => void;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false });
  const response = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('close', resolveEnded);
      resolve(res);
    });
    req.on('error', (err) => {
      resolveEnded();
      reject(err);
    });
  });
  response.catch(() => {});
  return {
    response,
    text: () => body,
    parsed: () => parseStream(body),
    ended,
    close: () => req.destroy(),
  };
}

/** An EventSource that records every event (of the given names) it dispatches. */
export function collect(url: string, names: string[] = ['message']) {
  const source = new EventSource(url);
  const received: { type: string; data: string; lastEventId: string }[] = [];
  for (const name of names) {
    source.addEventListener(name, (e: MessageEvent) =>
      received.push({ type: e.type, data: e.data, lastEventId: e.lastEventId }),
    );
  }
  const opened = new Promise<void>((resolve) =>
    source.addEventListener('open', () => resolve(), { once: true }),
  );
  return { source, received, opened };
}
