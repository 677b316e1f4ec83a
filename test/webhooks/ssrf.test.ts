import type { LookupAddress } from 'node:dns';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, defineEvent } from '../../src/events/index.js';
import { pgliteStore } from '../../src/outbox/index.js';
import { guardedLookup } from '../../src/webhooks/guarded-lookup.js';
import { createWebhooks, type Webhooks } from '../../src/webhooks/index.js';
import { blockedReason, checkUrl } from '../../src/webhooks/ssrf.js';
import { until } from '../outbox/harness.js';
import { type Receiver, startReceiver } from './receiver.js';
import { caught } from '../helpers/caught.js';

const Pinged = defineEvent('endpoint.pinged');

describe('the SSRF guard: addresses', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.0.9', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['172.31.255.255', 'a private address'],
    ['192.168.0.10', 'a private address'],
    ['::ffff:192.168.0.10', 'a private address'],
    ['169.254.169.254', 'a link-local address (cloud metadata lives there)'],
    ['100.100.100.200', 'a shared (CGNAT) address'],
    ['fe80::1', 'a link-local address'],
    ['fd00:ec2::254', 'a unique-local address'],
    ['fc00::1', 'a unique-local address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::', 'an IPv4-compatible address'],
    ['64:ff9b::a9fe:a9fe', 'a link-local address (cloud metadata lives there)'],
    ['64:ff9b::127.0.0.1', 'a loopback address'],
    ['2002:7f00:1::', 'a loopback address'],
    ['224.0.0.1', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['255.255.255.255', 'a reserved address'],
    ['198.51.100.7', 'a documentation address'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(blockedReason(address)).toBe(reason);
  });

  // every IPv6 form that carries an IPv4 address, with a private one inside
  it.each([
    // IPv4-mapped ::ffff:0:0/96, dotted and hex tails, any spelling
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['0:0:0:0:0:FFFF:7F00:0001', 'a loopback address'],
    ['::ffff:10.0.0.1', 'a private address'],
    ['::ffff:a9fe:a9fe', 'a link-local address (cloud metadata lives there)'],
    // IPv4-translated ::ffff:0:0:0/96 (SIIT)
    ['::ffff:0:7f00:1', 'a loopback address'],
    ['::ffff:0:127.0.0.1', 'a loopback address'],
    ['0:0:0:0:ffff:0:a00:1', 'a private address'],
    ['::ffff:0:c0a8:1', 'a private address'],
    ['::ffff:0:169.254.169.254', 'a link-local address (cloud metadata lives there)'],
    // IPv4-compatible ::/96 (deprecated): refused whatever it carries
    ['::127.0.0.1', 'an IPv4-compatible address'],
    ['::7f00:1', 'an IPv4-compatible address'],
    ['::a00:1', 'an IPv4-compatible address'],
    // NAT64 well-known prefix 64:ff9b::/96
    ['64:ff9b::7f00:1', 'a loopback address'],
    ['64:ff9b::10.1.2.3', 'a private address'],
    ['64:FF9B:0:0:0:0:C0A8:101', 'a private address'],
    ['64:ff9b::100.64.0.1', 'a shared (CGNAT) address'],
    // NAT64 local-use 64:ff9b:1::/48: refused whole
    ['64:ff9b:1::a00:1', 'a local-use NAT64 address (it embeds IPv4 addresses)'],
    ['64:ff9b:1:7f00:1::', 'a local-use NAT64 address (it embeds IPv4 addresses)'],
    // 6to4 2002::/16
    ['2002:a00:1::', 'a private address'],
    ['2002:c0a8:101::1', 'a private address'],
    ['2002:a9fe:a9fe:1:2:3:4:5', 'a link-local address (cloud metadata lives there)'],
    ['2002:0:1::', 'an unspecified address'],
    // Teredo 2001::/32 (server and obfuscated client IPv4 inside): refused whole
    ['2001:0:7f00:1::', 'a Teredo address (it embeds IPv4 addresses)'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'a Teredo address (it embeds IPv4 addresses)'],
  ])('refuses %s, which embeds a blocked IPv4 address (%s)', (address, reason) => {
    expect(blockedReason(address)).toBe(reason);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '::ffff:8.8.8.8',
    '::ffff:0:8.8.8.8',
    '2606:4700:4700::1111',
    '64:ff9b::808:808',
    '2002:808:808::',
  ])('allows the public address %s', (address) => {
    expect(blockedReason(address)).toBeUndefined();
  });

  it('refuses an endpoint URL with an embedded private address', () => {
    expect(() => checkUrl(new URL('http://[::ffff:0:7f00:1]:8080/hook'), false)).toThrow(
      /\[?::ffff:0:7f00:1\]? is a loopback address/,
    );
  });

  it('the lookup refuses a host name resolving to loopback, with and without all', async () => {
    for (const all of [true, false]) {
      const error = await new Promise<unknown>((resolve) =>
        guardedLookup('localhost', { all }, (err: unknown, _address: string | LookupAddress[]) =>
          resolve(err),
        ),
      );
      expect(error).toMatchObject({ code: 'CANON_WEBHOOK_SSRF_BLOCKED', retriable: false });
      expect(String((error as Error).message)).toMatch(
        /localhost resolves to (127\.0\.0\.1|::1), a loopback address/,
      );
    }
  });
});

