import diagnostics_channel from 'node:diagnostics_channel';
import { afterEach, describe, expect, it } from 'vitest';
import { createCanon, memorySink } from '../../src/index.js';

describe('diagnostics_channel canon:event', () => {
  const seen: { canon: unknown; event: Record<string, unknown> }[] = [];
  const listener = (message: unknown) => seen.push(message as (typeof seen)[number]);
  afterEach(() => {
    diagnostics_channel.unsubscribe('canon:event', listener);
    seen.length = 0;
  });

  it('publishes { canon, event } for each event written to the sinks: redacted, sampled, the sinks’ object', async () => {
    diagnostics_channel.subscribe('canon:event', listener);
    const captured: unknown[] = [];
    const sink = memorySink();
    const canon = createCanon({
      sinks: [sink, { write: (_line, event) => void captured.push(event) }],
      handleExit: false,
      redact: { fields: ['password'] },
      sample: (event) => event.keep === true,
    });
    await canon.run({ kind: 'job', keep: true, password: 'hunter2' }, () => {});
    await canon.run({ kind: 'job', keep: false }, () => {});
    expect(seen).toHaveLength(1);
    expect(seen[0].canon).toBe(canon);
    expect(seen[0].event).toBe(captured[0]);
    expect(JSON.stringify(seen[0].event)).toBe(sink.lines[0]);
    expect(seen[0].event.password).toBe('[REDACTED]');
  });

  it('events dropped by validation are not published', async () => {
    diagnostics_channel.subscribe('canon:event', listener);
    const canon = createCanon({
      sinks: [memorySink()],
      handleExit: false,
      onInvalid: 'drop',
      schema: {
        '~standard': {
          version: 1,
          vendor: 'test',
          validate: (value: unknown) =>
            (value as { ok?: boolean }).ok ? { value } : { issues: [{ message: 'not ok', path: ['ok'] }] },
        },
      },
    });
    await canon.run({ kind: 'job', ok: false }, () => {});
    await canon.run({ kind: 'job', ok: true }, () => {});
    expect(seen.map((m) => m.event.ok)).toEqual([true]);
  });
});
