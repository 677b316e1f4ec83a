import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createOutput } from '../../src/cli/io.js';

function collector(): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('createOutput', () => {
  it('writes texts of any size in order, as UTF-8, awaited or not', async () => {
    const { stream, text } = collector();
    const out = createOutput(stream);
    const texts = ['a✖b\n', 'é'.repeat(30_000), '→ 😀 ←\n', 'x'.repeat(21_845), 'y'.repeat(21_846), '', 'z\n'];
    for (let i = 0; i < 40; i++) void out.write(texts[i % texts.length]!);
    await out.flush();
    expect(text()).toBe(Array.from({ length: 40 }, (_, i) => texts[i % texts.length]).join(''));
  });

  it('waits for a slow reader without piling up listeners on the stream', async () => {
    const chunks: string[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString());
        setImmediate(callback);
      },
    });
    const out = createOutput(slow as unknown as NodeJS.WriteStream);
    const listeners = slow.listenerCount('error') + slow.listenerCount('close') + slow.listenerCount('drain');
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 2000; i++) await out.write(line);
    await out.flush();
    expect(chunks.join('')).toBe(line.repeat(2000));
    expect(slow.listenerCount('error') + slow.listenerCount('close') + slow.listenerCount('drain')).toBe(listeners);
  });
});
