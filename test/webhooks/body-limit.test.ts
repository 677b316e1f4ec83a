/**
 * Oversized bodies on real servers: every receiving helper stops reading at its limit and
 * answers 413, whatever the body's form (declared length or chunked), so a client cannot
 * make the server read, let alone buffer, more than the limit.
 */
import http from 'node:http';
import net, { type Socket } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { canonExpress } from '../../src/frameworks/express/index.js';
import { canonFastify } from '../../src/frameworks/fastify/index.js';
import { canonHono } from '../../src/frameworks/hono/index.js';
import { type Canon, createCanon, memorySink } from '../../src/index.js';
import { webhookExpress } from '../../src/webhooks/express/index.js';
import { webhookFastify } from '../../src/webhooks/fastify/index.js';
import { webhookHono } from '../../src/webhooks/hono/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MiB = 1024 * 1024;
const LIMIT = MiB; // the helpers' default maxBodyBytes
const HUGE = 64 * MiB; // what the client tries to send

interface Served {
  url: string;
  /** Every connection the server accepted (their `bytesRead` is what the server read). */
  sockets: Socket[];
  /** The payloads the route received. */
  received: unknown[];
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1, recording the server's sockets. */
async function serve(server: http.Server, received: unknown[]): Promise<Served> {
  const sockets: Socket[] = [];
  server.on('connection', (socket: Socket) => sockets.push(socket));
  return { ...(await listen(server)), sockets, received };
}

const frameworks: [string, (canon: Canon) => Promise<Served>][] = [
  [
    'express',
    async (canon) => {
      const received: unknown[] = [];
      const app = express();
      app.use(canonExpress(canon));
      app.post('/hook', webhookExpress({ secret }), (req, res) => {
        received.push(req.body);
        res.sendStatus(204);
      });
      return serve(http.createServer(app), received);
    },
  ],
  [
    'fastify',
    async (canon) => {
      const received: unknown[] = [];
      const app = Fastify();
      await app.register(canonFastify, { canon });
      app.post('/hook', { ...webhookFastify({ secret }) }, async (request, reply) => {
        received.push(request.body);
        return reply.code(204).send();
      });
      await app.ready();
      return serve(app.server, received);
    },
  ],
  [
    'hono',
    async (canon) => {
      const received: unknown[] = [];
      const app = new Hono();
      app.use(canonHono(canon));
      app.post('/hook', webhookHono({ secret }), async (c) => {
        received.push(await c.req.json());
        return c.body(null, 204);
      });
      return serve(createAdaptorServer({ fetch: app.fetch }) as http.Server, received);
    },
  ],
];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

interface Upload {
  /** Whether the client got to write the whole body. */
  completed: boolean;
  /** What came back before the connection closed (a 413, or nothing when it was reset first). */
  response: string;
}

/**
 * POSTs `total` bytes of a JSON string body over a raw socket, `chunked` or with a
 * declared `content-length`, writing as fast as the server reads (waiting on `drain`),
 * until everything is written or the server closes the connection.
 */
function upload(url: string, form: 'chunked' | 'content-length', total: number): Promise<Upload> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    const piece = Buffer.alloc(64 * 1024, 'a');
    let written = 0;
    let completed = false;
    let response = '';
    socket.on('data', (data: Buffer) => (response += data.toString('latin1')));
    socket.on('error', () => {}); // EPIPE / ECONNRESET: the server closed on us, as it should
    socket.on('close', () => resolve({ completed, response }));
    const frame = (chunk: Buffer) =>
      form === 'chunked' ? [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')] : [chunk];
    function pump(): void {
      while (written < total && !socket.destroyed) {
        const parts = frame(piece);
        let ok = true;
        for (const part of parts) ok = socket.write(part) && ok;
        written += piece.length;
        if (!ok) return void socket.once('drain', pump);
      }
      if (socket.destroyed) return;
      completed = true;
      socket.end(form === 'chunked' ? '0\r\n\r\n' : '');
    }
    socket.on('connect', () => {
      const length = form === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${total}`;
      socket.write(`POST /hook HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${length}\r\n\r\n`);
      pump();
    });
  });
}

describe.each(frameworks)('%s helper: body limit', (_name, build) => {
  it.each(['chunked', 'content-length'] as const)(
    'a %s body far over the limit: 413, and the server reads no more than the limit and its buffers',
    async (form) => {
      const sink = memorySink();
      const app = await build(createCanon({ service: 'limits', sinks: [sink], handleExit: false }));
      closers.push(app.close);
      const result = await upload(app.url, form, HUGE);
      expect(result.completed).toBe(false); // the server closed the connection mid-upload
      if (result.response !== '') expect(result.response).toMatch(/^HTTP\/1\.1 413 /); // unless reset first
      const event = await waitFor(() => sink.events[0], 10_000, 'the wide event');
      expect(event.status_code).toBe(413);
      expect(app.received).toEqual([]);
      const read = app.sockets.reduce((sum, socket) => sum + socket.bytesRead, 0);
      expect(read).toBeLessThan(LIMIT + 4 * MiB); // the limit and read-ahead, never the 64 MiB sent
    },
  );

  it('a signed chunked body under the limit is read whole and verified', async () => {
    const app = await build(createCanon({ service: 'limits', sinks: [memorySink()], handleExit: false }));
    closers.push(app.close);
    const body = JSON.stringify({ type: 'order.placed', data: { pad: 'p'.repeat(LIMIT - 100) } });
    const at = new Date();
    const response = await fetch(`${app.url}/hook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_chunked',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(secret).sign('msg_chunked', at, body),
      },
      body: new Blob([body]).stream(), // no length: sent chunked
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(204);
    expect(app.received).toEqual([JSON.parse(body)]);
  });
});
