import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createCanon, memorySink } from '../../src/index.js';
import { createSseHub, type SseHub } from '../../src/sse/index.js';
import { waitFor } from '../helpers/wait.js';
import { collect, rawClient } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fetch-style server: every request is answered with `hub.response(request)`. */
async function serveWeb(hub: SseHub) {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: (request: Request) => {
          const query = new URL(request.url).searchParams;
          return hub.response(request, { channels: (query.get('channels') ?? 'a').split(',') });
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  cleanups.push(
    () =>
      new Promise((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(resolve);
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('canon/sse hub.response (web streams)', () => {
  it('replays from Last-Event-ID and records the connection', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    const hub = createSseHub({ canon, retryMs: 500 });
    cleanups.push(() => hub.close());
    const url = await serveWeb(hub);
    const first = hub.publish('a', { data: 'one' });
    hub.publish('a', { data: 'two\nlines' });
    const client = rawClient(`${url}/sse?channels=a`, { 'last-event-id': first, 'x-request-id': 'web-1' });
    cleanups.push(() => client.close());
    const res = await client.response;
    expect(res.headers['content-type']).toBe('text/event-stream');
    await waitFor(() => client.parsed().events.length === 1);
    expect(client.parsed().retry).toBe(500);
    expect(client.parsed().events[0].data).toBe('two\nlines');
    client.close();
    await waitFor(() => sink.events.length === 1);
    expect(sink.events[0]).toMatchObject({
      kind: 'sse',
      request_id: 'web-1',
      path: '/sse',
      replayed_events: 1,
      events_sent: 1,
      close_reason: 'client',
    });
    expect(hub.stats().clients).toBe(0);
  });

  it('drops a web client that stops reading while others keep receiving', async () => {
    const hub = createSseHub({ maxBufferBytes: 256 * 1024 });
    cleanups.push(() => hub.close());
    const url = await serveWeb(hub);
    const stalled = rawClient(`${url}/?channels=big`);
    (await stalled.response).pause();
    cleanups.push(() => stalled.close());
    const reader = collect(`${url}/?channels=big`);
    cleanups.push(() => reader.source.close());
    await reader.opened;
    await waitFor(() => hub.stats().clients === 2);
    const payload = 'y'.repeat(64 * 1024);
    let published = 0;
    while (hub.stats().clients_dropped === 0 && published < 3_000) {
      hub.publish('big', { data: payload });
      published++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.stats()).toMatchObject({ clients: 1, clients_dropped: 1 });
    await waitFor(() => reader.received.length === published, 20_000, 'the reader to get everything');
  });
});

describe('canon/sse on Hono (@hono/node-server)', () => {
  it('drops a slow client without anything logged: the server process writes nothing to stderr', async () => {
    const fixture = fileURLToPath(new URL('../fixtures/sse-hono-slow-client.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.stats).toMatchObject({ clients: 0, clients_dropped: 1 });
    expect(report.received).toBe(report.published); // the reading client got everything
    expect(report.reasons).toEqual(['client', 'slow_client']);
  }, 60_000);
});
