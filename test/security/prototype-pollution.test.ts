/**
 * Prototype pollution through every path where Canon merges or writes caller data: the
 * event handle (enrich, set, count, time, markError's extra), createCanon's static fields,
 * canon.run's fields, event creation and CloudEvents/consumer decoding. Payloads are
 * JSON-parsed, as a request body would be (JSON.parse makes `__proto__` an own key).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/consumer/decode.js';
import { createEvent, defineEvent, fromCloudEvent, toCloudEvent } from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';

const PAYLOADS = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"a":{"__proto__":{"polluted":"yes"}}}',
  '{"a":[{"__proto__":{"polluted":"yes"}}]}',
];
const PATHS = ['__proto__.polluted', 'constructor.prototype.polluted', 'a.__proto__.polluted', 'prototype.polluted'];
const Placed = defineEvent('order.placed');

function expectClean() {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
  expect((Object as unknown as Record<string, unknown>).polluted).toBeUndefined();
}

afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).polluted; // never leave a polluted runner behind
});

describe('prototype pollution', () => {
  it('enrich, set, count, time and markError never write through __proto__/constructor/prototype', async () => {
    const sink = memorySink();
    const canon = createCanon({ service: 'pp', sinks: [sink], handleExit: false });
    await canon.run({ kind: 'job' }, async (unit) => {
      for (const payload of PAYLOADS) unit.enrich(JSON.parse(payload));
      for (const path of PATHS) {
        unit.set(path, 'yes');
        unit.count(path);
        unit.time(path)();
        unit.markError(new Error('x'), JSON.parse(PAYLOADS[0]));
      }
    });
    expectClean();
    expect(sink.events).toHaveLength(1);
    expect(JSON.stringify(sink.events[0])).not.toContain('"polluted"');
  });

  it("createCanon's fields and canon.run's fields", async () => {
    for (const payload of PAYLOADS) {
      const sink = memorySink();
      const canon = createCanon({ service: 'pp', fields: JSON.parse(payload), sinks: [sink], handleExit: false });
      await canon.run(JSON.parse(payload), async () => {});
      expectClean();
      expect(sink.events).toHaveLength(1);
    }
  });

  it('event creation, CloudEvents and consumer decoding', () => {
    for (const payload of PAYLOADS) {
      const event = createEvent(Placed, JSON.parse(payload));
      const round = fromCloudEvent(JSON.parse(JSON.stringify(toCloudEvent(event))));
      expect(round.data).toEqual(event.data);
      const body = JSON.stringify({ ...JSON.parse(JSON.stringify(event)), metadata: JSON.parse(payload) });
      decodeBody(body);
      expectClean();
    }
  });
});
