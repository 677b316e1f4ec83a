import diagnostics_channel from 'node:diagnostics_channel';
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, type Fields, memorySink, type Sink, WideEvent } from '../../src/index.js';
import { listen } from '../helpers/http.js';
import { waitFor } from '../helpers/wait.js';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function subscribe(name: string): unknown[] {
  const messages: unknown[] = [];
  const listener = (message: unknown) => messages.push(message);
  diagnostics_channel.subscribe(name, listener);
  closers.push(() => {
    diagnostics_channel.unsubscribe(name, listener);
  });
  return messages;
}

describe('diagnostics_channel canon:event and canon:unit-start', () => {
  it('publishes each emitted event (the very object and line the sinks got) and each unit start', async () => {
    const written: { line: string; event: Fields }[] = [];
    const capture: Sink = { write: (line, event) => void written.push({ line, event }) };
    const canon = createCanon({
      sinks: [capture, memorySink()],
      handleExit: false,
      sample: (event) => event.path !== '/dropped',
    });
    const events = subscribe('canon:event');
    const starts = subscribe('canon:unit-start');
    expect(diagnostics_channel.channel('canon:event').hasSubscribers).toBe(true);
    const { url, close } = await listen(http.createServer(canonNode(canon, (_req, res) => res.end('ok'))));
    closers.push(close);
    await fetch(`${url}/kept`);
    await fetch(`${url}/dropped`);
    await waitFor(() => canon.stats().emitted + canon.stats().sampled_out === 2);

    expect(starts).toHaveLength(2);
    const [start] = starts as { unit: WideEvent; canon: unknown }[];
    expect(start.unit).toBeInstanceOf(WideEvent);
    expect(start.canon).toBe(canon);
    expect(start.unit.get('path')).toBe('/kept');

    expect(events).toHaveLength(1); // the sampled-out event was never emitted
    const [message] = events as { event: Fields; line: string; canon: unknown }[];
    expect(message.event).toBe(written[0].event);
    expect(message.line).toBe(written[0].line);
    expect(message.canon).toBe(canon);
    expect(message.event.request_id).toBe(start.unit.request_id);
  });

  it('publishes audit records too, and nothing once unsubscribed', async () => {
    const canon = createCanon({ sinks: [memorySink()], handleExit: false });
    const events = subscribe('canon:event');
    canon.audit({ action: 'user.deleted', actor: 'u_1', target: 'u_2' });
    await canon.run({ kind: 'job' }, () => {});
    expect((events as { event: Fields }[]).map((m) => m.event.kind)).toEqual(['audit', 'job']);
    for (const close of closers.splice(0)) await close();
    expect(diagnostics_channel.channel('canon:event').hasSubscribers).toBe(false);
    await canon.run({ kind: 'job' }, () => {});
    expect(events).toHaveLength(2);
  });
});
