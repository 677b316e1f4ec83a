import { describe, expect, it } from 'vitest';
import { consoleSink, createConsole, DEFAULT_CONSOLE_EVENTS } from '../../src/console/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { waitFor } from '../helpers/wait.js';

describe('consoleSink', () => {
  it('keeps the newest `size` lines, oldest first, with increasing ids', () => {
    const sink = consoleSink({ size: 3 });
    for (let i = 1; i <= 5; i++) sink.write(`{"n":${i}}`, { n: i });
    const entries = sink.entries();
    expect(entries.map((e) => e.line)).toEqual(['{"n":3}', '{"n":4}', '{"n":5}']);
    expect(sink.size).toBe(3);
    const ids = entries.map((e) => BigInt(e.id));
    expect(ids[0] < ids[1] && ids[1] < ids[2]).toBe(true);
    expect(sink.entries(2).map((e) => e.line)).toEqual(['{"n":4}', '{"n":5}']);
    expect(sink.entries(0)).toEqual([]);
  });

  it('is bounded at 10,000 events by default', () => {
    const sink = consoleSink();
    expect(sink.capacity).toBe(DEFAULT_CONSOLE_EVENTS);
    expect(DEFAULT_CONSOLE_EVENTS).toBe(10_000);
    for (let i = 0; i < 10_250; i++) sink.write(`{"n":${i}}`, { n: i });
    expect(sink.size).toBe(10_000);
    const entries = sink.entries();
    expect(entries).toHaveLength(10_000);
    expect(entries[0].line).toBe('{"n":250}');
    expect(entries.at(-1)!.line).toBe('{"n":10249}');
  });

  it('ids start above those of an earlier run (they are SSE ids a browser may still hold)', async () => {
    const first = consoleSink();
    first.write('{}', {});
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = consoleSink();
    second.write('{}', {});
    expect(BigInt(second.entries()[0].id)).toBeGreaterThan(BigInt(first.entries()[0].id));
  });

  it('tells subscribers about each new line; a throwing subscriber does not stop the others', () => {
    const sink = consoleSink({ size: 2 });
    const seen: string[] = [];
    sink.subscribe(() => {
      throw new Error('bad listener');
    });
    const stop = sink.subscribe((entry) => seen.push(entry.line));
    sink.write('{"a":1}', {});
    stop();
    sink.write('{"a":2}', {});
    expect(seen).toEqual(['{"a":1}']);
  });

  it.each([
    [{ size: 0 }, 'size'],
    [{ size: 1.5 }, 'size'],
    [{ size: '10' }, 'size'],
    [{ limit: 5 }, 'limit'],
  ])('rejects %j naming `%s`', (options, option) => {
    expect(() => consoleSink(options as never)).toThrow(expect.objectContaining({ code: 'CANON_INVALID_OPTION', option }));
  });

  it('works as an ordinary sink of an instance (the redacted line, as the other sinks get it)', async () => {
    const events = consoleSink();
    const memory = memorySink();
    const canon = createCanon({ sinks: [memory, events], handleExit: false, redact: { fields: ['user.email'] } });
    await canon.run({ kind: 'job', user: { email: 'ada@example.com' } }, () => {});
    await canon.flush();
    expect(events.entries().map((e) => e.line)).toEqual(memory.lines);
    expect(events.entries()[0].line).not.toContain('ada@example.com');
  });
});

describe('createConsole({ canon }) sees the instance without a sink', () => {
  it('gets every event the instance emits (post-redaction, post-sampling) and none of another instance', async () => {
    const memory = memorySink();
    const canon = createCanon({
      service: 'seen',
      sinks: [memory],
      handleExit: false,
      redact: { fields: ['user.email'], patterns: ['email'] },
      sample: (event) => event.keep === true,
    });
    const other = createCanon({ service: 'other', sinks: [memorySink()], handleExit: false });
    const handler = createConsole({ canon });
    try {
      await canon.run({ kind: 'job', keep: true, user: { email: 'ada@example.com' }, note: 'mail bob@example.com' }, () => {});
      await canon.run({ kind: 'job', keep: false }, () => {});
      await other.run({ kind: 'job', keep: true }, () => {});
      await waitFor(() => handler.sink.size === 1);
      const [entry] = handler.sink.entries();
      expect(entry.line).toBe(memory.lines[0]);
      expect(entry.line).not.toContain('@example.com');
      expect(JSON.parse(entry.line)).toMatchObject({ service: 'seen', user: { email: '[REDACTED]' } });
    } finally {
      await handler.close();
    }
    await canon.run({ kind: 'job', keep: true }, () => {});
    expect(handler.sink.size).toBe(1); // closed: no longer following
  });
});
