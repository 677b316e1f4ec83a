import { describe, expect, it } from 'vitest';
import { consume, type MessageSource } from '../../src/consumer/index.js';
import { CanonOptionError, createCanon, memorySink, runWithContext } from '../../src/index.js';

const source: MessageSource = {
  kind: 'test',
  consumer: 'test',
  subscribe: () => Promise.reject(new Error('not reached')),
  redrive: async () => 0,
};
const canon = createCanon({ service: 'test', sinks: [memorySink()], handleExit: false });

/** The message of the CanonOptionError `fn` throws or rejects with. */
async function messageOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CanonOptionError);
    return (err as Error).message;
  }
  throw new Error('expected a CanonOptionError');
}

describe('option errors describe the value they got', () => {
  it.each([
    ['a missing value', undefined, /, got undefined$/],
    ['null', null, /, got null$/],
    ['a string', 'handler', /, got the string "handler"$/],
    ['a number', 5, /, got number 5$/],
    ['a boolean', false, /, got boolean false$/],
    ['a symbol', Symbol('fn'), /, got symbol fn$/],
    ['an array', [], /, got an array$/],
    ['an object', {}, /, got an object$/],
  ])('%s', async (_name, value, expected) => {
    const message = await messageOf(() => runWithContext(undefined, value as never));
    expect(message).toMatch(/^canon: invalid option `runWithContext\(fn\)`: expected a function/);
    expect(message).toMatch(expected);
    expect(message).not.toMatch(/undefined undefined/);
  });

  it('names a function without printing its source', async () => {
    const secretive = () => 'source text with a token';
    const message = await messageOf(() => consume({ canon: secretive, source, handler: async () => {} } as never));
    expect(message).toBe('canon: invalid option `canon`: expected createCanon(...), got a function');
  });

  it('a factory missing a required option says "got undefined" once', async () => {
    const message = await messageOf(() => consume({ canon, source } as never));
    expect(message).toBe('canon: invalid option `handler`: expected (event, ctx) => Promise, got undefined');
  });
});
