import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCanon, memorySink } from '../../src/index.js';

const schema = z.object({
  user: z.object({ id: z.string() }),
  status_code: z.number().optional(),
});

async function run(config: Parameters<typeof createCanon>[0], fields: Record<string, unknown>) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false, ...config });
  await canon.run({}, (event) => event.enrich(fields));
  await canon.flush();
  return { events: sink.events, stats: canon.stats() };
}

describe('schema validation', () => {
  it('annotates invalid events with schema_errors and still emits them', async () => {
    const { events, stats } = await run({ schema }, { user: { id: 42 } });
    expect(events).toHaveLength(1);
    expect(events[0].schema_errors).toEqual([{ path: 'user.id', message: expect.any(String) }]);
    expect(stats.invalid).toBe(1);
  });

  it('emits valid events unchanged (the schema output never replaces the event)', async () => {
    const { events } = await run({ schema }, { user: { id: 'u1' }, extra: 'kept even though zod strips it' });
    expect(events[0].schema_errors).toBeUndefined();
    expect(events[0].extra).toBe('kept even though zod strips it');
  });

  it('drops invalid events and counts them with onInvalid: drop', async () => {
    const { events, stats } = await run({ schema, onInvalid: 'drop' }, { user: {} });
    expect(events).toHaveLength(0);
    expect(stats).toMatchObject({ invalid: 1, emitted: 0 });
  });

  it('validates the redacted copy', async () => {
    const { events } = await run(
      { schema: z.object({ token: z.literal('[REDACTED]') }), redact: { fields: ['token'] } },
      { token: 'secret' },
    );
    expect(events[0].schema_errors).toBeUndefined();
  });

  it('supports async schemas (zod async refinements) and valibot', async () => {
    const asyncSchema = z
      .object({ user: z.object({ id: z.string() }) })
      .refine(async (e) => e.user.id !== 'banned', {
        message: 'banned user',
        path: ['user', 'id'],
      });
    const { events, stats } = await run({ schema: asyncSchema }, { user: { id: 'banned' } });
    expect(events[0].schema_errors).toEqual([{ path: 'user.id', message: 'banned user' }]);
    expect(stats.invalid).toBe(1);
    const valibot = await run(
      { schema: v.object({ user: v.object({ id: v.string() }) }) },
      { user: { id: 1 } },
    );
    expect(valibot.events[0].schema_errors?.[0].path).toBe('user.id');
  });

  it('reports a schema that throws instead of losing the event', async () => {
    const broken = {
      '~standard': {
        version: 1,
        vendor: 'x',
        validate: () => {
          throw new Error('bug');
        },
      },
    };
    const { events } = await run({ schema: broken as never }, {});
    expect(events[0].schema_errors).toEqual([{ path: '', message: 'schema threw: bug' }]);
  });
});
