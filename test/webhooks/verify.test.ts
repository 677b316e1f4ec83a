import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  generateSecret,
  signWebhook,
  verifyHmac,
  verifyStripe,
  verifyWebhook,
  WebhookVerificationError,
} from '../../src/webhooks/index.js';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = JSON.stringify({ type: 'order.placed', data: { order_id: 'o_1', note: 'naïve ✓' } });
const now = () => Math.floor(Date.now() / 1000);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return (err as WebhookVerificationError).code;
  }
  throw new Error('expected a WebhookVerificationError');
}

/** Headers signed by the standardwebhooks package itself. */
function packageSigned(options: { id?: string; at?: Date; payload?: string; key?: string } = {}) {
  const id = options.id ?? 'msg_2a5';
  const at = options.at ?? new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.key ?? secret).sign(id, at, options.payload ?? body),
  };
}

describe('verifyWebhook (Standard Webhooks)', () => {
  it("accepts the standardwebhooks package's signatures and returns the parsed payload", () => {
    expect(verifyWebhook({ body, headers: packageSigned(), secret })).toEqual(JSON.parse(body));
    expect(verifyWebhook({ body: Buffer.from(body), headers: new Headers(packageSigned()), secret })).toEqual(
      JSON.parse(body),
    );
    expect(verifyWebhook({ body: new TextEncoder().encode(body), headers: packageSigned(), secret })).toEqual(
      JSON.parse(body),
    );
  });

  it('produces signatures the standardwebhooks package verifies (signWebhook)', () => {
    const headers = signWebhook({ id: 'msg_1', body, secret });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    const fresh = generateSecret();
    expect(new Webhook(fresh).verify(body, signWebhook({ id: 'msg_2', body, secret: fresh }))).toEqual(
      JSON.parse(body),
    );
  });

  it('accepts any matching signature among several, and any of several secrets', () => {
    const other = generateSecret();
    const headers = signWebhook({ id: 'msg_3', body, secret: [other, secret] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyWebhook({ body, headers, secret })).toEqual(JSON.parse(body));
    expect(verifyWebhook({ body, headers: packageSigned(), secret: [other, secret] })).toEqual(
      JSON.parse(body),
    );
    const withUnknownVersion = {
      ...packageSigned(),
      'webhook-signature': `v2,abc ${packageSigned()['webhook-signature']}`,
    };
    expect(verifyWebhook({ body, headers: withUnknownVersion, secret })).toEqual(JSON.parse(body));
  });

  it('accepts Svix header names and any header case', () => {
    const signed = packageSigned();
    const svix = {
      'Svix-Id': signed['webhook-id'],
      'SVIX-TIMESTAMP': signed['webhook-timestamp'],
      'svix-signature': signed['webhook-signature'],
    };
    expect(verifyWebhook({ body, headers: svix, secret })).toEqual(JSON.parse(body));
  });

  it('refuses a tampered body, a wrong secret and a tampered id with BAD_SIGNATURE (401)', () => {
    const headers = packageSigned();
    expect(codeOf(() => verifyWebhook({ body: body.replace('o_1', 'o_2'), headers, secret }))).toBe(
      'BAD_SIGNATURE',
    );
    expect(codeOf(() => verifyWebhook({ body, headers, secret: generateSecret() }))).toBe('BAD_SIGNATURE');
    expect(
      codeOf(() => verifyWebhook({ body, headers: { ...headers, 'webhook-id': 'msg_other' }, secret })),
    ).toBe('BAD_SIGNATURE');
    expect(
      codeOf(() => verifyWebhook({ body, headers: { ...headers, 'webhook-signature': 'v1,' }, secret })),
    ).toBe('BAD_SIGNATURE');
    try {
      verifyWebhook({ body, headers, secret: generateSecret() });
    } catch (err) {
      expect((err as WebhookVerificationError).status).toBe(401);
      expect((err as Error).message).toMatch(/^canon: webhook refused \(BAD_SIGNATURE\)/);
    }
  });

  it('refuses stale and future timestamps outside the tolerance', () => {
    const stale = packageSigned({ at: new Date(Date.now() - 301_000) });
    expect(codeOf(() => verifyWebhook({ body, headers: stale, secret }))).toBe('STALE_TIMESTAMP');
    expect(verifyWebhook({ body, headers: stale, secret, toleranceSec: 600 })).toEqual(JSON.parse(body));
    const future = packageSigned({ at: new Date(Date.now() + 301_000) });
    expect(codeOf(() => verifyWebhook({ body, headers: future, secret }))).toBe('FUTURE_TIMESTAMP');
    expect(
      codeOf(() =>
        verifyWebhook({ body, headers: { ...packageSigned(), 'webhook-timestamp': 'soon' }, secret }),
      ),
    ).toBe('MISSING_HEADER');
  });

  it('refuses missing headers, malformed secrets and non-JSON bodies with their codes', () => {
    const headers = packageSigned();
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const { [name]: _dropped, ...rest } = headers;
      expect(codeOf(() => verifyWebhook({ body, headers: rest, secret }))).toBe('MISSING_HEADER');
    }
    expect(codeOf(() => verifyWebhook({ body, headers, secret: 'whsec_not base64!' }))).toBe('BAD_SECRET');
    expect(codeOf(() => verifyWebhook({ body, headers, secret: '' }))).toBe('BAD_SECRET');
    expect(codeOf(() => verifyWebhook({ body, headers, secret: [] }))).toBe('BAD_SECRET');
    const text = 'not json';
    expect(
      codeOf(() =>
        verifyWebhook({ body: text, headers: signWebhook({ id: 'm', body: text, secret }), secret }),
      ),
    ).toBe('BAD_PAYLOAD');
  });

  it('refuses a parsed object as the body with a TypeError naming body', () => {
    expect(() => verifyWebhook({ body: JSON.parse(body), headers: packageSigned(), secret })).toThrow(
      /invalid option `body`: expected the raw body/,
    );
  });
});

