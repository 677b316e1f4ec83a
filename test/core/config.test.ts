import { describe, expect, it } from 'vitest';
import { type CanonOptionError, createCanon, memorySink } from '../../src/index.js';

function optionError(fn: () => unknown): CanonOptionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    expect((err as CanonOptionError).code).toBe('CANON_INVALID_OPTION');
    return err as CanonOptionError;
  }
  throw new Error('expected createCanon to throw');
}

describe('createCanon options', () => {
  it.each([
    ['redact.strategy', { redact: { strategy: 'scramble', fields: ['a'] } }],
    ['redact.fields[0].strategy', { redact: { fields: [{ path: 'a', strategy: 'nope' }] } }],
    ['sample', { sample: 5 }],
    ['sample', { sample: 'always' }],
    ['sample.rate', { sample: { rate: 1.5 } }],
    ['sample.rate', { sample: { rate: -0.1 } }],
    ['sample.rate', { sample: { rate: Number.NaN } }],
    ['sample.keep', { sample: { rate: 0.5, keep: true } }],
    ['redact.fields', { redact: { fields: [''] } }],
    ['redact.fields', { redact: { fields: ['a..b'] } }],
    ['redact.fields', { redact: { fields: ['a. b'] } }],
    ['redact.fields[0]', { redact: { fields: [42] } }],
    ['redact.fields', { redact: { fields: 'user.email' } }],
    ['redact.salt', { redact: { strategy: 'hash', fields: ['user.email'] } }],
    ['redact.patterns[1]', { redact: { patterns: ['email', 'phone'] } }],
    ['sinks[0]', { sinks: [{}] }],
    ['sinks[1]', { sinks: [memorySink(), { write: 'stdout' }] }],
    ['sinks[0].flush', { sinks: [{ write() {}, flush: 1 }] }],
    ['sinks', { sinks: memorySink() }],
    ['schema', { schema: { parse() {} } }],
    ['onInvalid', { onInvalid: 'ignore' }],
    ['plugins[0].name', { plugins: [{ onStart() {} }] }],
    ['limits.depth', { limits: { depth: 0 } }],
    ['service', { service: 42 }],
    ['samples', { samples: () => true }],
  ])('names `%s` when it is invalid', (option, config) => {
    const err = optionError(() => createCanon(config as never));
    expect(err.option).toBe(option);
    expect(err.message).toContain(`\`${option}\``);
  });

  it('accepts a complete valid configuration', () => {
    const canon = createCanon({
      service: 'checkout',
      version: '1.4.2',
      fields: { region: 'eu-west-1' },
      redact: {
        enabled: true,
        strategy: 'hash',
        salt: 's',
        fields: ['user.email', { path: '**.password', strategy: 'remove' }],
        patterns: ['email', /sk_live_\w+/],
      },
      onInvalid: 'drop',
      sample: { rate: 0.5, keep: (event) => event.outcome === 'error' },
      sinks: [memorySink()],
      plugins: [{ name: 'noop' }],
      handleExit: false,
      includeStack: true,
      limits: { depth: 5 },
    });
    expect(canon.service).toBe('checkout');
  });

  it('takes the service name from the environment when not given', () => {
    const previous = process.env.SERVICE_NAME;
    process.env.SERVICE_NAME = 'from-env';
    try {
      expect(createCanon({ sinks: [], handleExit: false }).service).toBe('from-env');
    } finally {
      if (previous === undefined) delete process.env.SERVICE_NAME;
      else process.env.SERVICE_NAME = previous;
    }
  });
});
