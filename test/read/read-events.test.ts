import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEventLine, readEvents } from '../../src/read/index.js';
import type { EventRecord } from '../../src/read/index.js';

const dir = mkdtempSync(join(tmpdir(), 'canon-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (n: number) => JSON.stringify({ kind: 'http', n, user: { id: `u_${n}` } });

async function all(events: AsyncIterable<EventRecord>): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe('parseEventLine', () => {
  it('accepts JSON objects only', () => {
    expect(parseEventLine('{"a":1}')).toEqual({ a: 1 });
    expect(parseEventLine('  {"a":1}\r')).toEqual({ a: 1 });
    for (const bad of ['[1,2]', '"x"', '42', 'null', 'GET / 200', '{"a":', '{"a":1} trailing']) {
      expect(parseEventLine(bad), bad).toBeUndefined();
    }
  });
});

describe('readEvents', () => {
  it('reads a file, counting the lines that are not JSON objects and skipping blank ones', async () => {
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(file, `${line(1)}\nnot json\n\n   \n[1]\r\n${line(2)}\r\n{"cut":`);
    const events = readEvents([file]);
    expect((await all(events)).map((e) => e.n)).toEqual([1, 2]);
    expect(events.stats).toEqual({ lines: 5, events: 2, bad: 3 });
  });

  it('reads .gz files and expands globs in order', async () => {
    writeFileSync(join(dir, 'a.jsonl'), `${line(1)}\n${line(2)}\n`);
    writeFileSync(join(dir, 'b.jsonl.gz'), gzipSync(`${line(3)}\n${line(4)}`));
    writeFileSync(join(dir, 'c.txt'), `${line(99)}\n`);
    const events = await all(readEvents([join(dir, '[ab].jsonl*')]));
    expect(events.map((e) => e.n)).toEqual([1, 2, 3, 4]);
  });

  it('reads standard input as -, decoding UTF-8 split across chunks', async () => {
    const stdin = new PassThrough();
    const text = Buffer.from(`${JSON.stringify({ kind: 'job', name: 'café ☕' })}\n${line(5)}\n`);
    const cut = text.indexOf(Buffer.from('☕')) + 1; // in the middle of a multi-byte character
    stdin.write(text.subarray(0, cut));
    setTimeout(() => stdin.end(text.subarray(cut)), 10);
    const events = await all(readEvents('-', { stdin }));
    expect(events).toEqual([{ kind: 'job', name: 'café ☕' }, { kind: 'http', n: 5, user: { id: 'u_5' } }]);
  });

  it('hands skipped lines to onBadLine with their source', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, 'oops\n');
    const bad: [string, string][] = [];
    await all(readEvents([file], { onBadLine: (text, source) => bad.push([text, source]) }));
    expect(bad).toEqual([['oops', file]]);
  });

  it('names a missing file, a glob matching nothing and a broken .gz in one clear error', async () => {
    await expect(all(readEvents([join(dir, 'nope.jsonl')]))).rejects.toMatchObject({
      code: 'CANON_READ_SOURCE',
      message: `canon: no such file: ${join(dir, 'nope.jsonl')}`,
    });
    await expect(all(readEvents([join(dir, '*.nothing')]))).rejects.toThrow(`canon: no file matches ${join(dir, '*.nothing')}`);
    const broken = join(dir, 'broken.jsonl.gz');
    writeFileSync(broken, gzipSync(`${line(1)}\n`.repeat(100)).subarray(0, 30));
    await expect(all(readEvents([broken]))).rejects.toThrow(/^canon: cannot read .*broken\.jsonl\.gz: /);
  });
});
