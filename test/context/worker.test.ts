import http from 'node:http';
import { Worker } from 'node:worker_threads';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { canonExpress } from '../../src/frameworks/express/index.js';
import {
  createCanon,
  type ExportedContext,
  exportContext,
  getWideEvent,
  memorySink,
  runWithContext,
} from '../../src/index.js';
import { getLogger } from '../../src/logger/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const bootstrap = new URL('./fixtures/ts-worker.mjs', import.meta.url);
const entry = new URL('./fixtures/correlate-worker.ts', import.meta.url).href;

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function startWorker(data: Record<string, unknown> = {}): Worker {
  const worker = new Worker(bootstrap, { workerData: { entry, ...data } });
  closers.push(() => worker.terminate());
  return worker;
}

function nextMessage<T>(worker: Worker, accept: (message: any) => boolean = () => true): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: any) => {
      if (!accept(message)) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve(message);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
}

type Line = Record<string, any>;

describe('worker threads: exportContext() → runWithContext()', () => {
  it('a worker pool serving concurrent requests: log lines and job events correlate with each request', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    closers.push(() => canon.close());
    const worker = startWorker();
    const app = express();
    app.use(canonExpress(canon));
    app.post('/reports/:name', async (req, res) => {
      const ctx = exportContext();
      const done = nextMessage<{ seen: unknown }>(worker, (message) => message.task === req.params.name);
      worker.postMessage({ task: req.params.name, ctx });
      res.json(await done);
    });
    const server = await listen(http.createServer(app));
    closers.push(server.close);

    const names = ['alpha', 'beta', 'gamma', 'delta'];
    const replies = await Promise.all(
      names.map((name) =>
        fetch(`${server.url}/reports/${name}`, {
          method: 'POST',
          headers: { 'x-request-id': `req-${name}` },
        }).then((response) => response.json() as Promise<{ seen: unknown }>),
      ),
    );
    await waitFor(() => sink.events.length === names.length);
    worker.postMessage({ dump: true });
    const { lines } = await nextMessage<{ lines: Line[] }>(worker, (message) => 'lines' in message);

    for (const [i, name] of names.entries()) {
      const request = sink.events.find((event) => event.request_id === `req-${name}`)!;
      // the worker saw the request's context but no event of its own, and can pass it on again
      expect(replies[i].seen).toEqual({
        event: false,
        exported: {
          request_id: `req-${name}`,
          trace_id: request.trace_id,
          span_id: request.span_id,
        },
      });
      const job = lines.find((line) => line.kind === 'job' && line.job.name === name)!;
      expect(job).toMatchObject({
        service: 'report-worker',
        trace_id: request.trace_id,
        parent_request_id: `req-${name}`,
        parent_span_id: request.span_id,
        outcome: 'success',
      });
      const logs = lines.filter((line) => line.kind === 'log' && line.task === name);
      expect(logs.map((line) => [line.msg, line.request_id, line.trace_id, line.span_id])).toEqual([
        ['task picked up', `req-${name}`, request.trace_id, request.span_id],
        ['rendering', job.request_id, request.trace_id, job.span_id],
      ]);
    }
  });

  it('one worker per task through workerData', async () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    closers.push(() => canon.close());
    let ctx: ExportedContext | undefined;
    const worker = await canon.run({ kind: 'job' }, (event) => {
      ctx = exportContext();
      expect(ctx).toEqual({ request_id: event.request_id, trace_id: event.trace_id, span_id: event.span_id });
      return startWorker({ once: true, task: 'single', ctx });
    });
    const { lines } = await nextMessage<{ lines: Line[] }>(worker);
    const job = lines.find((line) => line.kind === 'job')!;
    expect(job).toMatchObject({ trace_id: ctx!.trace_id, parent_request_id: ctx!.request_id });
    expect(lines.find((line) => line.msg === 'task picked up')).toMatchObject({
      request_id: ctx!.request_id,
    });
  });

  it('a context exported outside any unit is undefined, and the worker runs without ids', async () => {
    expect(exportContext()).toBeUndefined();
    const worker = startWorker({ once: true, task: 'orphan', ctx: undefined });
    const { seen, lines } = await nextMessage<{ seen: any; lines: Line[] }>(worker);
    expect(seen).toEqual({ event: false, exported: undefined });
    const picked = lines.find((line) => line.msg === 'task picked up')!;
    expect(picked).not.toHaveProperty('request_id');
    expect(lines.find((line) => line.kind === 'job')).not.toHaveProperty('parent_request_id');
  });
});