describe('the SSRF guard: endpoints and deliveries', () => {
  const db = new PGlite();
  const store = pgliteStore(db);
  let receiver: Receiver;
  let guarded: Webhooks;
  let open: Webhooks;

  beforeAll(async () => {
    receiver = await startReceiver((request) =>
      request.path === '/redirect' ? { status: 302, headers: { location: '/elsewhere' } } : { status: 200 },
    );
    guarded = createWebhooks({ store, schedule: [0, 50, 100] });
    open = createWebhooks({ store, schedule: [0, 50, 100], allowPrivateNetworks: true });
    await guarded.migrate();
  });
  afterAll(async () => {
    await guarded.stop();
    await open.stop();
    await receiver.close();
    await db.close();
  });

  it.each([
    ['http://127.0.0.1/hook', /127\.0\.0\.1 is a loopback address/],
    ['http://[::ffff:127.0.0.1]/hook', /::ffff:7f00:1 is a loopback address/],
    ['http://2130706433/hook', /127\.0\.0\.1 is a loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['http://[fd00:ec2::254]/', /unique-local/],
    ['file:///etc/passwd', /the scheme file: is not http: or https:/],
    ['gopher://example.com/', /the scheme gopher:/],
  ])('refuses to create an endpoint for %s', async (url, reason) => {
    const error = await caught(guarded.endpoints.create({ url, events: ['*'] }));
    expect(error.code).toBe('CANON_WEBHOOK_SSRF_BLOCKED');
    expect(error.message).toMatch(reason);
    expect(error.message).toMatch(/allowPrivateNetworks: true/);
  });

  it('allowPrivateNetworks lets private addresses through, never other schemes', async () => {
    await expect(
      open.endpoints.create({ url: 'http://127.0.0.1:9/hook', events: ['*'] }),
    ).resolves.toMatchObject({ enabled: true });
    expect((await caught(open.endpoints.create({ url: 'file:///etc/passwd', events: ['*'] }))).code).toBe(
      'CANON_WEBHOOK_SSRF_BLOCKED',
    );
    await open.endpoints.delete((await open.endpoints.list())[0].id);
  });

  it('refuses at delivery a host name that resolves to a private address, and a stored private URL, without retrying', async () => {
    const port = new URL(receiver.url).port;
    const byName = await open.endpoints.create({
      url: `http://localhost:${port}/by-name`,
      events: ['endpoint.pinged'],
    });
    const byAddress = await open.endpoints.create({
      url: `${receiver.url}/by-address`,
      events: ['endpoint.pinged'],
    });
    await guarded.start();
    const event = createEvent(Pinged, {});
    expect(await guarded.send(event)).toEqual({ deliveries: 2 });
    await until(async () => (await guarded.deliveries.list({ eventId: event.id })).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 250)); // no retry comes
    const attempts = await guarded.deliveries.list({ eventId: event.id });
    expect(attempts).toHaveLength(2);
    const of = (id: string) => attempts.find((a) => a.endpoint_id === id)!;
    expect(of(byName.id)).toMatchObject({ attempt: 1, status: 'failed' });
    expect(of(byName.id).error).toMatch(/SSRF guard: localhost resolves to/);
    expect(of(byAddress.id).error).toMatch(/SSRF guard: 127\.0\.0\.1 is a loopback address/);
    expect(receiver.requests.filter((r) => r.path.startsWith('/by-'))).toEqual([]);
    expect(await guarded.endpoints.get(byName.id)).toMatchObject({ enabled: true }); // not the endpoint's fault
    await guarded.stop();
    await open.endpoints.delete(byName.id);
    await open.endpoints.delete(byAddress.id);
  });

  it('does not follow redirects: a 3xx fails the delivery for good', async () => {
    await open.endpoints.create({ url: `${receiver.url}/redirect`, events: ['*'] });
    await open.start();
    const event = createEvent(Pinged, {});
    await open.send(event);
    await until(async () => (await open.deliveries.list({ eventId: event.id })).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const [attempt] = await open.deliveries.list({ eventId: event.id });
    expect(attempt).toMatchObject({
      status: 'failed',
      response_status: 302,
      error: 'HTTP 302: redirect to /elsewhere not followed',
    });
    expect(receiver.requests.map((r) => r.path)).toEqual(['/redirect']);
  });
});
