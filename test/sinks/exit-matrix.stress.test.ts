/**
 * Zero lines lost at exit, whatever ends the process and wherever stdout goes: every
 * event of a sink that buffers them all (nothing written before the end) is counted in
 * the output. CRASH_SCALE=full: 50,000 events (the size); CI: 20,000.
 */
import { describe, expect, it } from 'vitest';
import { scaled } from '../helpers/crash.js';
import { expectAllEvents, runChild } from './exit-harness.js';

/** 50,000 events under CRASH_SCALE=full (the size), 20,000 in CI. */
const BUFFERED = scaled(20_000, 50_000);
/** Larger than all of them: every line is still in the sink's buffer when the process ends. */
const HOLD_ALL = 64 * 1024 * 1024;

describe.concurrent(`no line lost at exit: ${BUFFERED} buffered events × how the process ends × where stdout goes`, () => {
  const endings: { mode: string; signal?: NodeJS.Signals; code?: number; expectSignal?: NodeJS.Signals }[] = [
    { mode: 'exit', code: 0 },
    { mode: 'sigterm', signal: 'SIGTERM', expectSignal: 'SIGTERM' },
    { mode: 'sigint', signal: 'SIGINT', expectSignal: 'SIGINT' },
    { mode: 'uncaught', code: 1 },
    { mode: 'unhandled', code: 1 },
  ];
  for (const stdout of ['pipe', 'file', 'slow'] as const) {
    for (const ending of endings) {
      it(`${ending.mode}, stdout to a ${stdout === 'slow' ? 'slow reader' : stdout}`, { timeout: 90_000 }, async () => {
        const result = await runChild(ending.mode, BUFFERED, { signal: ending.signal, stdout, minLength: HOLD_ALL });
        if (ending.expectSignal) expect(result.signal).toBe(ending.expectSignal);
        else expect(result.code).toBe(ending.code);
        expectAllEvents(result.lines, BUFFERED);
      });
    }
  }
});
