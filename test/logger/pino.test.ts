import http from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { canonExpress } from '../../src/frameworks/express/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { canonMixin } from '../../src/logger/pino/index.js';
import { listen } from '../helpers/http.js';

/** A real pino logger writing into memory. */
function capturedPino(options: pino.LoggerOptions) {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino(options, stream), lines };
}

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('canonMixin with real pino', () => {
  it('adds the request ids to every line inside a request, none outside', async () => {
    const sink = memorySink();
    const canon = createCanon({ sinks: [sink], handleExit: false });
    closers.push(() => canon.close());
    const { logger, lines } = capturedPino({ mixin: canonMixin() });
    const app = express();
    app.use(canonExpress(canon));
    app.get('/orders/:id', async (req, res) => {
      logger.info({ order: req.params.id }, 'loading order');
      await new Promise((resolve) => setTimeout(resolve, 2));
      logger.child({ component: 'repo' }).debug('not written: below info');
      logger.warn('order loaded');
      res.json({ ok: true });
    });
    const server = await listen(http.createServer(app));
    closers.push(server.close);

    logger.info('server started');
    logger.info({ port: 3000 }, 'outside a unit, with fields'); // pino merges the fields into the mixin's object
    const response = await fetch(`${server.url}/orders/42`, { headers: { 'x-request-id': 'req-pino-1' } });
    expect(response.status).toBe(200);
    await canon.flush();

    const [event] = sink.events;
    expect(lines).toHaveLength(4);
    expect(lines[0]).not.toHaveProperty('request_id');
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]).toMatchObject({ port: 3000, msg: 'outside a unit, with fields' });
    expect(lines[1]).not.toHaveProperty('request_id');
    for (const line of lines.slice(2)) {
      expect(line).toMatchObject({
        request_id: 'req-pino-1',
        trace_id: event.trace_id,
        span_id: event.span_id,
      });
    }
    expect(lines[2]).toMatchObject({ level: 30, order: '42', msg: 'loading order' });
  });

  it('keeps a mixin of your own, after the ids', async () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    closers.push(() => canon.close());
    const { logger, lines } = capturedPino({
      mixin: canonMixin((_obj, level) => ({ region: 'eu', lvl: level })),
    });
    logger.info({ n: 1 }, 'outside');
    await canon.run({}, (event) => {
      logger.error({ n: 2 }, 'inside');
      expect(event.request_id).toBeTruthy();
    });
    expect(lines[0]).toMatchObject({ region: 'eu', lvl: 30, n: 1 });
    expect(lines[0]).not.toHaveProperty('request_id');
    expect(lines[1]).toMatchObject({ region: 'eu', lvl: 50, n: 2, request_id: expect.any(String) });
  });

  it('refuses a mixin that is not a function', () => {
    expect(() => canonMixin('x' as never)).toThrow(
      expect.objectContaining({ code: 'CANON_INVALID_OPTION', option: 'canonMixin(mixin)' }),
    );
  });
});
