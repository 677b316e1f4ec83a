import { describe, expect, it } from 'vitest';
import { frameEvent } from '../../src/sse/framing.js';
import { toDelivery } from '../../src/sse/message.js';
import { ChunkJoiner, splitPayload } from '../../src/sse/pg-chunks.js';
import { ReplayBuffer } from '../../src/sse/replay-buffer.js';

const delivery = (seq: number, id?: string) =>
  toDelivery(seq, { c: 'a', d: `e${seq}`, ...(id ? { i: id } : {}) });

function fill(buffer: ReplayBuffer, seqs: number[]) {
  for (const seq of seqs) if (buffer.advance(seq) !== 'duplicate') buffer.push(delivery(seq));
}

describe('ReplayBuffer', () => {
  it('never replays across a gap in the sequence (messages a subscriber missed)', () => {
    const buffer = new ReplayBuffer(100);
    fill(buffer, [10, 11, 12, 15, 16]);
    expect(buffer.since(12)).toBeUndefined(); // 13 and 14 were never seen
    expect(buffer.since(14)?.map((d) => d.seq)).toEqual([15, 16]);
    expect(buffer.since(16)).toEqual([]);
  });

  it('ignores duplicates and knows nothing before its first message', () => {
    const buffer = new ReplayBuffer(100);
    expect(buffer.since(1)).toBeUndefined();
    fill(buffer, [5, 6, 6, 5, 7]);
    expect(buffer.since(4)?.map((d) => d.seq)).toEqual([5, 6, 7]);
    expect(buffer.since(3)).toBeUndefined();
  });

  it('wraps around its capacity and forgets evicted custom ids', () => {
    const buffer = new ReplayBuffer(3, 0);
    for (let seq = 1; seq <= 7; seq++) {
      buffer.advance(seq);
      buffer.push(delivery(seq, seq === 2 ? 'custom' : undefined));
    }
    expect(buffer.since(4)?.map((d) => d.seq)).toEqual([5, 6, 7]);
    expect(buffer.since(3)).toBeUndefined();
    expect(buffer.resolve('custom')).toBeUndefined();
    expect(buffer.resolve('7')).toBe(7);
  });
});

describe('NOTIFY chunks', () => {
  it('splits without breaking surrogate pairs and joins back in any order', () => {
    const payload = `${'a'.repeat(1_999)}😀${'b'.repeat(5_000)}`;
    const chunks = splitPayload(payload);
    expect(chunks.every((c) => Buffer.byteLength(c) < 7_900)).toBe(true);
    expect(chunks.join('')).toBe(payload);
    expect(chunks[0].endsWith('a')).toBe(true); // the pair moved whole to the next chunk
    const joiner = new ChunkJoiner();
    const notes = chunks.map((c, i) => `9:${i + 1}:${chunks.length}:${c}`).reverse();
    const results = notes.map((n) => joiner.add(n));
    expect(results.slice(0, -1).every((r) => r === undefined)).toBe(true);
    expect(results.at(-1)).toEqual([9, payload]);
    expect(joiner.add('garbage')).toBeUndefined();
  });
});

describe('frameEvent', () => {
  it('writes id, event and one data line per line', () => {
    expect(frameEvent('1', undefined, 'x')).toBe('id: 1\ndata: x\n\n');
    expect(frameEvent('2', 'tick', 'a\r\nb\rc\n')).toBe(
      'id: 2\nevent: tick\ndata: a\ndata: b\ndata: c\ndata: \n\n',
    );
    expect(frameEvent(undefined, 'reset', '')).toBe('event: reset\ndata: \n\n');
  });
});