describe('verifyStripe', () => {
  const stripe = new Stripe('sk_test_123');
  const stripeSecret = 'whsec_test_secret_for_canon';
  const event = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded' });
  const header = (options: { timestamp?: number; secret?: string; payload?: string } = {}) =>
    stripe.webhooks.generateTestHeaderString({
      payload: options.payload ?? event,
      secret: options.secret ?? stripeSecret,
      timestamp: options.timestamp,
    });

  it("accepts signatures made by the stripe package's test helper", () => {
    expect(verifyStripe(event, header(), stripeSecret)).toEqual(JSON.parse(event));
    expect(verifyStripe(Buffer.from(event), header(), stripeSecret)).toEqual(JSON.parse(event));
  });

  it('accepts any of several v1 signatures (Stripe signs with each live secret while rolling)', () => {
    const [t, v1] = header().split(',');
    const other = header({ secret: 'whsec_other' }).split(',')[1];
    expect(verifyStripe(event, `${t},${other},${v1},v0=deadbeef`, stripeSecret)).toEqual(JSON.parse(event));
  });

  it('refuses tampering, wrong secrets, stale and future timestamps, missing and malformed headers', () => {
    expect(codeOf(() => verifyStripe(event.replace('evt_1', 'evt_2'), header(), stripeSecret))).toBe(
      'BAD_SIGNATURE',
    );
    expect(codeOf(() => verifyStripe(event, header(), 'whsec_wrong'))).toBe('BAD_SIGNATURE');
    expect(codeOf(() => verifyStripe(event, header({ timestamp: now() - 400 }), stripeSecret))).toBe(
      'STALE_TIMESTAMP',
    );
    expect(
      verifyStripe(event, header({ timestamp: now() - 400 }), stripeSecret, { toleranceSec: 500 }),
    ).toEqual(JSON.parse(event));
    expect(codeOf(() => verifyStripe(event, header({ timestamp: now() + 400 }), stripeSecret))).toBe(
      'FUTURE_TIMESTAMP',
    );
    expect(codeOf(() => verifyStripe(event, undefined, stripeSecret))).toBe('MISSING_HEADER');
    expect(codeOf(() => verifyStripe(event, 'v1=abc', stripeSecret))).toBe('MISSING_HEADER');
    expect(codeOf(() => verifyStripe(event, `t=${now()}`, stripeSecret))).toBe('BAD_SIGNATURE');
    expect(codeOf(() => verifyStripe(event, header(), ''))).toBe('BAD_SECRET');
  });

  it('agrees with stripe.webhooks.constructEvent on what it accepts', () => {
    const signed = header();
    expect(verifyStripe(event, signed, stripeSecret)).toEqual(
      stripe.webhooks.constructEvent(event, signed, stripeSecret),
    );
  });
});

describe('verifyHmac (GitHub style)', () => {
  const hmacSecret = 'It is a secret';
  const sign = (payload: string, algorithm = 'sha256', encoding: 'hex' | 'base64' = 'hex') =>
    createHmac(algorithm, hmacSecret).update(payload).digest(encoding);

  it('accepts sha256=<hex> over the raw body, and other algorithms, encodings and prefixes', () => {
    expect(verifyHmac({ body, secret: hmacSecret, signature: `sha256=${sign(body)}` })).toBe(true);
    expect(
      verifyHmac({
        body: Buffer.from(body),
        secret: Buffer.from(hmacSecret),
        signature: `sha256=${sign(body)}`,
      }),
    ).toBe(true);
    expect(
      verifyHmac({ body, secret: hmacSecret, signature: sign(body, 'sha1'), algorithm: 'sha1', prefix: '' }),
    ).toBe(true);
    expect(
      verifyHmac({
        body,
        secret: hmacSecret,
        signature: sign(body, 'sha256', 'base64'),
        encoding: 'base64',
        prefix: '',
      }),
    ).toBe(true);
  });

  it('refuses tampered bodies, wrong secrets, wrong prefixes and missing signatures', () => {
    const signature = `sha256=${sign(body)}`;
    expect(codeOf(() => verifyHmac({ body: `${body} `, secret: hmacSecret, signature }))).toBe(
      'BAD_SIGNATURE',
    );
    expect(codeOf(() => verifyHmac({ body, secret: 'other', signature }))).toBe('BAD_SIGNATURE');
    expect(codeOf(() => verifyHmac({ body, secret: hmacSecret, signature: sign(body) }))).toBe(
      'BAD_SIGNATURE',
    );
    expect(codeOf(() => verifyHmac({ body, secret: hmacSecret, signature: 'sha256=zz' }))).toBe(
      'BAD_SIGNATURE',
    );
    expect(codeOf(() => verifyHmac({ body, secret: hmacSecret, signature: undefined }))).toBe(
      'MISSING_HEADER',
    );
    expect(codeOf(() => verifyHmac({ body, secret: '', signature }))).toBe('BAD_SECRET');
  });

  it('refuses bad options with a TypeError naming them', () => {
    expect(() => verifyHmac({ body, secret: hmacSecret, signature: 'x', algorithm: 'md7' })).toThrow(
      /`algorithm`/,
    );
    expect(() => verifyHmac({ body, secret: hmacSecret, signature: 'x', encoding: 'utf8' as never })).toThrow(
      /`encoding`/,
    );
  });
});
