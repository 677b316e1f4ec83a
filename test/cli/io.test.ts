import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createOutput } from '../../src/cli/io.js';

describe('createOutput', () => {
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
