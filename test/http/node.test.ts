import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { CanonOptionError, createCanon, memorySink } from '../../src/index.js';
import { abortAfterFirstChunk, listen } from '../helpers/http.js';
import { sleep, waitFor } from '../helpers/wait.js';

async function start(handler: Parameters<typeof canonNode>[1]) {
  const sink = memorySink();
  const canon = createCanon({ sinks: [sink], handleExit: false });
  const server = await listen(http.createServer(canonNode(canon, handler)));
  return { sink, canon, ...server };
}

describe('canon/node', () => {
  it('answers 500 JSON for a synchronous throw and marks it', async () => {
    const { sink, url, close } = await start(() => {
      throw Object.assign(new Error('sync failure'), { code: 'E_SYNC' });
    });
    try {
      const res = await fetch(url);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'Internal Server Error' });
      const event = await waitFor(() => sink.events[0]);
      expect(event).toMatchObject({ outcome: 'error', status_code: 500, error: { code: 'E_SYNC' } });
    } finally {
      await close();
    }
  });

  it('records a client that leaves as 499 aborted even when the handler marked an error before', async () => {
    const { sink, url, close } = await start(async (req, res) => {
      req.canon.markError(new Error('recovered: fell back to the cache'));
      res.write('partial');
      await new Promise((resolve) => res.once('close', resolve)); // the client has left
      res.end('rest');
    });
    try {
      await abortAfterFirstChunk(url);
      const event = await waitFor(() => sink.events[0]);
      expect(event).toMatchObject({ outcome: 'aborted', status_code: 499 });
    } finally {
      await close();
    }
  });

  it('cuts a half-sent response when the handler fails after headers went out', async () => {
    const { sink, url, close } = await start(async (_req, res) => {
      res.write('partial');
      await sleep(5);
      throw new Error('mid-stream');
    });
    try {
      await expect(fetch(url).then((res) => res.text())).rejects.toThrow();
      const event = await waitFor(() => sink.events[0]);
      expect(event).toMatchObject({ outcome: 'error', status_code: 500, error: { message: 'mid-stream' } });
      expect(event.response_size_bytes).toBe(7);
    } finally {
      await close();
    }
  });

  it('emits once even when the handler keeps writing to the event after responding', async () => {
    const { sink, canon, url, close } = await start((req, res) => {
      res.end('done');
      setTimeout(() => req.canon.set('too_late', true), 50);
    });
    try {
      await fetch(url);
      await waitFor(() => canon.stats().late_writes === 1);
      expect(sink.events).toHaveLength(1);
      expect(sink.events[0].too_late).toBeUndefined();
    } finally {
      await close();
    }
  });

  it('reports zero body bytes for HEAD and 204 responses', async () => {
    const { sink, url, close } = await start((req, res) => {
      if (req.method === 'HEAD') res.end('ignored by node');
      else {
        res.statusCode = 204;
        res.end();
      }
    });
    try {
      await fetch(url, { method: 'HEAD' });
      await fetch(url, { method: 'DELETE' });
      await waitFor(() => sink.events.length === 2);
      expect(sink.events.map((e) => e.response_size_bytes)).toEqual([0, 0]);
    } finally {
      await close();
    }
  });

  it('throws a CanonOptionError at setup for a bad canon, handler or option', () => {
    const canon = createCanon({ handleExit: false });
    const handler = () => {};
    expect(() => canonNode(undefined as never, handler)).toThrow(CanonOptionError);
    expect(() => canonNode(undefined as never, handler)).toThrow(/`canonNode\(canon\)`/);
    expect(() => canonNode(canon, 'handler' as never)).toThrow(/`canonNode\(handler\)`/);
    expect(() => canonNode(canon, handler, { tenant: { header: '' } })).toThrow(/`tenant\.header`/);
    expect(() => canonNode(canon, handler, { tenants: {} } as never)).toThrow(
      /`tenants`: unknown option of canonNode/,
    );
  });
});
