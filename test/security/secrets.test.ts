/**
 * Secrets never reach an event, an error message or a log row: webhook signing secrets,
 * credentials and tokens in endpoint URLs (userinfo, query), and request credentials
 * (Authorization, Cookie). Also the SSRF guard's handling of numeric host spellings,
 * which WHATWG URL parsing turns into the address they mean.
 */
import http from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { canonNode } from '../../src/frameworks/node/index.js';
import { createCanon, memorySink } from '../../src/index.js';
import { pgliteStore } from '../../src/outbox/index.js';
import { createWebhooks } from '../../src/webhooks/index.js';
import { checkUrl } from '../../src/webhooks/ssrf.js';
import { listen } from '../helpers/http.js';
import { until } from '../outbox/harness.js';
import { startReceiver } from '../webhooks/receiver.js';

const Paid = defineEvent('invoice.paid');
const SECRET = `whsec_${Buffer.from('s3cr3t-signing-key-0123456789abcdef').toString('base64')}`;

describe('webhook secrets and URL credentials', () => {
  const db = new PGlite();
  afterAll(() => db.close());

  it('the SSRF refusal names the URL without its password or query', () => {
    const error = (() => {
      try {
        checkUrl(new URL('http://ops:hunter2@127.0.0.1:8080/in?token=tok_live_1'), false);
      } catch (caught) {
        return caught as Error & { details?: unknown };
      }
    })();
    expect(error?.message).toContain('http://127.0.0.1:8080/in?…');
    expect(JSON.stringify({ message: error?.message, ...error })).not.toMatch(/hunter2|tok_live_1|ops:/);
  });

  it.each(['http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://127.1/', 'http://0177.0.0.1/', 'http://[::127.0.0.1]/'])(
    'refuses the numeric spelling %s of a loopback address',
    (url) => {
      expect(() => checkUrl(new URL(url), false)).toThrow(expect.objectContaining({ code: 'CANON_WEBHOOK_SSRF_BLOCKED' }));
    },
  );

  it('a delivery (ok and refused) puts neither the signing secret nor URL credentials in events or the log', { timeout: 90_000 }, async () => {
    const receiver = await startReceiver(() => ({ status: 200 }));
    const sink = memorySink();
    const canon = createCanon({ service: 'hooks', sinks: [sink], handleExit: false });
    const port = new URL(receiver.url).port;
    const open = createWebhooks({ store: pgliteStore(db), tablePrefix: 'sec', canon, allowPrivateNetworks: true, pollIntervalMs: 50 });
    const guarded = createWebhooks({ store: pgliteStore(db), tablePrefix: 'sec', canon, pollIntervalMs: 50 });
    try {
      await open.migrate();
      await open.endpoints.create({ url: `http://ops:hunter2@127.0.0.1:${port}/ok?token=tok_live_1`, events: ['invoice.*'], secret: SECRET });
      const event = createEvent(Paid, { n: 1 });
      await open.send(event);
      await open.start();
      await until(async () => (await open.stats()).delivered === 1, 10_000, 'the delivery');
      await open.stop();
      const second = createEvent(Paid, { n: 2 });
      await guarded.send(second);
      await guarded.start();
      await until(async () => (await guarded.deliveries.list({ eventId: second.id })).length === 1, 10_000, 'the refusal');
      await guarded.stop();
      const log = JSON.stringify([
        ...(await open.deliveries.list({ eventId: event.id })),
        ...(await open.deliveries.list({ eventId: second.id })),
      ]);
      expect(log).toContain('SSRF guard');
      const events = JSON.stringify(sink.events);
      expect(sink.events.filter((e) => e.kind === 'webhook')).toHaveLength(2);
      for (const text of [log, events]) {
        expect(text).not.toContain(SECRET);
        expect(text).not.toContain(SECRET.slice(6));
        expect(text).not.toMatch(/hunter2|tok_live_1/);
      }
      expect(receiver.requests[0].headers.authorization).toBe('Basic b3BzOmh1bnRlcjI='); // the receiver still gets them
    } finally {
      await receiver.close();
    }
  });
});

describe('request credentials', () => {
  it('Authorization, Cookie and Proxy-Authorization headers never reach the event', async () => {
    const sink = memorySink();
    const canon = createCanon({ service: 'api', sinks: [sink], handleExit: false });
    const server = http.createServer(canonNode(canon, (_req, res) => res.end('ok')));
    const { url, close } = await listen(server);
    try {
      await fetch(`${url}/me?session=sess_abc`, {
        headers: { authorization: 'Bearer tok_abc', cookie: 'sid=cookie_abc', 'proxy-authorization': 'Basic cHJveHk6cHc=' },
      });
      await until(() => sink.events.length === 1, 5_000, 'the event');
    } finally {
      await close();
    }
    expect(JSON.stringify(sink.events)).not.toMatch(/tok_abc|cookie_abc|cHJveHk6cHc|sess_abc/);
  });
});
