import { describe, expect, it } from 'vitest';
import type { SampleConfig } from '../../src/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { traceFraction } from '../../src/sample/index.js';

const trace = (fraction: number) =>
  `${'a'.repeat(24)}${Math.floor(fraction * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0')}`;

async function sampled(sample: SampleConfig, traces: string[], fields: Record<string, unknown> = {}) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false, sample });
  for (const traceId of traces) {
    const unit = canon.startUnit({ kind: 'job', traceId });
    unit.enrich(fields);
    unit.end();
  }
  return { events: sink.events, stats: canon.stats() };
}

describe('tail sampling', () => {
  it('decides a probability from the trace id, so every service decides alike', async () => {
    const traces = [trace(0.05), trace(0.2), trace(0.49), trace(0.51), trace(0.9)];
    const first = await sampled(() => 0.5, traces);
    const second = await sampled({ rate: 0.5 }, traces);
    expect(first.events.map((e) => e.trace_id)).toEqual([traces[0], traces[1], traces[2]]);
    expect(second.events.map((e) => e.trace_id)).toEqual(first.events.map((e) => e.trace_id));
    expect(first.stats.sampled_out).toBe(2);
    expect(first.events.every((e) => e.sample_rate === 2)).toBe(true);
  });

  it('records sample_rate 1 for events kept outright and drops false', async () => {
    const { events, stats } = await sampled((event) => event.keep === true, [trace(0.99)], { keep: true });
    expect(events[0].sample_rate).toBe(1);
    expect((await sampled(() => false, [trace(0.01)])).stats.sampled_out).toBe(1);
    expect(stats.emitted).toBe(1);
  });

  it('keeps what `keep` selects regardless of rate', async () => {
    const { events } = await sampled({ rate: 0, keep: (event) => event.vip === true }, [trace(0.5)], {
      vip: true,
    });
    expect(events).toHaveLength(1);
    expect(events[0].sample_rate).toBe(1);
    expect(
      (await sampled({ rate: 0, keep: (event) => event.vip === true }, [trace(0.5)])).events,
    ).toHaveLength(0);
  });

  it('keeps about p of random traces, and every kept event says 1/p', async () => {
    const traces = Array.from({ length: 4000 }, () => crypto.randomUUID().replaceAll('-', ''));
    const { events } = await sampled(() => 0.25, traces);
    expect(events.length).toBeGreaterThan(800);
    expect(events.length).toBeLessThan(1200);
    expect(new Set(events.map((e) => e.sample_rate))).toEqual(new Set([4]));
  });

  it('sees the finalized event and keeps the event when the sampler throws', async () => {
    const seen: unknown[] = [];
    const { events } = await sampled(
      (event) => {
        seen.push(event.outcome);
        throw new Error('sampler bug');
      },
      [trace(0.5)],
    );
    expect(seen).toEqual(['success']);
    expect(events).toHaveLength(1);
  });

  it('maps the last 8 hex digits of the trace id to [0, 1)', () => {
    expect(traceFraction(`${'0'.repeat(24)}80000000`)).toBe(0.5);
    expect(traceFraction(`${'f'.repeat(24)}00000000`)).toBe(0);
  });
});
