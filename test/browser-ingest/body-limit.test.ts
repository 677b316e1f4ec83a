/**
 * Oversized bodies on a real server: the ingest refuses a declared length over
 * `maxBodyBytes` before reading, stops reading a chunked body at the limit, answers `413`
 * and closes the connection, so a client cannot make it read (let alone keep) more.
 */
import net, { type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { type Ingest, ORIGIN, records, send, startIngest } from './helpers.js';

const MiB = 1024 * 1024;
const LIMIT = 64 * 1024; // the default maxBodyBytes
const HUGE = 64 * MiB;

const apps: Ingest[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

interface Upload {
  completed: boolean;
  response: string;
}

/** Writes `total` bytes as fast as the server reads them, until done or the server closes. */
function upload(url: string, form: 'chunked' | 'content-length', total: number, keepOpen = false): Promise<Upload> {
  return new Promise((resolve) => {
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
    const piece = Buffer.alloc(16 * 1024, 'a');
    let written = 0;
    let completed = false;
    let response = '';
    socket.on('data', (data: Buffer) => (response += data.toString('latin1')));
    socket.on('error', () => {}); // EPIPE / ECONNRESET once the server closes: expected
    socket.on('close', () => resolve({ completed, response }));
    const frame = (chunk: Buffer) =>
      form === 'chunked' ? [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')] : [chunk];
    function pump(): void {
      while (written < total && !socket.destroyed) {
        let ok = true;
        for (const part of frame(piece)) ok = socket.write(part) && ok;
        written += piece.length;
        if (!ok) return void socket.once('drain', pump);
      }
      if (socket.destroyed) return;
      completed = true;
      if (!keepOpen) socket.end(form === 'chunked' ? '0\r\n\r\n' : '');
    }
    socket.on('connect', () => {
      const length = form === 'chunked' ? 'transfer-encoding: chunked' : `content-length: ${total}`;
      socket.write(`POST /ingest HTTP/1.1\r\nhost: 127.0.0.1\r\norigin: ${ORIGIN}\r\ncontent-type: text/plain\r\n${length}\r\n\r\n`);
      pump();
    });
  });
}

function sockets(app: Ingest): Socket[] {
  const list: Socket[] = [];
  app.server.on('connection', (socket: Socket) => list.push(socket));
  return list;
}

describe('browserIngest: body limit', () => {
  it.each(['chunked', 'content-length'] as const)(
    'a %s body far over the limit: 413, and the server reads no more than the limit and its buffers',
    async (form) => {
      const app = await startIngest({ origins: [ORIGIN] });
      apps.push(app);
      const accepted = sockets(app);
      const result = await upload(app.url, form, HUGE);
      expect(result.completed).toBe(false); // the server closed the connection mid-upload
      if (result.response !== '') expect(result.response).toMatch(/^HTTP\/1\.1 413 /); // unless reset first
      await waitFor(() => app.ingest.stats().too_large === 1, 10_000, 'the refusal to be counted');
      const read = accepted.reduce((sum, socket) => sum + socket.bytesRead, 0);
      expect(read).toBeLessThan(LIMIT + 4 * MiB); // the limit and read-ahead, never the 64 MiB sent
      expect(app.events).toEqual([]);
    },
  );

  it('answers 413 as soon as a chunked body passes the limit, before the client finishes', async () => {
    const app = await startIngest({ origins: [ORIGIN] });
    apps.push(app);
    // writes just over the limit and then waits: the answer cannot come from the end of the body
    const result = await upload(app.url, 'chunked', LIMIT + 32 * 1024, true);
    expect(result.completed).toBe(true);
    expect(result.response).toMatch(/^HTTP\/1\.1 413 [^]*connection: close[^]*the body is larger than 65536 bytes/i);
  });

  it('a body up to the limit is read whole; maxBodyBytes sets the limit', async () => {
    const app = await startIngest({ origins: [ORIGIN], maxBodyBytes: 2048 });
    apps.push(app);
    const batch = (pad: number) => JSON.stringify({ service: 'w'.repeat(pad), records: [records()[2]] });
    const fits = batch(2048 - batch(0).length);
    expect(Buffer.byteLength(fits)).toBe(2048);
    expect((await send(app.url, 'POST', fits, { origin: ORIGIN, 'content-type': 'text/plain' })).status).toBe(202);
    const over = await send(app.url, 'POST', batch(2049 - batch(0).length), { origin: ORIGIN, 'content-type': 'text/plain' });
    expect([over.status, over.json]).toEqual([413, { error: 'the body is larger than 2048 bytes' }]);
    expect(app.events).toHaveLength(1);
  });
});
