/**
 * Types of the emitted event, checked by `npm run typecheck` (tsc, strict): the docs'
 * sampling examples compile as written, standard fields are typed, user fields are
 * `unknown` (the sinks' `memorySink().events` keeps them `any` for assertions).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CanonEvent,
  type CanonPlugin,
  createCanon,
  type FinalizedEvent,
  memorySink,
  type NormalizedError,
  type SampleFn,
} from '../../src/index.js';

describe('the emitted event type', () => {
  it('compiles the docs examples of sample, keep and onFinalize, and they behave as written', async () => {
    const sink = memorySink();
    const plugin: CanonPlugin = {
      name: 'slow-flag',
      onFinalize: (copy) => {
        copy.slow = copy.duration_ms > 1000;
      },
    };
    const docsSample: SampleFn = (event) => event.status_code >= 500 || event.duration_ms > 2000 || 0.05;
    const canon = createCanon({ sinks: [sink], handleExit: false, plugins: [plugin], sample: docsSample });
    const keepErrors = createCanon({
      sinks: [sink],
      handleExit: false,
      sample: { rate: 0, keep: (event) => event.outcome === 'error' },
    });
    await canon.run({}, (event) => event.set('status_code', 503));
    await keepErrors.run({}, (event) => event.markError(new Error('kept')));
    await keepErrors.run({}, () => {}); // rate 0: dropped
    expect(sink.events).toMatchObject([
      { status_code: 503, outcome: 'error', sample_rate: 1, slow: false },
      { outcome: 'error', error: { message: 'kept' }, sample_rate: 1 },
    ]);
    // a job has no status_code: `undefined >= 500` is false, so the rule falls through to 0.05
    const job = { ...sink.events[1], status_code: undefined as unknown as number, duration_ms: 3 };
    expect(docsSample(job)).toBe(0.05);
  });

  it('types standard fields and leaves user fields unknown', () => {
    expectTypeOf<SampleFn>().parameter(0).toEqualTypeOf<FinalizedEvent>();
    expectTypeOf<FinalizedEvent['status_code']>().toEqualTypeOf<number>();
    expectTypeOf<FinalizedEvent['duration_ms']>().toEqualTypeOf<number>();
    expectTypeOf<FinalizedEvent['outcome']>().toEqualTypeOf<'success' | 'error' | 'aborted'>();
    expectTypeOf<FinalizedEvent['error']>().toEqualTypeOf<NormalizedError | undefined>();
    expectTypeOf<FinalizedEvent['route']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<FinalizedEvent['user']>().toEqualTypeOf<unknown>();
    expectTypeOf<CanonEvent['sample_rate']>().toEqualTypeOf<number>();
    expectTypeOf<ReturnType<typeof memorySink>['events'][number]['status_code']>().toEqualTypeOf<number>();
  });
});
