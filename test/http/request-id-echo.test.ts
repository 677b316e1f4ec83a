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
    const PAIRS = [['content-type', 'text/plain']];
    const cases: Array<[string, Listener, string]> = [
      ['end only', (_req, res) => res.end('a'), 'HTTP/1.1 200 OK'],
      ['setHeader then end', (_req, res) => res.setHeader('content-type', 'text/plain').end('a'), 'HTTP/1.1 200 OK'],
      ['writeHead, frozen object', (_req, res) => res.writeHead(200, HEADERS).end('a'), 'HTTP/1.1 200 OK'],
      ['writeHead, status message', (_req, res) => res.writeHead(201, 'Made', HEADERS).end('a'), 'HTTP/1.1 201 Made'],
      ['writeHead, flat array', (_req, res) => res.writeHead(200, ['content-type', 'text/plain']).end('a'), 'HTTP/1.1 200 OK'],
      ['writeHead, pairs', (_req, res) => res.writeHead(200, PAIRS).end('a'), 'HTTP/1.1 200 OK'],
      ['writeHead, empty array', (_req, res) => res.writeHead(200, []).end('a'), 'HTTP/1.1 200 OK'],
      ['writeHead, headers third', (_req, res) => res.writeHead(200, undefined, HEADERS).end('a'), 'HTTP/1.1 200 OK'],
      [
        'setHeader then writeHead',
        (_req, res) => res.setHeader('x-other', '1').writeHead(200, { 'content-type': 'text/plain' }).end('a'),
        'HTTP/1.1 200 OK',
      ],
      ['204', (_req, res) => res.writeHead(204).end(), 'HTTP/1.1 204 No Content'],
    ];
    for (const [name, answer, statusLine] of cases) {
      const { sink, url, close } = await start(answer);
      try {
        const { status, ids } = await requestIdLines(url);
        const event = await waitFor(() => sink.events[0]);
        expect(status, name).toBe(statusLine);
        expect(ids, name).toEqual([event.request_id]);
        expect(event.outcome, name).toBe('success');
      } finally {
        await close();
      }
    }
    // the app's headers are left as they were
    expect(HEADERS).toEqual({ 'content-type': 'text/plain' });
    expect(PAIRS).toEqual([['content-type', 'text/plain']]);
  });

  it('sends the headers node sends: the third argument over the second, own keys only', async () => {
    const inherited = Object.create({ 'x-request-id': 'from-the-prototype' }) as Record<string, string>;
    inherited['x-own'] = 'yes';
    const cases: Array<[Listener, string[]]> = [
      [(_req, res) => res.writeHead(200, { 'x-second': '2' } as never, { 'x-third': '3' }).end(), ['x-third']],
      [(_req, res) => res.writeHead(200, inherited).end(), ['x-own']],
    ];
    for (const [answer, expected] of cases) {
      const { sink, url, close } = await start(answer);
      try {
        const { text } = await rawRequest(url, 'GET / HTTP/1.1\r\nHost: localhost');
        const names = text.split('\r\n\r\n')[0].split('\r\n').map((line) => line.split(':')[0].toLowerCase());
        const event = await waitFor(() => sink.events[0]);
        for (const header of expected) expect(names).toContain(header);
        expect(names).not.toContain('x-second');
        expect(text).toContain(`x-request-id: ${event.request_id}`);
      } finally {
        await close();
      }
    }
  });

  it('still echoes the id on the 500 that follows when node refuses the headers', async () => {
    const { sink, url, close } = await start((_req, res) => {
      res.writeHead(200, { 'x-user': 'a\nb' }).end('never sent'); // node throws ERR_INVALID_CHAR
    });
    try {
      const { status, ids } = await requestIdLines(url);
      const event = await waitFor(() => sink.events[0]);
      expect(status).toMatch(/^HTTP\/1.1 500 /); // the reason phrase is what node's failed writeHead left
      expect(event).toMatchObject({ status_code: 500, outcome: 'error', error: { code: 'ERR_INVALID_CHAR' } });
      expect(ids).toEqual([event.request_id]);
    } finally {
      await close();
    }
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
