/**
 * Property: verification of incoming webhooks (Standard Webhooks, Stripe, generic HMAC)
 * and parsing of CloudEvents and consumed message bodies, given arbitrary header sets and
 * bodies, either succeed or throw only the documented errors: WebhookVerificationError
 * with one of its codes, CanonError with a code from the registry.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/consumer/decode.js';
import { CanonError, ErrorCodes } from '../../src/core/errors.js';
import { fromCloudEvent } from '../../src/events/index.js';
import { verifyHmac, verifyStripe, verifyWebhook, WebhookVerificationError } from '../../src/webhooks/index.js';
import { params, timeoutFor } from './settings.js';

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const VERIFY_CODES = new Set([
  ErrorCodes.WEBHOOK_MISSING_HEADER,
  ErrorCodes.WEBHOOK_BAD_SIGNATURE,
  ErrorCodes.WEBHOOK_STALE_TIMESTAMP,
  ErrorCodes.WEBHOOK_FUTURE_TIMESTAMP,
  ErrorCodes.WEBHOOK_BAD_PAYLOAD,
  ErrorCodes.WEBHOOK_BAD_SECRET,
]);
const CANON_CODES = new Set<string>(Object.values(ErrorCodes));

/** Runs `fn`; a throw must be a documented error. */
function onlyDocumented(fn: () => unknown, kind: 'verify' | 'canon'): void {
  try {
    fn();
  } catch (error) {
    if (kind === 'verify') {
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(VERIFY_CODES.has((error as WebhookVerificationError).code as never)).toBe(true);
    } else {
      expect(error).toBeInstanceOf(CanonError);
      expect(CANON_CODES.has((error as CanonError).code)).toBe(true);
    }
  }
}

const now = Math.floor(Date.now() / 1000);
const headerText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', ' ', 'v1,', 'v1,=', `${now}`, `${now + 10_000}`, '-1', '1e400', 'NaN', '0x10', `t=${now},v1=00`),
  fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }).map((parts) => parts.join(' ')),
);
const headerValueArb = fc.oneof(headerText, fc.array(headerText, { maxLength: 3 }), fc.constant(undefined));
const names = fc.constantFrom(
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'svix-id',
  'svix-timestamp',
  'svix-signature',
  'Webhook-Signature',
  'WEBHOOK-ID',
  'stripe-signature',
  'x-hub-signature-256',
  'content-type',
);
const headers = fc.dictionary(names, headerValueArb, { maxKeys: 8 });
const body = fc.oneof(
  fc.string({ maxLength: 500 }),
  fc.uint8Array({ maxLength: 500 }),
  fc.json().map((json) => json),
);

describe('webhook verification never throws anything undocumented', () => {
  it('verifyWebhook (Standard Webhooks)', { timeout: timeoutFor(1) }, () => {
    fc.assert(
      fc.property(body, headers, (raw, given) => {
        onlyDocumented(() => verifyWebhook({ body: raw, headers: given as never, secret: SECRET }), 'verify');
      }),
      params(),
    );
  });

  it('verifyStripe', { timeout: timeoutFor(1) }, () => {
    fc.assert(
      fc.property(body, headerValueArb, (raw, signature) => {
        onlyDocumented(() => verifyStripe(raw, signature as never, 'whsec_stripe_test_secret'), 'verify');
      }),
      params(),
    );
  });

  it('verifyHmac', { timeout: timeoutFor(1) }, () => {
    fc.assert(
      fc.property(body, headerValueArb, fc.constantFrom('hex', 'base64', 'base64url'), (raw, signature, encoding) => {
        onlyDocumented(
          () => verifyHmac({ body: raw, signature: signature as never, secret: 'shared', encoding: encoding as never }),
          'verify',
        );
      }),
      params(),
    );
  });
});

const attribute = fc.oneof(fc.string({ maxLength: 60 }), fc.integer(), fc.constant(null), fc.boolean(), fc.object({ maxDepth: 1 }));
const cloudEvent = fc.record(
  {
    specversion: fc.oneof(fc.constant('1.0'), attribute),
    id: attribute,
    type: fc.oneof(fc.constant('order.placed'), attribute),
    source: fc.oneof(fc.constant('/checkout'), attribute),
    time: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), attribute),
    datacontenttype: fc.oneof(fc.constant('application/json'), attribute),
    data: fc.oneof(fc.json(), attribute),
    data_base64: attribute,
    dataschema: attribute,
    subject: attribute,
    canonversion: attribute,
    correlationid: attribute,
  },
  { requiredKeys: [] },
);

describe('CloudEvents and message bodies never throw anything undocumented', () => {
  it('fromCloudEvent on arbitrary objects and values', { timeout: timeoutFor(1) }, () => {
    fc.assert(
      fc.property(fc.oneof(cloudEvent, fc.anything({ maxDepth: 2 })), (input) => {
        onlyDocumented(() => fromCloudEvent(input), 'canon');
      }),
      params(),
    );
  });

  it('decodeBody on arbitrary bytes and JSON', { timeout: timeoutFor(1) }, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ maxLength: 300 }),
          cloudEvent.map((ce) => JSON.stringify(ce)),
          fc.json(),
        ),
        (raw) => {
          onlyDocumented(() => decodeBody(raw), 'canon');
        },
      ),
      params(),
    );
  });
});
