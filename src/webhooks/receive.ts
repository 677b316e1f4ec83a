/**
 * @module canon/webhooks/receive
 * The receiving side the framework helpers share: verify the raw body for the chosen
 * provider, refuse a replayed id, record `webhook: { provider, id, type, verified }` on
 * the wide event, and forget the id again when the handler failed (so the sender's retry
 * is accepted instead of refused as a replay).
 */
import { createHash } from 'node:crypto';
import { ErrorCodes } from '../core/errors.js';
import type { WideEvent } from '../core/event.js';
import { refuse, WebhookVerificationError } from './errors.js';
import {
  type ReceiveWebhookOptions,
  type ResolvedReceiveOptions,
  resolveReceiveOptions,
  type WebhookProvider,
} from './receive-options.js';
import { verifyStandard } from './verify.js';
import { headerValue, parsePayload, type WebhookHeaders } from './verify-common.js';
import { verifyHmac } from './verify-hmac.js';
import { verifyStripeSignature } from './verify-stripe.js';

/** A verified incoming webhook (`req.webhook`, `request.webhook`, `c.get('webhook')`). */
export interface ReceivedWebhook {
  provider: WebhookProvider;
  /** The message id (`webhook-id`, Stripe's `evt_…`, the HMAC provider's id header), when there is one. */
  id: string | undefined;
  /** The event type (`payload.type`, or the HMAC provider's type header). */
  type: string | undefined;
  /** The parsed JSON body. */
  payload: unknown;
}

/** @internal */
export interface Receiver {
  readonly maxBodyBytes: number;
  /** Verifies and claims the id; throws a `WebhookVerificationError` when refused. */
  accept(body: Buffer, headers: WebhookHeaders, unit: WideEvent | undefined): Promise<ReceivedWebhook>;
  /**
   * Once the route has answered (whether or not the client is still there): a failed
   * handling (`ok` false: a status >= 400, or a throw) forgets the id. Only the first call counts.
   */
  settle(webhook: ReceivedWebhook, ok: boolean): void;
}

/** A refusal as the helpers send it: `{ error: { code, message } }`. */
export function refusalBody(error: WebhookVerificationError): string {
  return JSON.stringify({ error: { code: error.code, message: error.message } });
}

function typeOf(payload: unknown): string | undefined {
  const type = (payload as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : undefined;
}

/** Tries each secret in turn; only a signature mismatch moves on to the next one. */
function withAnySecret<T>(secrets: string[], verify: (secret: string) => T): T {
  let mismatch: unknown;
  for (const secret of secrets) {
    try {
      return verify(secret);
    } catch (err) {
      if ((err as { code?: unknown }).code !== ErrorCodes.WEBHOOK_BAD_SIGNATURE) throw err;
      mismatch = err;
    }
  }
  throw mismatch;
}

/** A verified webhook and the key its replay is refused by (a signed value). */
interface Verified {
  webhook: ReceivedWebhook;
  /** Standard/Stripe: the signed message id. HMAC: the body's digest, since the id header is not signed. */
  replayKey: string | undefined;
}

function verifyFor(options: ResolvedReceiveOptions, body: Buffer, headers: WebhookHeaders): Verified {
  const { provider, secrets, toleranceSec, hmac } = options;
  if (provider === 'standard') {
    const verified = verifyStandard({ body, headers, secret: secrets, toleranceSec });
    const payload = parsePayload(verified.body);
    return { webhook: { provider, id: verified.id, type: typeOf(payload), payload }, replayKey: verified.id };
  }
  if (provider === 'stripe') {
    const header = headerValue(headers, 'stripe-signature');
    withAnySecret(secrets, (secret) => verifyStripeSignature(body, header, secret, { toleranceSec }));
    const payload = parsePayload(body);
    const found = (payload as { id?: unknown } | null)?.id;
    const id = typeof found === 'string' ? found : undefined;
    return { webhook: { provider, id, type: typeOf(payload), payload }, replayKey: id };
  }
  const signature = headerValue(headers, hmac.header);
  withAnySecret(secrets, (secret) => verifyHmac({ body, secret, signature, ...hmac }));
  const payload = parsePayload(body);
  const webhook = {
    provider,
    id: headerValue(headers, hmac.idHeader),
    type: headerValue(headers, hmac.typeHeader) ?? typeOf(payload),
    payload,
  };
  // The id header is not signed (a replay could change or drop it), and the signature's
  // text has many spellings that verify (hex case, trailing junk the decoder skips): the
  // signed content is the body, so a replay is recognised by the body's digest.
  return { webhook, replayKey: createHash('sha256').update(body).digest('base64url') };
}

/**
 * @internal Creates the receiver of one helper; invalid options throw here.
 *
 * @example
 * const receiver = createReceiver({ secret }, 'webhookExpress');
 */
export function createReceiver(options: ReceiveWebhookOptions, helper: string): Receiver {
  const resolved = resolveReceiveOptions(options, helper);
  const { provider, replay } = resolved;
  const ttlSec = resolved.toleranceSec * 2;
  const claimed = new WeakMap<ReceivedWebhook, string>();

  return {
    maxBodyBytes: resolved.maxBodyBytes,
    async accept(body, headers, unit) {
      let webhook: ReceivedWebhook;
      let replayKey: string | undefined;
      try {
        ({ webhook, replayKey } = verifyFor(resolved, body, headers));
      } catch (err) {
        if (err instanceof WebhookVerificationError) {
          const id = provider === 'standard' ? headerValue(headers, 'webhook-id') : undefined;
          unit?.enrich({ webhook: { provider, id, verified: false, error_code: err.code } });
        }
        throw err;
      }
      const { id, type } = webhook;
      if (replay && replayKey !== undefined) {
        const key = `${provider}:${replayKey}`;
        if (!(await replay.claim(key, ttlSec))) {
          unit?.enrich({
            webhook: { provider, id, type, verified: true, error_code: ErrorCodes.WEBHOOK_REPLAYED },
          });
          throw refuse(
            ErrorCodes.WEBHOOK_REPLAYED,
            id === undefined ? 'this signed message was already accepted' : `message ${id} was already accepted`,
          );
        }
        claimed.set(webhook, key);
      }
      unit?.enrich({ webhook: { provider, id, type, verified: true } });
      return webhook;
    },
    settle(webhook, ok) {
      const key = claimed.get(webhook);
      if (key === undefined) return;
      claimed.delete(webhook);
      if (!ok) replay?.release(key).catch(() => {}); // best effort: the retry is then refused as a replay
    },
  };
}
