/**
 * Property: every method of the event handle — enrich, set, count, time, markError, get,
 * and getWideEvent() — accepts any value without throwing into the caller, and the unit
 * still emits exactly one line of valid JSON. Through canon.run (10,000 cases) and
 * through a real Express server (the request is answered; 2% of the runs).
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonExpress, canonExpressError } from '../../src/frameworks/express/index.js';
import { createCanon, getWideEvent, type Sink, type WideEvent } from '../../src/index.js';
import { params, timeoutFor } from './settings.js';
import { anyPath, anyValue, cyclic, deep, throwingValue } from './values.js';

type Op =
  | { op: 'enrich'; value: unknown }
  | { op: 'set'; path: string; value: unknown }
  | { op: 'count'; path: string; value: unknown }
  | { op: 'time'; path: string }
  | { op: 'markError'; value: unknown; extra: unknown }
  | { op: 'get'; path: string };

const op = (values: fc.Arbitrary<unknown>): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({ op: fc.constant('enrich' as const), value: fc.oneof(values, fc.dictionary(fc.string({ maxLength: 6 }), values, { maxKeys: 4 })) }),
    fc.record({ op: fc.constant('set' as const), path: anyPath, value: values }),
    fc.record({ op: fc.constant('count' as const), path: anyPath, value: fc.oneof(fc.double(), values) }),
    fc.record({ op: fc.constant('time' as const), path: anyPath }),
    fc.record({ op: fc.constant('markError' as const), value: values, extra: values }),
    fc.record({ op: fc.constant('get' as const), path: anyPath }),
  );

/** Applies `ops` to `unit` (and through getWideEvent()); returns the first throw, if any. */
function apply(unit: WideEvent, ops: Op[]): unknown {
  try {
    for (const step of ops) {
      const target = getWideEvent() ?? unit;
      if (step.op === 'enrich') target.enrich(step.value as never);
      else if (step.op === 'set') target.set(step.path, step.value);
      else if (step.op === 'count') target.count(step.path, step.value as number);
      else if (step.op === 'time') target.time(step.path)();
      else if (step.op === 'markError') target.markError(step.value, step.extra as never);
      else target.get(step.path);
    }
    return undefined;
  } catch (error) {
    return error ?? new Error('threw a falsy value');
  }
}

function capture() {
  const lines: string[] = [];
  const sink: Sink = { write: (line) => void lines.push(line) };
  return { lines, canon: createCanon({ service: 'fuzz', sinks: [sink], handleExit: false }) };
}

async function oneLine(values: fc.Arbitrary<unknown>, share: number) {
  const { lines, canon } = capture();
  await fc.assert(
    fc.asyncProperty(fc.array(op(values), { minLength: 1, maxLength: 6 }), async (ops) => {
      const before = lines.length;
      let thrown: unknown;
      await canon.run({ kind: 'job' }, async (unit) => {
        thrown = apply(unit, ops);
      });
      expect(thrown).toBeUndefined();
      expect(lines.length - before).toBe(1);
      expect(() => JSON.parse(lines[lines.length - 1])).not.toThrow();
      lines.length = 0;
    }),
    params(share),
  );
  expect(canon.stats()).toMatchObject({ dropped: 0, sink_errors: 0 });
}

describe('the event handle takes any value', () => {
  it('acyclic values of every kind: no throw, one valid JSON line', { timeout: timeoutFor(3) }, async () => {
    await oneLine(anyValue, 1);
  });

  // issue 13, defect 1: cycles and 10,000-deep nesting used to overflow the deep merge;
  // getters and Proxy traps that threw escaped into the caller.
  it('cycles, 10,000-deep nesting, throwing getters and Proxies: no throw, one valid JSON line', {
    timeout: timeoutFor(3, 0.1),
  }, async () => {
    const shapes = fc.oneof(cyclic, throwingValue, fc.constantFrom(deep(10_000), deep(10_000, true), deep(100)));
    await oneLine(shapes, 0.1);
  });
});

describe('through a real Express server', () => {
  const { lines, canon } = capture();
  let ops: Op[] = [];
  let base = '';
  let close = () => {};
  beforeAll(async () => {
    const app = express();
    app.use(canonExpress(canon));
    app.get('/fuzz', (req, res) => {
      apply(req.canon, ops);
      res.json({ ok: true });
    });
    app.use(canonExpressError());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('the request is answered 200 and emits one valid line', { timeout: timeoutFor(20, 0.02) }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op(anyValue), { minLength: 1, maxLength: 6 }), async (generated) => {
        ops = generated;
        lines.length = 0;
        const res = await fetch(`${base}/fuzz`);
        expect(res.status).toBe(200);
        await res.arrayBuffer();
        await new Promise((resolve) => setImmediate(resolve));
        expect(lines).toHaveLength(1);
        expect(JSON.parse(lines[0])).toMatchObject({ status_code: 200 });
      }),
      params(0.02),
    );
  });
});
