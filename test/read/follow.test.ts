import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EventRecord, followEvents } from '../../src/read/index.js';
import { waitFor } from '../helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'canon-follow-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const line = (n: number) => `${JSON.stringify({ kind: 'http', n })}\n`;

async function following(file: string, options: Parameters<typeof followEvents>[2] = {}) {
  const seen: number[] = [];
  const follower = await followEvents([file], (event: EventRecord) => seen.push(event.n as number), { pollMs: 20, ...options });
  return { seen, follower };
}

describe('followEvents', () => {
  it('starts with the last N lines, then reads what is appended, a line split across writes once', async () => {
    const file = join(dir, 'grow.jsonl');
    writeFileSync(file, [1, 2, 3, 4].map(line).join(''));
    const { seen, follower } = await following(file, { lines: 2 });
    expect(seen).toEqual([3, 4]);
    appendFileSync(file, line(5));
    const half = line(6);
    appendFileSync(file, half.slice(0, 8));
    await waitFor(() => seen.length === 3, 5000, 'line 5');
    appendFileSync(file, `${half.slice(8)}not json\n`);
    await waitFor(() => seen.length === 4, 5000, 'line 6');
    await waitFor(() => follower.stats.bad === 1, 5000, 'the bad line');
    await follower.stop();
    expect(seen).toEqual([3, 4, 5, 6]);
    expect(follower.stats).toEqual({ lines: 5, events: 4, bad: 1 });
  });

  it('follows the name through a rotation: the rest of the old file, then the new one from its start', async () => {
    const file = join(dir, 'app.jsonl');
    writeFileSync(file, line(1));
    const { seen, follower } = await following(file);
    appendFileSync(file, line(2));
    await waitFor(() => seen.includes(2), 5000, 'line 2');
    appendFileSync(file, line(3)); // written just before the rotation
    renameSync(file, `${file}.1`);
    writeFileSync(file, line(4));
    appendFileSync(file, line(5));
    await waitFor(() => seen.includes(5), 5000, 'lines of the new file');
    await follower.stop();
    expect(seen).toEqual([2, 3, 4, 5]);
  });

  it('starts over when the file is truncated in place (copytruncate), and waits for a file that is not there yet', async () => {
    const file = join(dir, 'later.jsonl');
    const { seen, follower } = await following(file);
    writeFileSync(file, line(1) + line(2));
    await waitFor(() => seen.length === 2, 5000, 'the new file');
    truncateSync(file, 0);
    appendFileSync(file, line(3)); // shorter than what was read: seen as a truncation whenever the poll comes
    await waitFor(() => seen.includes(3), 5000, 'line after truncation');
    await follower.stop();
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuses what cannot grow: standard input and .gz files', async () => {
    await expect(followEvents(['-'], () => {})).rejects.toThrow('canon: cannot follow standard input');
    await expect(followEvents([join(dir, 'x.jsonl.gz')], () => {})).rejects.toThrow(/cannot follow .*x\.jsonl\.gz \(a \.gz file does not grow\)/);
  });
});
