import http from 'node:http';
import { context, createTraceState, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, type ExportedContext, exportContext, memorySink } from '../../src/index.js';
import { otelBridge } from '../../src/otel/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();
const tracer = trace.getTracer('test');

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
});
afterEach(() => exporter.reset());
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});

function setup(options?: Parameters<typeof otelBridge>[0]) {
  const sink = memorySink();
  const canon = createCanon({
    service: 'otel-test',
    sinks: [sink],
    handleExit: false,
    redact: { fields: ['user.email'] },
    plugins: [otelBridge(options)],
  });
  return { sink, canon };
}

const finished = (name: string) => exporter.getFinishedSpans().find((span) => span.name === name);

describe('otelBridge', () => {
  it('gives a unit started inside an active span that span’s ids, and copies the event onto it', async () => {
    const { sink, canon } = setup();
    await tracer.startActiveSpan('outer', async (outer) => {
      await tracer.startActiveSpan('job', async (span) => {
        await canon.run({ kind: 'job' }, (event) => {
          event.enrich({
            user: { id: 'u_1', email: 'ada@example.com', roles: ['admin', 'dev'] },
            cart: { items: 3 },
          });
        });
        span.end();
      });
      outer.end();
    });
    const event = sink.events[0];
    const job = finished('job')!;
    const outer = finished('outer')!;
    expect(event.trace_id).toBe(job.spanContext().traceId);
    expect(event.span_id).toBe(job.spanContext().spanId);
    expect(event.parent_span_id).toBe(outer.spanContext().spanId);
    expect(job.attributes).toMatchObject({
      'user.id': 'u_1',
      'user.email': '[REDACTED]', // the redacted copy is what reaches the span
      'user.roles': ['admin', 'dev'],
      'cart.items': 3,
      kind: 'job',
      service: 'otel-test',
      outcome: 'success',
    });
    expect(job.attributes.trace_id).toBeUndefined();
  });

  it('bridges a server span an instrumentation ends on finish, before Canon emits on close', async () => {
    const { sink, canon } = setup({ attributePrefix: 'app.' });
    const listener = canonNode(canon, (req, res) => {
      req.canon.set('order.id', 'o_42');
      res.end('ok');
    });
    // what @opentelemetry/instrumentation-http does: an active SERVER span, ended on 'finish'
    const server = await listen(
      http.createServer((req, res) => {
        const span = tracer.startSpan('GET', { kind: SpanKind.SERVER });
        res.on('finish', () => span.end());
        context.with(trace.setSpan(context.active(), span), () => listener(req, res));
      }),
    );
    try {
      await fetch(`${server.url}/orders`).then((res) => res.text());
      const event = await waitFor(() => sink.events[0]);
      const span = await waitFor(() => finished('GET'));
      expect(event.span_id).toBe(span.spanContext().spanId);
      expect(event.trace_id).toBe(span.spanContext().traceId);
      expect(span.attributes).toMatchObject({
        'app.order.id': 'o_42',
        'app.status_code': 200,
        'app.path': '/orders',
      });
    } finally {
      await server.close();
    }
  });

  it('a child unit inside a bridged unit gets its own span id, parented to the request', async () => {
    const { sink, canon } = setup();
    await tracer.startActiveSpan('request', async (span) => {
      await canon.run({ kind: 'job' }, async () => {
        await canon.run({ kind: 'job', step: 'child' }, () => {});
      });
      span.end();
    });
    const [child, parent] = sink.events;
    expect(child.step).toBe('child');
    expect(parent.span_id).toBe(finished('request')!.spanContext().spanId);
    expect(child.trace_id).toBe(parent.trace_id);
    expect(child.parent_span_id).toBe(parent.span_id);
    expect(child.span_id).not.toBe(parent.span_id);
  });

  it('without an active span keeps Canon’s own ids and starts no span by default', async () => {
    const { sink, canon } = setup();
    await canon.run({}, () => {});
    expect(sink.events[0].trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('startSpans: one span per request, child of the incoming traceparent, named by route, error status', async () => {
    const { sink, canon } = setup({ startSpans: true });
    const server = await listen(
      http.createServer(
        canonNode(canon, (req, res) => {
          req.canon.set('route', '/orders/:id');
          if (req.url === '/orders/bad') throw new Error('no such order');
          res.end('ok');
        }),
      ),
    );
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    try {
      await fetch(`${server.url}/orders/1`, { headers: { traceparent } }).then((res) => res.text());
      await fetch(`${server.url}/orders/bad`).then((res) => res.text());
      await waitFor(() => exporter.getFinishedSpans().length === 2);
    } finally {
      await server.close();
    }
    const [ok, failed] = exporter.getFinishedSpans();
    const [okEvent, failedEvent] = sink.events;
    expect(ok).toMatchObject({ name: 'GET /orders/:id', kind: SpanKind.SERVER });
    expect(ok.spanContext()).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: okEvent.span_id,
    });
    expect(ok.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(okEvent).toMatchObject({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      parent_span_id: 'b7ad6b7169203331',
    });
    expect(ok.attributes).toMatchObject({ status_code: 200, route: '/orders/:id' });
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no such order' });
    expect(failed.spanContext().spanId).toBe(failedEvent.span_id);
    expect(failedEvent.parent_span_id).toBeUndefined();
  });

  it('carries tracestate: into the span it starts, and from an active span into the unit', async () => {
    const { sink, canon } = setup({ startSpans: true });
    const contexts: (ExportedContext | undefined)[] = [];
    const server = await listen(
      http.createServer(
        canonNode(canon, (_req, res) => {
          contexts.push(exportContext());
          res.end('ok');
        }),
      ),
    );
    try {
      await fetch(`${server.url}/`, {
        headers: {
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          tracestate: 'rojo=00f067aa0ba902b7, congo=t61rcWkgMzE',
        },
      }).then((res) => res.text());
      await waitFor(() => exporter.getFinishedSpans().length === 1);
    } finally {
      await server.close();
    }
    const [span] = exporter.getFinishedSpans();
    expect(span.spanContext().traceState?.serialize()).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    expect(contexts[0]).toMatchObject({ span_id: sink.events[0].span_id, tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' });

    // an active span's own tracestate (the OpenTelemetry propagator's) is the unit's
    const parent = trace.setSpanContext(context.active(), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
      traceState: createTraceState('otel=abc'),
      isRemote: true,
    });
    const bridged = setup();
    const exported = await context.with(parent, () =>
      tracer.startActiveSpan('handler', async (active) => {
        const ctx = await bridged.canon.run({}, () => exportContext());
        active.end();
        return ctx;
      }),
    );
    expect(exported).toMatchObject({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', tracestate: 'otel=abc' });
  });

  it('refuses bad options, naming them', () => {
    expect(() => otelBridge({ startSpans: 'yes' as never })).toThrow(/`otelBridge.startSpans`/);
    expect(() => otelBridge({ tracer: null as never })).toThrow(/`otelBridge.tracer`/);
    expect(() => otelBridge({ spans: true } as never)).toThrow(/`otelBridge.spans`.*unknown/);
  });
});
