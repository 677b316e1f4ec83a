import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { listen, rawRequest } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** A server whose requests go through canonNode; `outer` may wrap Canon's listener. */
async function start(handler: Listener, outer: (inner: Listener) => Listener = (inner) => inner) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false });
  const server = await listen(http.createServer(outer(canonNode(canon, handler))));
  return { sink, ...server };
}

/** The `x-request-id` lines of a raw response, and its status line. */
async function requestIdLines(url: string, extra = '') {
  const { text } = await rawRequest(url, `GET / HTTP/1.1\r\nHost: localhost${extra}`);
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const lines = head.split('\r\n');
  return { status: lines[0], ids: lines.filter((line) => /^x-request-id:/i.test(line)).map((line) => line.slice(14)) };
}

describe('x-request-id echo', () => {
  it('is sent once with each way of answering, and is the event request_id', async () => {
    const HEADERS = Object.freeze({ 'content-type': 'text/plain' });
    const answers: Listener[] = [
      (_req, res) => res.end('end only'),
      (_req, res) => {
        res.setHeader('content-type', 'text/plain');
        res.end('setHeader then end');
      },
      (_req, res) => res.writeHead(200, HEADERS).end('writeHead with a frozen object'),
      (_req, res) => res.writeHead(201, 'Made', HEADERS).end('writeHead with a status message'),
      (_req, res) => res.writeHead(200, ['content-type', 'text/plain']).end('writeHead with a flat array'),
      (_req, res) => res.writeHead(200, [['content-type', 'text/plain']]).end('writeHead with pairs'),
      (_req, res) => {
        res.setHeader('x-other', '1');
        res.writeHead(200, { 'content-type': 'text/plain' }).end('setHeader then writeHead');
      },
      (_req, res) => res.writeHead(204).end(),
    ];
    for (const answer of answers) {
      const { sink, url, close } = await start(answer);
      try {
        const { status, ids } = await requestIdLines(url);
        const event = await waitFor(() => sink.events[0]);
        expect(ids, String(answer)).toEqual([event.request_id]);
        if (answer === answers[3]) expect(status).toBe('HTTP/1.1 201 Made');
      } finally {
        await close();
      }
    }
    expect(HEADERS).toEqual({ 'content-type': 'text/plain' }); // the app's object is left as it was
  });

  it('echoes a valid incoming x-request-id', async () => {
    const { url, close } = await start((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    try {
      expect((await requestIdLines(url, '\r\nx-request-id: from-the-client')).ids).toEqual(['from-the-client']);
    } finally {
      await close();
    }
  });

  it("lets the app's own x-request-id win, however it sets it", async () => {
    const answers: Listener[] = [
      (_req, res) => res.writeHead(200, { 'X-Request-Id': 'app' }).end(),
      (_req, res) => {
        res.setHeader('x-request-id', 'app');
        res.writeHead(200, { 'content-type': 'text/plain' }).end();
      },
      (_req, res) => {
        res.setHeader('X-REQUEST-ID', 'app');
        res.end();
      },
      (_req, res) => res.writeHead(200, ['x-request-id', 'app']).end(),
    ];
    for (const answer of answers) {
      const { url, close } = await start(answer);
      try {
        expect((await requestIdLines(url)).ids, String(answer)).toEqual(['app']);
      } finally {
        await close();
      }
    }
  });

  it('is sent when other code wraps writeHead per response before Canon sees the request (on-headers)', async () => {
    const seen: number[] = [];
    const onHeaders = (inner: Listener): Listener => (req, res) => {
      const writeHead = res.writeHead;
      res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
        seen.push(args[0] as number);
        return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
      } as ServerResponse['writeHead'];
      inner(req, res);
    };
    const { sink, url, close } = await start((_req, res) => res.writeHead(202, { 'content-type': 'text/plain' }).end(), onHeaders);
    try {
      const { ids } = await requestIdLines(url);
      const event = await waitFor(() => sink.events[0]);
      expect(ids).toEqual([event.request_id]);
      expect(seen).toEqual([202]);
    } finally {
      await close();
    }
  });

  it('adds nothing to the responses of a server Canon does not wrap', async () => {
    await start((_req, res) => res.end()); // the prototype is wrapped from here on
    const plain = await listen(http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end()));
    try {
      expect((await requestIdLines(plain.url)).ids).toEqual([]);
    } finally {
      await plain.close();
    }
  });
});
