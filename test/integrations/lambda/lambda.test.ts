/**
 * `canon/lambda`: the wrapped handler invoked as the Node.js runtime invokes it, with
 * the documented sample events of each source and a context object. The HTTP contract
 * runs through an HTTP API stand-in in test/contract; the freeze test is in
 * freeze.test.ts.
 */
import type { APIGatewayProxyEventV2, SQSBatchResponse, SQSEvent, SNSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { CanonOptionError, createCanon, getWideEvent, memorySink, type Sink } from '../../../src/index.js';
import { createEvent, defineEvent } from '../../../src/events/index.js';
import { canonLambda, forEachRecord, recordEvent } from '../../../src/integrations/lambda/index.js';
import { sleep, waitFor } from '../../helpers/wait.js';
import {
  albEvent,
  eventBridgeEvent,
  functionUrlEvent,
  httpApiEvent,
  lambdaContext,
  restEvent,
  scheduledEvent,
  snsEvent,
  sqsEvent,
} from './events.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const P = '00f067aa0ba902b7';

function setup(extraSinks: Sink[] = []) {
  const sink = memorySink();
  const canon = createCanon({ service: 'lambda', sinks: [sink, ...extraSinks], handleExit: false });
  return { sink, canon };
}

afterEach(() => {
  delete process.env._X_AMZN_TRACE_ID;
});

describe('canonLambda: HTTP sources', () => {
  it('API Gateway REST: standard fields, route from the resource, id echoed, faas fields (cold, then warm)', async () => {
    const { sink, canon } = setup();
    const handler = canonLambda(canon, async () => {
      getWideEvent()?.set('user.id', '42');
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"id":"42"}' };
    });
    const result = await handler(restEvent(), lambdaContext());
    const id = (result.headers as Record<string, string>)['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((result.headers as Record<string, string>)['content-type']).toBe('application/json');
    expect(sink.events[0]).toMatchObject({
      kind: 'http',
      method: 'GET',
      path: '/users/42',
      route: '/users/{id}',
      status_code: 200,
      response_size_bytes: 11,
      user_agent: 'curl/8.5.0',
      outcome: 'success',
      request_id: id,
      user: { id: '42' },
      faas: {
        name: 'orders-api',
        version: '$LATEST',
        invocation_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
        coldstart: true,
        trigger: 'http',
        source: 'api-gateway-rest',
      },
    });
    expect(sink.events[0].faas.remaining_ms).toBeGreaterThan(25_000);
    await handler(restEvent(), lambdaContext());
    expect(sink.events[1].faas.coldstart).toBe(false);
  });

  it('HTTP API: route from the route key, traceparent continued, a plain return value is a 200', async () => {
    const { sink, canon } = setup();
    const handler = canonLambda(canon, async (event: APIGatewayProxyEventV2) => ({ received: event.body }));
    const event = httpApiEvent();
    event.headers.traceparent = `00-${T}-${P}-01`;
    event.headers['x-request-id'] = 'v2-1';
    expect(await handler(event, lambdaContext())).toEqual({ received: '{"items": 3}' });
    expect(sink.events[0]).toMatchObject({
      method: 'POST',
      path: '/users/42/orders',
      route: '/users/{id}/orders',
      status_code: 200,
      request_id: 'v2-1',
      trace_id: T,
      parent_span_id: P,
      faas: { source: 'api-gateway-http' },
    });
    expect(sink.events[0].response_size_bytes).toBe(Buffer.byteLength('{"received":"{\\"items\\": 3}"}'));
  });

  it('function URL and ALB (multi-value headers): sources told apart, id echoed where the ALB reads headers', async () => {
    const { sink, canon } = setup();
    const handler = canonLambda(canon, async (event: { multiValueHeaders?: unknown }) =>
      event.multiValueHeaders
        ? { statusCode: 204, multiValueHeaders: { 'cache-control': ['no-store'] } }
        : { statusCode: 200, body: 'ok' },
    );
    await handler(functionUrlEvent() as never, lambdaContext());
    const alb = (await handler(albEvent() as never, lambdaContext())) as { multiValueHeaders: Record<string, string[]> };
    expect(alb.multiValueHeaders).toEqual({ 'cache-control': ['no-store'], 'x-request-id': ['alb-req-1'] });
    expect(sink.events[0]).toMatchObject({ path: '/health', faas: { source: 'function-url' }, status_code: 200 });
    expect(sink.events[0].route).toBeUndefined();
    expect(sink.events[1]).toMatchObject({
      path: '/lambda',
      request_id: 'alb-req-1',
      status_code: 204,
      response_size_bytes: 0,
      faas: { source: 'alb' },
    });
  });

  it('a thrown error is rethrown and recorded as what API Gateway answers (500 HTTP API, 502 REST)', async () => {
    const { sink, canon } = setup();
    const boom = new Error('db down');
    const handler = canonLambda(canon, async () => {
      throw boom;
    });
    await expect(handler(httpApiEvent() as never, lambdaContext())).rejects.toBe(boom);
    await expect(handler(restEvent() as never, lambdaContext())).rejects.toBe(boom);
    expect(sink.events.map((e) => [e.status_code, e.outcome, e.error?.message])).toEqual([
      [500, 'error', 'db down'],
      [502, 'error', 'db down'],
    ]);
  });

  it('a REST handler that returns no statusCode is recorded as the 502 the client gets', async () => {
    const { sink, canon } = setup();
    await canonLambda(canon, async () => 'hello')(restEvent() as never, lambdaContext());
    expect(sink.events[0]).toMatchObject({ status_code: 502, error: { type: 'MalformedProxyResponse' } });
  });

  it('picks up the invocation’s X-Ray trace when no traceparent came', async () => {
    const { sink, canon } = setup();
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const handler = canonLambda(canon, async () => ({ statusCode: 200 }));
    await handler(httpApiEvent() as never, lambdaContext());
    expect(sink.events[0]).toMatchObject({
      trace_id: '5759e988bd862e3fe1be46a994272793',
      parent_span_id: '53995c3f42cd8ad8',
    });
    const withHeader = httpApiEvent();
    withHeader.headers.traceparent = `00-${T}-${P}-01`;
    await handler(withHeader as never, lambdaContext());
    expect(sink.events[1]).toMatchObject({ trace_id: T, parent_span_id: P }); // W3C first
  });
});

describe('canonLambda: SQS and SNS batches', () => {
  it('emits one message event per record, with the consumers’ fields; batchItemFailures marks records', async () => {
    const { sink, canon } = setup();
    const event = sqsEvent(3);
    event.Records[1].attributes.ApproximateReceiveCount = '3';
    const handler = canonLambda(canon, async (batch: SQSEvent): Promise<SQSBatchResponse> => {
      expect(getWideEvent()).toBeUndefined(); // the batch itself is no unit
      return { batchItemFailures: [{ itemIdentifier: batch.Records[1].messageId }] };
    });
    await handler(event, lambdaContext());
    expect(sink.events).toHaveLength(3);
    const [first, second] = sink.events;
    expect(first).toMatchObject({
      kind: 'message',
      outcome: 'success',
      message: {
        source: 'sqs',
        subject_or_queue: 'my-queue',
        consumer: 'orders-api',
        attempt: 1,
        redelivered: false,
        id: event.Records[0].messageId,
        result: 'acked',
      },
      faas: { trigger: 'pubsub', source: 'sqs', invocation_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678' },
    });
    expect(first.message.lag_ms).toBeGreaterThanOrEqual(1_000);
    expect(first.message.max_attempts).toBeUndefined();
    expect(second).toMatchObject({
      outcome: 'error',
      error: { type: 'BatchItemFailure' },
      message: { attempt: 3, redelivered: true, result: 'retried' },
    });
    expect(new Set(sink.events.map((e) => e.request_id)).size).toBe(3);
  });

  it('forEachRecord runs fn inside each record’s unit and reports the records whose fn threw', async () => {
    const { sink, canon } = setup();
    const event = sqsEvent(3);
    const handler = canonLambda(canon, (batch: SQSEvent) =>
      forEachRecord(batch, async (record) => {
        const { order } = JSON.parse(record.body) as { order: number };
        await sleep(2);
        getWideEvent()?.set('order.n', order);
        expect(getWideEvent()).toBe(recordEvent(record));
        if (order === 2) throw Object.assign(new Error('out of stock'), { code: 'E_STOCK' });
      }),
    );
    const response = await handler(event, lambdaContext());
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[1].messageId }] });
    expect(sink.events.map((e) => [e.order.n, e.outcome, e.message.result])).toEqual([
      [1, 'success', 'acked'],
      [2, 'error', 'retried'],
      [3, 'success', 'acked'],
    ]);
    expect(sink.events[1].error).toMatchObject({ message: 'out of stock', code: 'E_STOCK' });
    for (const e of sink.events) expect(e.message.handler_ms).toBeGreaterThan(1);
  });

  it('forEachRecord with concurrency runs records at once; in a FIFO batch the first failure stops the rest', async () => {
    const { sink, canon } = setup();
    let running = 0;
    let most = 0;
    const parallel = canonLambda(canon, (batch: SQSEvent) =>
      forEachRecord(
        batch,
        async () => {
          most = Math.max(most, ++running);
          await sleep(10);
          running--;
        },
        { concurrency: 3 },
      ),
    );
    await parallel(sqsEvent(6), lambdaContext());
    expect(most).toBe(3);

    sink.events.length = 0;
    const ran: number[] = [];
    const fifo = sqsEvent(4, 'arn:aws:sqs:us-east-2:123456789012:orders.fifo');
    const ordered = canonLambda(canon, (batch: SQSEvent) =>
      forEachRecord(
        batch,
        async (record) => {
          const { order } = JSON.parse(record.body) as { order: number };
          ran.push(order);
          if (order === 2) throw new Error('failed');
        },
        { concurrency: 4 },
      ),
    );
    const response = await ordered(fifo, lambdaContext());
    expect(ran).toEqual([1, 2]);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      fifo.Records.slice(1).map((r) => r.messageId),
    );
    expect(sink.events.map((e) => e.error?.type)).toEqual([undefined, 'Error', 'FifoBatchStopped', 'FifoBatchStopped']);
    expect(sink.events[0].message.subject_or_queue).toBe('orders.fifo');
  });

  it('a handler that throws fails every record of the batch (all come back)', async () => {
    const { sink, canon } = setup();
    const handler = canonLambda(canon, async () => {
      throw new Error('poison');
    });
    await expect(handler(sqsEvent(2), lambdaContext())).rejects.toThrow('poison');
    expect(sink.events.map((e) => [e.outcome, e.message.result, e.error?.message])).toEqual([
      ['error', 'retried', 'poison'],
      ['error', 'retried', 'poison'],
    ]);
  });

  it('continues each record’s trace: traceparent attribute, AWSTraceHeader, or a Canon envelope body', async () => {
    const { sink, canon } = setup();
    const event = sqsEvent(3);
    event.Records[0].messageAttributes.traceparent = { dataType: 'String', stringValue: `00-${T}-${P}-01` };
    event.Records[1].attributes.AWSTraceHeader =
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const OrderPlaced = defineEvent('order.placed', { version: 1 });
    const envelope = createEvent(OrderPlaced, { id: 'o_1' }, { metadata: { trace_id: T, span_id: P } });
    event.Records[2].body = JSON.stringify(envelope);
    await canonLambda(canon, async () => undefined)(event, lambdaContext());
    expect(sink.events.map((e) => [e.trace_id, e.parent_span_id])).toEqual([
      [T, P],
      ['5759e988bd862e3fe1be46a994272793', '53995c3f42cd8ad8'],
      [T, P],
    ]);
    expect(sink.events[2]).toMatchObject({
      correlation_id: envelope.correlation_id,
      event: { id: envelope.id, type: 'order.placed', version: 1 },
    });
  });

  it('SNS: topic, message id and traceparent from the message attributes', async () => {
    const { sink, canon } = setup();
    const event = snsEvent();
    event.Records[0].Sns.MessageAttributes.traceparent = { Type: 'String', Value: `00-${T}-${P}-01` };
    const handler = canonLambda(canon, (batch: SNSEvent) =>
      forEachRecord(batch, (record) => {
        getWideEvent()?.set('text', record.Sns.Message);
      }),
    );
    expect(await handler(event, lambdaContext())).toEqual({ batchItemFailures: [] });
    expect(sink.events[0]).toMatchObject({
      kind: 'message',
      trace_id: T,
      text: 'Hello from SNS!',
      message: {
        source: 'sns',
        subject_or_queue: 'sns-lambda',
        id: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
        result: 'acked',
      },
      faas: { source: 'sns' },
    });
    expect(sink.events[0].message.lag_ms).toBeGreaterThanOrEqual(2_000);
  });
});

