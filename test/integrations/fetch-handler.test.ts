/**
 * `canon/fetch-handler` on Node's own `Request`/`Response` (undici), called the way a
 * runtime calls a fetch handler: the event ends when the body has been read to its end,
 * cancelled, or the request's signal aborted. The HTTP contract suite runs it behind a
 * real server (test/contract/adapters/fetch-handler.ts).
 */
import { describe, expect, it } from 'vitest';
import { CanonOptionError, createCanon, getWideEvent, memorySink } from '../../src/index.js';
import { withCanon } from '../../src/integrations/fetch-handler/index.js';
import { sleep, waitFor } from '../helpers/wait.js';

function setup() {
  const sink = memorySink();
  const canon = createCanon({ service: 'fetch', sinks: [sink], handleExit: false });
  return { sink, canon };
}

/** A body of `count` 100-byte chunks, each produced on demand after a pause. */
function lazyBody(count: number, onCancel?: () => void): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      await sleep(2);
      getWideEvent()?.count('body.pulls'); // the body is produced inside the request's unit
      if (sent++ === count) controller.close();
      else controller.enqueue(new Uint8Array(100));
    },
    cancel() {
      onCancel?.();
    },
  });
}

describe('withCanon', () => {
  it('ends the event when a streamed body has been read to its end, counting its bytes', async () => {
    const { sink, canon } = setup();
    const handler = withCanon(canon, () => new Response(lazyBody(5), { headers: { 'content-type': 'text/plain' } }));
    const response = await handler(new Request('http://localhost/feed?x=1', { headers: { 'x-request-id': 'stream-1' } }));
    expect(response.headers.get('x-request-id')).toBe('stream-1');
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(sink.events).toHaveLength(0); // the body is not sent yet
    const reader = response.body!.getReader();
    await reader.read();
    await reader.read();
    expect(sink.events).toHaveLength(0);
    let bytes = 200;
    for (let step = await reader.read(); !step.done; step = await reader.read()) bytes += step.value.byteLength;
    expect(bytes).toBe(500);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({
      kind: 'http',
      method: 'GET',
      path: '/feed',
      status_code: 200,
      outcome: 'success',
      response_size_bytes: 500,
      request_id: 'stream-1',
      body: { pulls: 6 },
    });
    expect(sink.events[0].duration_ms).toBeGreaterThan(10); // six pulls of 2 ms each
  });

  it('records a cancelled body as aborted (499) and cancels the handler’s stream', async () => {
    const { sink, canon } = setup();
    let cancelled = false;
    const handler = withCanon(canon, () => new Response(lazyBody(1_000, () => (cancelled = true))));
    const response = await handler(new Request('http://localhost/slow'));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel('client went away');
    expect(cancelled).toBe(true);
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ outcome: 'aborted', status_code: 499, response_size_bytes: 100 });
  });

  it('records a request whose signal aborts while the handler runs as aborted, once', async () => {
    const { sink, canon } = setup();
    const controller = new AbortController();
    const handler = withCanon(canon, async () => {
      controller.abort();
      await sleep(5);
      getWideEvent()?.set('late', true); // a late write: dropped and counted
      return new Response('too late');
    });
    const response = await handler(new Request('http://localhost/x', { signal: controller.signal }));
    expect(await response.text()).toBe('too late');
    expect(sink.events).toHaveLength(1);
    expect(sink.events[0]).toMatchObject({ outcome: 'aborted', status_code: 499 });
    expect(sink.events[0].late).toBeUndefined();
    expect(canon.stats().late_writes).toBe(1);
  });

  it('echoes the request id on responses with immutable headers (Response.redirect) and keeps the handler’s own', async () => {
    const { sink, canon } = setup();
    const redirect = withCanon(canon, () => Response.redirect('http://localhost/elsewhere', 307));
    const res = await redirect(new Request('http://localhost/old'));
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('http://localhost/elsewhere');
    const id = res.headers.get('x-request-id')!;
    expect(sink.events[0]).toMatchObject({ request_id: id, status_code: 307, response_size_bytes: 0 });

    const own = withCanon(canon, () => new Response('x', { headers: { 'x-request-id': 'mine' } }));
    expect((await own(new Request('http://localhost/'))).headers.get('x-request-id')).toBe('mine');
  });

  it('keeps every Set-Cookie header of a streamed response', async () => {
    const { canon } = setup();
    const handler = withCanon(canon, () => {
      const headers = new Headers();
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; Path=/');
      return new Response(lazyBody(1), { headers });
    });
    const res = await handler(new Request('http://localhost/'));
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    await res.arrayBuffer();
  });

  it('ends at once for responses without a body (null body, HEAD, 204)', async () => {
    const { sink, canon } = setup();
    const handler = withCanon(canon, (request: Request) =>
      request.method === 'DELETE' ? new Response(null, { status: 204 }) : new Response('ignored for HEAD'),
    );
    await handler(new Request('http://localhost/a', { method: 'DELETE' }));
    await handler(new Request('http://localhost/a', { method: 'HEAD' }));
    expect(sink.events.map((e) => [e.method, e.status_code, e.response_size_bytes])).toEqual([
      ['DELETE', 204, 0],
      ['HEAD', 200, 0],
    ]);
  });

  it('marks a thrown error and rethrows it for the runtime to answer', async () => {
    const { sink, canon } = setup();
    const boom = new Error('boom', { cause: new TypeError('root') });
    const handler = withCanon(canon, async () => {
      await sleep(1);
      throw boom;
    });
    await expect(handler(new Request('http://localhost/x'))).rejects.toBe(boom);
    expect(sink.events[0]).toMatchObject({
      status_code: 500,
      outcome: 'error',
      error: { type: 'Error', message: 'boom', cause: { message: 'root' } },
    });
  });

  it('treats a thrown Response as the answer: delivered, echoed, not an error', async () => {
    const { sink, canon } = setup();
    const handler = withCanon(canon, () => {
      throw new Response('login first', { status: 401 });
    });
    const thrown = await handler(new Request('http://localhost/private')).catch((err: unknown) => err);
    expect(thrown).toBeInstanceOf(Response);
    const res = thrown as Response;
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.text()).toBe('login first');
    expect(sink.events[0]).toMatchObject({ status_code: 401, outcome: 'success', response_size_bytes: 11 });
    expect(sink.events[0].error).toBeUndefined();
  });

  it('marks a body stream that fails midway (status at least 500) and passes the failure on', async () => {
    const { sink, canon } = setup();
    let n = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (n++ === 0) controller.enqueue(new Uint8Array(10));
        else controller.error(new Error('disk gone'));
      },
    });
    const res = await withCanon(canon, () => new Response(failing))(new Request('http://localhost/file'));
    await expect(res.arrayBuffer()).rejects.toThrow('disk gone');
    expect(sink.events[0]).toMatchObject({
      status_code: 500,
      outcome: 'error',
      response_size_bytes: 10,
      error: { message: 'disk gone' },
    });
  });

  it('fails the event of a handler that returns no Response, and passes the value on', async () => {
    const { sink, canon } = setup();
    const handler = withCanon(canon, (() => ({ ok: true })) as never);
    expect(await handler(new Request('http://localhost/'))).toEqual({ ok: true });
    expect(sink.events[0]).toMatchObject({ status_code: 500, error: { type: 'TypeError' } });
    expect(sink.events[0].error?.message).toMatch(/instead of a Response/);
  });

  it('passes the runtime’s extra arguments through (Next.js route context) and takes the route option', async () => {
    const { sink, canon } = setup();
    const handler = withCanon(
      canon,
      async (request: Request, ctx: { params: Promise<{ id: string }> }) => Response.json({ id: (await ctx.params).id }),
      { route: '/api/users/[id]' },
    );
    const res = await handler(new Request('http://localhost/api/users/7'), { params: Promise.resolve({ id: '7' }) });
    expect(await res.json()).toEqual({ id: '7' });
    await waitFor(() => sink.events.length === 1);
    expect(sink.events[0]).toMatchObject({ route: '/api/users/[id]', path: '/api/users/7' });
    const throwing = withCanon(canon, () => new Response(null), {
      route: () => {
        throw new Error('route bug');
      },
    });
    await throwing(new Request('http://localhost/z'));
    expect(sink.events[1]).toMatchObject({ path: '/z', status_code: 200 });
    expect(sink.events[1].route).toBeUndefined();
  });

  it('rejects bad arguments when wrapping, naming them', () => {
    const { canon } = setup();
    const ok = () => new Response(null);
    for (const [call, option] of [
      [() => withCanon({} as never, ok), 'withCanon(canon)'],
      [() => withCanon(canon, 'handler' as never), 'withCanon(handler)'],
      [() => withCanon(canon, ok, { route: 5 as never }), 'route'],
      [() => withCanon(canon, ok, { rout: '/x' } as never), 'rout'],
      [() => withCanon(canon, ok, { tenant: { header: 'bad header' } }), 'tenant.header'],
    ] as const) {
      expect(call, option).toThrow(CanonOptionError);
      try {
        call();
      } catch (err) {
        expect((err as CanonOptionError).option).toBe(option);
      }
    }
  });
});
