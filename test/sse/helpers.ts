/** SSE test helpers: a node:http server around a hub, a raw HTTP SSE client, and EventSource collection. */
import http from 'node:http';
import { EventSource } from 'eventsource';
import type { SseConnectOptions, SseHub } from '../../src/sse/index.js';
import { listen } from '../helpers/http.js';

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
