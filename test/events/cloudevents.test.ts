import { CloudEvent, HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import {
  type CanonError,
  createEvent,
  defineEvent,
  fromCloudEvent,
  toCloudEvent,
} from '../../src/events/index.js';
import { createCanon, memorySink } from '../../src/index.js';

const OrderPlaced = defineEvent('order.placed', { version: 3 });

async function tracedEvent() {
  const canon = createCanon({ service: 'shop', sinks: [memorySink()], handleExit: false });
  return canon.run({}, () =>
    createEvent(
      OrderPlaced,
      { order_id: 'o_1', total: 42 },
      { causation_id: 'cause-1', metadata: { tenant: 'acme', region: 'eu' } },
    ),
  );
}

describe('toCloudEvent', () => {
  it('structured mode passes the cloudevents SDK validation and carries every envelope field', async () => {
    const event = await tracedEvent();
    const ce = toCloudEvent(event);
    expect(ce).toMatchObject({
      specversion: '1.0',
      id: event.id,
      source: 'shop',
      type: 'order.placed',
      time: event.timestamp,
      datacontenttype: 'application/json',
      eventversion: 3,
      correlationid: event.correlation_id,
      causationid: 'cause-1',
      traceparent: `00-${event.metadata.trace_id}-${event.metadata.span_id}-01`,
      tenant: 'acme',
      region: 'eu',
      data: { order_id: 'o_1', total: 42 },
    });
    const sdk = new CloudEvent(ce as never); // validates (throws ValidationError when invalid)
    expect(sdk.validate()).toBe(true);
    expect(sdk.correlationid).toBe(event.correlation_id);
  });

  it('binary mode gives ce-* headers the SDK reads back as the same event', async () => {
    const event = await tracedEvent();
    const message = toCloudEvent(event, { mode: 'binary' });
    expect(message.headers).toMatchObject({
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': event.id,
      'ce-type': 'order.placed',
      'ce-correlationid': event.correlation_id,
      'ce-eventversion': '3',
    });
    const sdk = HTTP.toEvent({ headers: message.headers, body: message.body }) as CloudEvent<unknown>;
    expect(sdk.validate()).toBe(true);
    expect(sdk.id).toBe(event.id);
    expect(sdk.data).toEqual(event.data);
    expect(sdk.traceparent).toBe(`00-${event.metadata.trace_id}-${event.metadata.span_id}-01`);
  });

  it('packs metadata that cannot be an extension into canonmetadata and still validates', () => {
    const event = createEvent(
      OrderPlaced,
      {},
      { metadata: { userAgent: 'x', nested: { a: 1 }, ratio: 0.5 } },
    );
    const ce = toCloudEvent(event);
    expect(JSON.parse(ce.canonmetadata as string)).toEqual({ userAgent: 'x', nested: { a: 1 }, ratio: 0.5 });
    expect(new CloudEvent(ce as never).validate()).toBe(true);
  });

  it('maps the trace’s tracestate to the distributed-tracing extension, only next to its traceparent', () => {
    const trace = { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' };
    const traced = createEvent(OrderPlaced, {}, { metadata: { ...trace, tracestate: 'rojo=1,congo=2' } });
    const ce = toCloudEvent(traced);
    expect(ce).toMatchObject({ traceparent: `00-${trace.trace_id}-${trace.span_id}-01`, tracestate: 'rojo=1,congo=2' });
    expect(new CloudEvent(ce as never).validate()).toBe(true);
    expect(fromCloudEvent(toCloudEvent(traced, { mode: 'binary' }))).toEqual(traced);
    // without a trace, or invalid, it is no tracestate attribute (kept in canonmetadata)
    const alone = createEvent(OrderPlaced, {}, { metadata: { tracestate: 'rojo=1' } });
    expect(toCloudEvent(alone)).not.toHaveProperty('tracestate');
    expect(fromCloudEvent(toCloudEvent(alone)).metadata).toEqual({ tracestate: 'rojo=1' });
    const invalid = createEvent(OrderPlaced, {}, { metadata: { ...trace, tracestate: 'Rojo=1' } });
    expect(toCloudEvent(invalid)).not.toHaveProperty('tracestate');
  });

  it('refuses a bad mode', () => {
    expect(() => toCloudEvent(createEvent(OrderPlaced, {}), { mode: 'stream' } as never)).toThrow(/`mode`/);
  });
});

describe('fromCloudEvent', () => {
  it('round-trips structured objects, JSON strings and binary messages', async () => {
    const event = await tracedEvent();
    expect(fromCloudEvent(toCloudEvent(event))).toEqual(event);
    expect(fromCloudEvent(JSON.stringify(toCloudEvent(event)))).toEqual(event);
    expect(fromCloudEvent(toCloudEvent(event, { mode: 'binary' }))).toEqual(event);
    const odd = createEvent(
      OrderPlaced,
      { s: 'é "q" 100%' },
      { source: 'urn:shop eu', metadata: { note: 'ça va' } },
    );
    expect(fromCloudEvent(toCloudEvent(odd, { mode: 'binary' }))).toEqual(odd);
  });

  it('reads events produced by the cloudevents SDK (binary and structured HTTP)', () => {
    const sdk = new CloudEvent({
      source: '/billing',
      type: 'invoice.paid',
      data: { invoice: 'in_1' },
      correlationid: 'c-9',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      partitionkey: 'acct-1',
    });
    for (const message of [HTTP.binary(sdk), HTTP.structured(sdk)]) {
      const event = fromCloudEvent({ headers: message.headers, body: message.body });
      expect(event).toMatchObject({
        id: sdk.id,
        type: 'invoice.paid',
        version: 1,
        source: '/billing',
        correlation_id: 'c-9',
        causation_id: null,
        data: { invoice: 'in_1' },
        metadata: {
          trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
          span_id: '00f067aa0ba902b7',
          partitionkey: 'acct-1',
        },
      });
    }
  });

  it('takes the event id as correlation when none is given (a root event)', () => {
    const event = fromCloudEvent({ specversion: '1.0', id: 'e1', source: 's', type: 'a.b', data: 1 });
    expect(event).toMatchObject({ correlation_id: 'e1', version: 1, data: 1 });
  });

  it.each([
    [{ specversion: '0.3', id: 'e', source: 's', type: 'a.b' }, 'specversion'],
    [{ specversion: '1.0', source: 's', type: 'a.b' }, 'id'],
    [{ specversion: '1.0', id: 'e', type: 'a.b' }, 'source'],
    [{ specversion: '1.0', id: 'e', source: 's', type: '' }, 'type'],
    [{ specversion: '1.0', id: 'e', source: 's', type: 'a.b', eventversion: 'two' }, 'eventversion'],
  ])('refuses %j naming %s', (input, attribute) => {
    try {
      fromCloudEvent(input);
      throw new Error('expected a throw');
    } catch (err) {
      expect((err as CanonError).code).toBe('CANON_INVALID_CLOUDEVENT');
      expect((err as Error).message).toContain(`\`${attribute}\``);
    }
  });

  it('refuses input that is not JSON or not an object', () => {
    expect(() => fromCloudEvent('{nope')).toThrow(/not valid JSON/);
    expect(() => fromCloudEvent(42)).toThrow(/expected a CloudEvent/);
  });
});
