/**
 * Property: whatever bytes a client puts in `x-request-id`, `traceparent`, `tracestate`,
 * `user-agent` and the tenant header (up to the server's header-size limit), the request
 * is answered; when it reaches Canon, the echoed `x-request-id` matches the documented
 * pattern, the trace id is 32 hex, and exactly one valid JSON event is emitted for it.
 * Requests go over raw sockets, so bytes Node's HTTP client would refuse are sent too.
 */
import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, type Sink } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { params, timeoutFor } from './settings.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const HEADERS = ['x-request-id', 'traceparent', 'tracestate', 'user-agent', 'x-tenant-id'];

const latin1 = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });
const value = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map(latin1), // any byte, CR, LF and NUL included
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => latin1(b.map((x) => (x % 94) + 33))),
  fc.tuple(hex(2), hex(32), hex(16), hex(2)).map((parts) => parts.join('-')),
  fc.tuple(fc.constantFrom('00', 'ff', '01', 'zz'), hex(32), hex(16), hex(2), fc.string({ maxLength: 10 })).map((p) => p.join('-')),
  fc.string({ unit: fc.constantFrom(...'abc019._:-'), minLength: 1, maxLength: 200 }),
  fc.integer({ min: 1, max: 16_500 }).map((n) => 'r'.repeat(n)), // around the 16 KiB limit
  fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })).map(([k, v]) => `${k}=${v}`), { maxLength: 40 }).map((m) => m.join(',')),
);
const headerSet = fc.dictionary(fc.constantFrom(...HEADERS), fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 })), {
  maxKeys: 5,
});

function raw(port: number, headers: Record<string, string | string[]>): Promise<string> {
  const lines = Object.entries(headers).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((one) => `${name}: ${one}`));
  const request = Buffer.from(`GET /fuzz HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n${lines.join('\r\n')}${lines.length ? '\r\n' : ''}\r\n`, 'latin1');
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer in 20 s')));
    socket.end(request);
  });
}

describe('request headers with arbitrary bytes', () => {
  const lines: string[] = [];
  const sink: Sink = { write: (line) => void lines.push(line) };
  const canon = createCanon({ service: 'fuzz', sinks: [sink], handleExit: false });
  const server = http.createServer(
    canonNode(canon, (_req, res) => res.writeHead(200, { 'x-handled': '1' }).end('ok'), { tenant: { required: false } }),
  );
  let port = 0;
  let close = async () => {};
  beforeAll(async () => {
    const opened = await listen(server);
    port = Number(new URL(opened.url).port);
    close = opened.close;
  });
  afterAll(() => close());

  it('are answered, echo a valid id, and give one valid event', { timeout: timeoutFor(8) }, async () => {
    await fc.assert(
      fc.asyncProperty(headerSet, async (headers) => {
        lines.length = 0;
        const answer = await raw(port, headers);
        const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
        expect(status).not.toBeNull();
        const head = answer.slice(0, answer.indexOf('\r\n\r\n')).toLowerCase();
        const reached = head.includes('\r\nx-handled: 1') || /^http\/1\.1 400/.test(head) && head.includes('x-request-id');
        if (!head.includes('x-request-id')) {
          // refused by Node's HTTP parser before any handler (400/431): nothing for Canon to do
          expect(['400', '431']).toContain(status![1]);
          expect(lines).toEqual([]);
          return;
        }
        expect(reached).toBe(true);
        const echoed = /\r\nx-request-id: ([^\r\n]*)/.exec(head)![1];
        expect(echoed).toMatch(REQUEST_ID);
        for (let i = 0; lines.length === 0 && i < 200; i++) await new Promise((resolve) => setTimeout(resolve, 5));
        expect(lines).toHaveLength(1);
        const event = JSON.parse(lines[0]);
        expect(event.request_id.toLowerCase()).toBe(echoed);
        expect(event.trace_id).toMatch(/^[0-9a-f]{32}$/);
      }),
      params(),
    );
  });
});
