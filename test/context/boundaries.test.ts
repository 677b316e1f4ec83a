import { AsyncResource } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { canonExpress } from '../../src/frameworks/express/index.js';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, getWideEvent, memorySink } from '../../src/index.js';
import { getLogger } from '../../src/logger/index.js';
import { listen } from '../helpers/http.js';
import { sleep, waitFor } from '../helpers/wait.js';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function setup() {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false });
  closers.push(() => canon.close());
  const logs = () => sink.events.filter((line) => line.kind === 'log');
  const events = () => sink.events.filter((line) => line.kind !== 'log');
  return { canon, logs, events };
}

const log = getLogger('ctx', { level: 'info' });

describe('background work started inside a request keeps its ids', () => {
  it('setTimeout, setImmediate, queueMicrotask, promises and event emitters', async () => {
    const { canon, logs, events } = setup();
    const appBus = new EventEmitter(); // created at startup, outside any request
    appBus.on('order', (id: string) => log.info({ via: 'app bus', id }, 'order event'));
    const external = new EventEmitter(); // fired from outside the request (a socket, a client library)
    const app = express();
    app.use(canonExpress(canon));
    app.get('/work', (_req, res) => {
      setTimeout(() => log.info({ via: 'setTimeout' }, 'timer'), 1);
      setImmediate(() => log.info({ via: 'setImmediate' }, 'immediate'));
      queueMicrotask(() => log.info({ via: 'queueMicrotask' }, 'microtask'));
      Promise.resolve().then(() => log.info({ via: 'promise' }, 'then'));
      const local = new EventEmitter();
      local.on('done', () => log.info({ via: 'local emitter' }, 'emitted'));
      local.emit('done');
      appBus.emit('order', 'o_1');
      // a listener registered here but called from elsewhere needs binding to keep the ids
      external.once(
        'tick',
        AsyncResource.bind(() => log.info({ via: 'bound listener' }, 'tick')),
      );
      setTimeout(() => res.json({ ok: true }), 10);
    });
    const server = await listen(http.createServer(app));
    closers.push(server.close);

    const response = await fetch(`${server.url}/work`);
    expect(response.status).toBe(200);
    external.emit('tick'); // fired outside the request, after it ended
    const [event] = await waitFor(() => (events().length === 1 ? events() : undefined));
    const lines = await waitFor(() => (logs().length === 7 ? logs() : undefined));
    expect(lines.map((line) => line.via).sort()).toEqual(
      [
        'app bus',
        'bound listener',
        'local emitter',
        'promise',
        'queueMicrotask',
        'setImmediate',
        'setTimeout',
      ].sort(),
    );
    for (const line of lines) {
      expect(line).toMatchObject({
        request_id: event.request_id,
        trace_id: event.trace_id,
        span_id: event.span_id,
      });
    }
  });

  it('a listener called from outside without binding has no ids (documented limit)', async () => {
    const { canon, logs } = setup();
    const external = new EventEmitter();
    await canon.run({}, () => {
      external.once('tick', () => log.info('unbound'));
    });
    external.emit('tick');
    expect(logs()[0]).not.toHaveProperty('request_id');
  });
});

describe('canon.run inside a request', () => {
  it('is a child unit: its own event, same trace_id, parent ids pointing at the request', async () => {
    const { canon, logs, events } = setup();
    const app = express();
    app.use(canonExpress(canon));
    app.post('/import', async (req, res) => {
      log.info('request starts');
      const rows = await canon.run({ kind: 'job', job: { name: 'import-rows' } }, async (job) => {
        expect(getWideEvent()).toBe(job);
        log.info('inside the job');
        await sleep(2);
        job.set('rows', 3);
        return 3;
      });
      expect(getWideEvent()).toBe(req.canon); // back to the request
      req.canon.set('imported', rows);
      log.info('request ends');
      res.json({ rows });
    });
    const server = await listen(http.createServer(app));
    closers.push(server.close);

    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const response = await fetch(`${server.url}/import`, {
      method: 'POST',
      headers: { 'x-request-id': 'req-parent', traceparent },
    });
    expect(await response.json()).toEqual({ rows: 3 });
    const all = await waitFor(() => (events().length === 2 ? events() : undefined));
    const request = all.find((event) => event.kind === 'http')!;
    const job = all.find((event) => event.kind === 'job')!;
    expect(request).toMatchObject({
      request_id: 'req-parent',
      imported: 3,
      parent_span_id: 'b7ad6b7169203331',
    });
    expect(job).toMatchObject({
      job: { name: 'import-rows' },
      rows: 3,
      trace_id: '0af7651916cd43dd8448eb211c80319c',
      parent_request_id: 'req-parent',
      parent_span_id: request.span_id,
      outcome: 'success',
    });
    expect(job.request_id).not.toBe('req-parent');
    expect(job.span_id).not.toBe(request.span_id);
    expect(logs().map((line) => [line.msg, line.request_id])).toEqual([
      ['request starts', 'req-parent'],
      ['inside the job', job.request_id],
      ['request ends', 'req-parent'],
    ]);
    expect(new Set(logs().map((line) => line.trace_id))).toEqual(new Set([request.trace_id]));
  });
});

describe('no context leaks between concurrent requests', () => {
  it('500 interleaved requests: every line carries the ids of its own request', async () => {
    const { canon, logs, events } = setup();
    const server = await listen(
      http.createServer(
        canonNode(canon, async (req, res) => {
          const mine = req.headers['x-request-id'];
          log.info({ mine, step: 'start' }, 'start');
          await sleep(Math.random() * 10);
          log.info({ mine, step: 'after await' }, 'middle');
          setTimeout(() => {
            log.info({ mine, step: 'timer' }, 'end');
            res.end('ok');
          }, Math.random() * 5);
        }),
      ),
    );
    closers.push(server.close);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    closers.push(async () => agent.destroy());
    const ids = Array.from({ length: 500 }, (_, i) => `req-${i}`);
    await Promise.all(
      ids.map(
        (id) =>
          new Promise<void>((resolve, reject) => {
            http
              .get(`${server.url}/`, { agent, headers: { 'x-request-id': id } }, (res) => {
                res.resume();
                res.on('end', resolve);
              })
              .on('error', reject);
          }),
      ),
    );
    await waitFor(() => events().length === 500);
    const traceOf = new Map(events().map((event) => [event.request_id, event.trace_id]));
    expect(logs()).toHaveLength(1500);
    for (const line of logs()) {
      expect(line.request_id).toBe(line.mine);
      expect(line.trace_id).toBe(traceOf.get(line.mine));
    }
  });
});