describe('canonLambda: EventBridge, schedules and direct invocations', () => {
  it('an EventBridge event is a message event with its detail-type; the handler runs in it', async () => {
    const { sink, canon } = setup();
    const handler = canonLambda(canon, async (event: { detail: { orderId: string } }) => {
      getWideEvent()?.set('order.id', event.detail.orderId);
    });
    await handler(eventBridgeEvent(), lambdaContext());
    expect(sink.events[0]).toMatchObject({
      kind: 'message',
      order: { id: 'o_1' },
      message: {
        source: 'eventbridge',
        subject_or_queue: 'com.example.orders',
        id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
        detail_type: 'Order Placed',
      },
      faas: { trigger: 'pubsub', source: 'eventbridge' },
    });
  });

  it('a scheduled rule is a job named after the rule; a direct invocation a job named after the function', async () => {
    const { sink, canon } = setup();
    process.env._X_AMZN_TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0';
    const handler = canonLambda(canon, async () => ({ done: true }));
    expect(await handler(scheduledEvent() as never, lambdaContext())).toEqual({ done: true });
    await handler({ anything: 1 } as never, lambdaContext());
    expect(sink.events[0]).toMatchObject({
      kind: 'job',
      job: { name: 'nightly-report', scheduled_time: '2026-12-06T07:00:00Z' },
      trace_id: '5759e988bd862e3fe1be46a994272793',
      faas: { trigger: 'timer', source: 'schedule' },
    });
    expect(sink.events[1]).toMatchObject({ kind: 'job', job: { name: 'orders-api' }, faas: { source: 'other' } });
  });
});

