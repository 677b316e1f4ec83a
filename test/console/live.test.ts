import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCanon, memorySink } from '../../src/index.js';
import { waitFor } from '../helpers/wait.js';
import { type App, startApp } from './helpers.js';

/** Opens an SSE stream; `until(n)` reads frames until n `wide` events came (other events kept too). */
async function readEvents(url: string, count: number, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: { id: string; event: string; data: string }[] = [];
  let buffer = '';
  return {
    events,
    async until(n = count) {
      while (events.filter((e) => e.event === 'wide').length < n) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of frame.split('\n')) {
            const at = line.indexOf(':');
            if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1).trimStart();
          }
          if (fields.data !== undefined) events.push({ id: fields.id, event: fields.event ?? 'message', data: fields.data });
        }
      }
      return events;
    },
    close: () => controller.abort(),
  };
}

describe('Live: snapshot, stream and resume over the SSE hub', () => {
  const canon = createCanon({
    service: 'live-test',
    sinks: [memorySink()],
    handleExit: false,
    redact: { fields: ['secret'] },
  });
  let app: App;
  beforeAll(async () => {
    app = await startApp(canon, {}, (express) =>
      express.get('/n/:n', (req, res) => {
        req.canon.set('secret', 'hunter2');
        res.send(req.params.n);
      }),
    );
  });
  afterAll(() => app.close());

  it('streams new events after the snapshot’s last id, and resumes from Last-Event-ID with what was missed', async () => {
    await fetch(`${app.url}/n/1`);
    await waitFor(() => app.console.sink.size >= 1);
    const snapshot = (await (await fetch(`${app.url}/_canon/api/events`)).json()) as { last_id: string; events: any[] };
    expect(snapshot.events.at(-1)).toMatchObject({ path: '/n/1', secret: '[REDACTED]' });
    const stream = await readEvents(`${app.url}/_canon/api/live?last_event_id=${snapshot.last_id}`, 1);
    await fetch(`${app.url}/n/2`);
    const [first] = await stream.until(1);
    expect(JSON.parse(first.data)).toMatchObject({ path: '/n/2', secret: '[REDACTED]' });
    stream.close();

    // the browser was away for two events; EventSource reconnects with Last-Event-ID
    await fetch(`${app.url}/n/3`);
    await fetch(`${app.url}/n/4`);
    await waitFor(() => app.console.sink.entries().some((e) => e.line.includes('"/n/4"')));
    const resumed = await readEvents(`${app.url}/_canon/api/live?last_event_id=0`, 2, { 'last-event-id': first.id });
    const missed = await resumed.until(2);
    resumed.close();
    expect(missed.map((e) => JSON.parse(e.data).path)).toEqual(['/n/3', '/n/4']);
    expect(BigInt(missed[1].id)).toBeGreaterThan(BigInt(missed[0].id));
    for (const e of missed) expect(e.data).not.toContain('hunter2');
  });

  it('where= narrows the snapshot and the stream (the expressions of canon tail --where); a bad one is a 400', async () => {
    for (const n of [10, 11, 12]) await fetch(`${app.url}/n/${n}`);
    await waitFor(() => app.console.sink.entries().some((e) => e.line.includes('"/n/12"')));
    const where = encodeURIComponent("path in ('/n/11', '/n/13')");
    const snapshot = (await (await fetch(`${app.url}/_canon/api/events?where=${where}`)).json()) as { last_id: string; events: any[] };
    expect(snapshot.events.map((e) => e.path)).toEqual(['/n/11']);
    const stream = await readEvents(`${app.url}/_canon/api/live?last_event_id=${snapshot.last_id}&where=${where}`, 1);
    await fetch(`${app.url}/n/12`);
    await fetch(`${app.url}/n/13`);
    const [only] = await stream.until(1);
    stream.close();
    expect(JSON.parse(only.data).path).toBe('/n/13');
    const bad = await fetch(`${app.url}/_canon/api/events?where=${encodeURIComponent('status_code >=')}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/invalid filter/);
  });

  it('a client whose id is unknown gets event: reset (and reloads the snapshot)', async () => {
    const stream = await readEvents(`${app.url}/_canon/api/live`, 0, { 'last-event-id': '12' });
    await fetch(`${app.url}/n/5`);
    const events = await stream.until(1);
    stream.close();
    expect(events[0].event).toBe('reset');
    expect(JSON.parse(events[0].data)).toMatchObject({ reason: expect.stringMatching(/too_old|unknown/) });
  });
});