describe('runWithContext in the same thread', () => {
  const ctx: ExportedContext = {
    request_id: 'req-remote',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
  };

  it('restores ids for log lines; writes to the stand-in parent go nowhere; returns fn’s result', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    closers.push(() => canon.close());
    const result = runWithContext(ctx, () => {
      expect(getWideEvent()).toBeUndefined();
      getLogger('same-thread', { attachToEvent: true }).info('restored');
      return 42;
    });
    expect(result).toBe(42);
    expect(sink.events).toEqual([
      expect.objectContaining({
        kind: 'log',
        msg: 'restored',
        request_id: 'req-remote',
        span_id: ctx.span_id,
      }),
    ]);
    expect(canon.stats()).toMatchObject({ emitted: 0, late_writes: 0 });
  });

  it('carries an unsampled trace’s flags: child units keep them, and export them again', async () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    closers.push(() => canon.close());
    const unsampled = { ...ctx, trace_flags: '00' };
    const again = await runWithContext(unsampled, () => canon.run({ kind: 'job' }, () => exportContext()));
    expect(again).toMatchObject({ trace_id: ctx.trace_id, trace_flags: '00' });
    const sampled = await runWithContext(ctx, () => canon.run({ kind: 'job' }, () => exportContext()));
    expect(sampled).not.toHaveProperty('trace_flags');
  });

  it('carries the trace’s tracestate: exported, restored, kept by child units, normalized', async () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    closers.push(() => canon.close());
    const withState = { ...ctx, tracestate: 'rojo=00f067aa0ba902b7 ,\tcongo=t61rcWkgMzE' };
    const again = await runWithContext(withState, () => canon.run({ kind: 'job' }, () => exportContext()));
    expect(again).toMatchObject({ trace_id: ctx.trace_id, tracestate: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' });
    const none = await runWithContext(ctx, () => canon.run({ kind: 'job' }, () => exportContext()));
    expect(none).not.toHaveProperty('tracestate');
  });

  it('inside a unit, runWithContext(undefined) runs outside any unit', async () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    closers.push(() => canon.close());
    await canon.run({}, () => {
      expect(runWithContext(undefined, () => exportContext())).toBeUndefined();
      expect(exportContext()).toBeDefined();
    });
  });

  it('refuses a malformed context, naming the field', () => {
    const run = (bad: unknown) => () => runWithContext(bad as ExportedContext, () => 1);
    expect(run('req-1')).toThrow(
      expect.objectContaining({ code: 'CANON_INVALID_OPTION', option: 'runWithContext(ctx)' }),
    );
    expect(run({ ...ctx, request_id: '' })).toThrow(/`runWithContext\(ctx\)\.request_id`/);
    expect(run({ ...ctx, trace_id: 'XYZ' })).toThrow(/`runWithContext\(ctx\)\.trace_id`/);
    expect(run({ ...ctx, trace_flags: '1' })).toThrow(/`runWithContext\(ctx\)\.trace_flags`/);
    expect(run({ ...ctx, trace_id: '0'.repeat(32) })).toThrow(/trace_id/);
    expect(run({ ...ctx, span_id: 12 })).toThrow(/`runWithContext\(ctx\)\.span_id`/);
    expect(run({ ...ctx, tenant_id: 7 })).toThrow(/`runWithContext\(ctx\)\.tenant_id`/);
    expect(run({ ...ctx, tracestate: 'foo=1,foo=2' })).toThrow(/`runWithContext\(ctx\)\.tracestate`/);
    expect(run({ ...ctx, tracestate: ['foo=1'] })).toThrow(/`runWithContext\(ctx\)\.tracestate`/);
    expect(() => runWithContext(ctx, 'nope' as never)).toThrow(/`runWithContext\(fn\)`/);
  });

  it('survives structured cloning unchanged', async () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    closers.push(() => canon.close());
    await canon.run({}, () => {
      const exported = exportContext()!;
      expect(structuredClone(exported)).toEqual(exported);
      expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
    });
  });
});