describe('canonLambda: the end of an invocation', () => {
  it('resolves only after every sink has flushed', async () => {
    let flushed = false;
    const slowSink: Sink = {
      write() {},
      async flush() {
        await sleep(30); // slow on purpose
        flushed = true;
      },
    };
    const { canon } = setup([slowSink]);
    await canonLambda(canon, async () => ({ statusCode: 200 }))(httpApiEvent() as never, lambdaContext());
    expect(flushed).toBe(true);
  });

  it('emits the events as LambdaTimeout shortly before the invocation would time out', async () => {
    const { sink, canon } = setup();
    let settled = false;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const handler = canonLambda(
      canon,
      async () => {
        await held; // still running when the guard fires
        settled = true;
        return { statusCode: 200 };
      },
      { timeoutMarginMs: 1_500 },
    );
    const pending = handler(httpApiEvent() as never, lambdaContext(2_000)); // the guard fires ~500 ms in
    const event = await waitFor(() => sink.events[0], 5_000, 'the timeout event');
    expect(settled).toBe(false);
    expect(event).toMatchObject({ status_code: 500, outcome: 'error', error: { type: 'LambdaTimeout' } });
    // the margin is honoured (never earlier), and the event is out before the deadline: a
    // machine would have to stall 1.5 s for it to be late
    expect(event.faas.remaining_ms).toBeLessThanOrEqual(1_500);
    expect(event.faas.remaining_ms).toBeGreaterThan(0);
    release();
    await pending;
    expect(sink.events).toHaveLength(1); // the late result adds no second event
  });

  it("waits for the context's own clock: a timer that fires while more than the margin is left does not emit yet", async () => {
    const { sink, canon } = setup();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let deadline = Date.now() + 1_000;
    const context = lambdaContext(1_000, { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) });
    const pending = canonLambda(canon, () => held.then(() => ({ statusCode: 200 })), { timeoutMarginMs: 800 })(httpApiEvent() as never, context);
    deadline += 300; // the guard's timer (~200 ms) now runs ahead of the context's clock by 300 ms
    const event = await waitFor(() => sink.events[0], 5_000, 'the timeout event');
    expect(event).toMatchObject({ error: { type: 'LambdaTimeout' } });
    expect(event.faas.remaining_ms).toBeLessThanOrEqual(800); // ~1,100 had it fired on the first timer
    expect(event.faas.remaining_ms).toBeGreaterThan(0);
    release();
    await pending;
  });

  it('arms no timeout guard when the invocation starts with less time than the margin', async () => {
    const { sink, canon } = setup();
    const handler = canonLambda(canon, async () => {
      await sleep(20);
      return { statusCode: 200 };
    });
    await handler(httpApiEvent() as never, lambdaContext(300)); // 300 ms left, margin 500
    expect(sink.events[0]).toMatchObject({ status_code: 200, outcome: 'success' });
  });

  it('rejects bad arguments when wrapping, naming them', () => {
    const { canon } = setup();
    const ok = async () => undefined;
    for (const [call, option] of [
      [() => canonLambda({} as never, ok), 'canonLambda(canon)'],
      [() => canonLambda(canon, 'handler' as never), 'canonLambda(handler)'],
      [() => canonLambda(canon, ((_e: unknown, _c: unknown, _cb: unknown) => undefined) as never), 'canonLambda(handler)'],
      [() => canonLambda(canon, ok, { timeoutMarginMs: -1 }), 'timeoutMarginMs'],
      [() => canonLambda(canon, ok, { timeout: 1 } as never), 'timeout'],
    ] as const) {
      expect(call, option).toThrow(CanonOptionError);
      try {
        call();
      } catch (err) {
        expect((err as CanonOptionError).option, option).toBe(option);
      }
    }
  });

  it('forEachRecord refuses what is not a batch, and a bad concurrency', async () => {
    await expect(forEachRecord({} as never, () => {})).rejects.toMatchObject({ option: 'forEachRecord(event)' });
    await expect(forEachRecord(sqsEvent(1), 'fn' as never)).rejects.toMatchObject({ option: 'forEachRecord(fn)' });
    await expect(forEachRecord(sqsEvent(1), () => {}, { concurrency: 0 })).rejects.toMatchObject({
      option: 'concurrency',
    });
  });
});
