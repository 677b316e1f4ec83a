import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { createSseHub } from '../../src/sse/index.js';
import { listen } from '../helpers/http.js';
import { sleep, waitFor } from '../helpers/wait.js';
import { collect, hubFixture, rawClient } from './helpers.js';

const { cleanups, setup } = hubFixture();

const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('canon/sse connection lifecycle', () => {
  it('sends `: ping` comments on idle connections', async () => {
    const { url } = await setup({ heartbeatMs: 40 });
    const client = rawClient(`${url}/?channels=a`);
    cleanups.push(() => client.close());
    await waitFor(() => client.parsed().comments.length >= 3, 10_000, 'three pings');
    expect(client.parsed().comments.every((c) => c === 'ping')).toBe(true);
    expect(client.parsed().events).toEqual([]);
  });

  it('does not ping a connection that keeps receiving events', async () => {
    // events every 50 ms for 2.5 s: two heartbeat periods pass (an idle connection would be
    // pinged twice), and a ping could only come from a 1 s gap, twenty times the real one
    const { hub, url } = await setup({ heartbeatMs: 2_000 });
    const client = rawClient(`${url}/?channels=a`);
    cleanups.push(() => client.close());
    await client.response;
    for (let i = 0; i < 50; i++) {
      hub.publish('a', { data: i });
      await sleep(50);
    }
    await waitFor(() => client.parsed().events.length === 50, 5_000, 'fifty events');
    expect(client.parsed().comments).toEqual([]);
  });

  it('leaves no client, channel, user or timer behind when clients disconnect', async () => {
    const timersBefore = activeTimers();
    const { hub, url } = await setup({ heartbeatMs: 30 });
    // raw clients only: undici (behind EventSource) keeps timers of its own
    const raw = rawClient(`${url}/?channels=a,b&user=alice`);
    const other = rawClient(`${url}/?channels=b&user=bob`);
    await Promise.all([raw.response, other.response]);
    await waitFor(() => hub.stats().clients === 2);
    expect(hub.stats()).toMatchObject({ clients: 2, channels: 2, users: 2 });
    expect(activeTimers()).toBe(timersBefore + 1); // one heartbeat timer for the whole hub
    raw.close();
    other.close();
    await waitFor(() => hub.stats().clients === 0, 10_000, 'disconnects');
    expect(hub.stats()).toMatchObject({ clients: 0, channels: 0, users: 0 });
    await waitFor(() => activeTimers() === timersBefore, 10_000, 'timers released');
    hub.publish('a', { data: 'nobody listens' }); // must not throw or write anywhere
  });

  it('leaves no client, channel or user behind when the stream fails during replay', async () => {
    const hub = createSseHub();
    const server = await listen(
      http.createServer((req, res) => {
        let writes = 0;
        const write = res.write;
        // a middleware whose stream breaks after the first replayed event
        res.write = function breakingWrite(this: http.ServerResponse, ...args: unknown[]) {
          if (++writes > 1) throw new Error('stream torn down');
          return (write as (...rest: unknown[]) => boolean).apply(this, args);
        } as typeof res.write;
        hub.connect(req, res, { channels: ['a'], userId: 'alice' });
      }),
    );
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    const ids = ['one', 'two', 'three'].map((data) => hub.publish('a', { data }));
    const client = rawClient(server.url, { 'last-event-id': ids[0] });
    cleanups.push(() => client.close());
    await waitFor(() => client.parsed().events.length === 1);
    expect(client.parsed().events[0].data).toBe('two');
    expect(hub.stats()).toMatchObject({ clients: 0, channels: 0, users: 0 });
    hub.publish('a', { data: 'nobody listens' }); // must not throw or write anywhere
    expect(hub.stats()).toMatchObject({ clients: 0, channels: 0, users: 0 });
  });

  it('drops a client that stops reading while the others keep receiving', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    const { hub, url } = await setup({ canon, maxBufferBytes: 256 * 1024 });
    const stalled = rawClient(`${url}/?channels=big`);
    (await stalled.response).pause(); // stops reading: the socket buffers fill, then the hub's
    cleanups.push(() => stalled.close());
    const reader = collect(`${url}/?channels=big`);
    cleanups.push(() => reader.source.close());
    await reader.opened;
    await waitFor(() => hub.stats().clients === 2);
    const payload = 'x'.repeat(64 * 1024);
    let published = 0;
    let slowestPublishMs = 0;
    while (hub.stats().clients_dropped === 0 && published < 3_000) {
      const started = performance.now();
      hub.publish('big', { data: payload });
      slowestPublishMs = Math.max(slowestPublishMs, performance.now() - started);
      published++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.stats()).toMatchObject({ clients: 1, clients_dropped: 1 });
    // a publish only appends to two sockets' buffers (microseconds): half a second would
    // mean it waited for the stalled reader
    expect(slowestPublishMs).toBeLessThan(500);
    hub.publish('big', { data: 'after the drop' });
    await waitFor(() => reader.received.length === published + 1, 20_000, 'the reader to get everything');
    expect(reader.received.at(-1)!.data).toBe('after the drop');
    await waitFor(() => sink.events.length === 1);
    expect(sink.events[0]).toMatchObject({ kind: 'sse', close_reason: 'slow_client', channels: ['big'] });
  });

  it('emits one wide event per connection with request id, trace and totals', async () => {
    const sink = memorySink();
    const traceStates: (string | undefined)[] = [];
    const canon = createCanon({
      sinks: [sink],
      handleExit: false,
      service: 'sse-test',
      plugins: [{ name: 'trace-state', onStart: (unit) => void traceStates.push(unit.traceState) }],
    });
    const { hub, url } = await setup({ canon, retryMs: 1_000 });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const client = rawClient(`${url}/stream?channels=a,b&user=alice`, {
      'x-request-id': 'req-sse-1',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      tracestate: 'rojo=00f067aa0ba902b7',
      'user-agent': 'sse-test-agent',
      'last-event-id': 'nope',
    });
    await client.response;
    await waitFor(() => hub.stats().clients === 1);
    hub.publish('a', { data: { n: 1 } });
    hub.publish('b', { data: 'two' });
    hub.publish('c', { data: 'not for this client' });
    await waitFor(() => client.parsed().events.length === 3); // reset + 2
    client.close();
    await waitFor(() => sink.events.length === 1);
    expect(sink.events[0]).toMatchObject({
      kind: 'sse',
      service: 'sse-test',
      request_id: 'req-sse-1',
      trace_id: traceId,
      parent_span_id: '00f067aa0ba902b7',
      method: 'GET',
      path: '/stream',
      user_agent: 'sse-test-agent',
      channels: ['a', 'b'],
      user: { id: 'alice' },
      last_event_id: 'nope',
      events_sent: 2,
      replayed_events: 0,
      bytes_sent: Buffer.byteLength(client.text()),
      close_reason: 'client',
      outcome: 'success',
    });
    expect(sink.events[0].duration_ms).toBeGreaterThan(0);
    expect(traceStates).toEqual(['rojo=00f067aa0ba902b7']); // what calls made for the connection carry
  });

  it('records only the path of an absolute-form request target, never its credentials', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    const { hub, url } = await setup({ canon });
    const { host, port } = new URL(url);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    socket.write(`GET http://user:pass@${host}/stream?channels=a&t=x HTTP/1.1\r\nhost: ${host}\r\n\r\n`);
    await waitFor(() => hub.stats().clients === 1);
    socket.destroy();
    await waitFor(() => sink.events.length === 1);
    expect(sink.events[0]).toMatchObject({ kind: 'sse', path: '/stream', channels: ['a'] });
    expect(JSON.stringify(sink.events[0])).not.toMatch(/user:|pass|t=x/);
  });

  it('is a child of the request event when an HTTP adapter wraps the handler', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    const hub = createSseHub({ canon });
    const server = await listen(
      http.createServer(canonNode(canon, (req, res) => hub.connect(req, res, { channels: ['a'] }))),
    );
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    const client = rawClient(server.url, { 'x-request-id': 'outer-1' });
    await client.response;
    await waitFor(() => hub.stats().clients === 1);
    client.close();
    await waitFor(() => sink.events.length === 2);
    const sse = sink.events.find((e) => e.kind === 'sse')!;
    const http_ = sink.events.find((e) => e.kind === 'http')!;
    expect(http_.request_id).toBe('outer-1');
    expect(sse).toMatchObject({
      parent_request_id: 'outer-1',
      trace_id: http_.trace_id,
      parent_span_id: http_.span_id,
    });
    expect(http_.response_size_bytes).toBe(sse.bytes_sent);
  });

  it('writes through a middleware that replaced res.write (compression and the like)', async () => {
    const hub = createSseHub();
    const written: string[] = [];
    const server = await listen(
      http.createServer((req, res) => {
        const write = res.write;
        res.write = function recordingWrite(this: http.ServerResponse, chunk: unknown, ...rest: unknown[]) {
          written.push(String(chunk));
          return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
        } as typeof res.write;
        hub.connect(req, res, { channels: ['a'] });
      }),
    );
    cleanups.push(
      () => server.close(),
      () => hub.close(),
    );
    const client = rawClient(`${server.url}/`);
    cleanups.push(() => client.close());
    await client.response;
    await waitFor(() => hub.stats().clients === 1);
    const id = hub.publish('a', { data: 'via middleware' });
    await waitFor(() => client.parsed().events.length === 1);
    expect(written).toEqual([`id: ${id}\ndata: via middleware\n\n`]);
  });

  it('serves HTTP/1.0 clients with a body delimited by the connection, not chunks', async () => {
    const { hub, url } = await setup();
    const { port } = new URL(url);
    const socket = net.connect(Number(port), '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    cleanups.push(() => socket.destroy());
    socket.write('GET /?channels=a HTTP/1.0\r\n\r\n');
    await waitFor(() => hub.stats().clients === 1);
    const id = hub.publish('a', { data: 'plain' });
    await waitFor(() => received.includes('plain'));
    expect(received).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    expect(received.toLowerCase()).not.toContain('transfer-encoding');
    expect(received.endsWith(`\r\n\r\nid: ${id}\ndata: plain\n\n`)).toBe(true);
  });

  it('hub.close() ends every stream and refuses new ones the same way', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    const { hub, url } = await setup({ canon, heartbeatMs: 20 });
    const clients = [rawClient(`${url}/?channels=a`), rawClient(`${url}/?channels=b`)];
    await Promise.all(clients.map((c) => c.response));
    await waitFor(() => hub.stats().clients === 2);
    await hub.close();
    await Promise.all(clients.map((c) => c.ended));
    expect(hub.stats().clients).toBe(0);
    const late = rawClient(`${url}/?channels=a`);
    expect((await late.response).statusCode).toBe(200);
    await late.ended; // ended at once: EventSource reconnects, e.g. to another instance
    await waitFor(() => sink.events.length === 3);
    expect(sink.events.map((e) => e.close_reason)).toEqual(['hub_closed', 'hub_closed', 'hub_closed']);
  });
});
