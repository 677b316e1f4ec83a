/**
 * @module canon/webhooks/errors
 * `WebhookVerificationError`: why an incoming webhook was refused, as a stable `code`
 * and the HTTP status the framework helpers answer with.
 */
import { CanonError, ErrorCodes } from '../core/errors.js';

/** The stable codes of {@link WebhookVerificationError}. */
export type WebhookVerificationCode =
  | typeof ErrorCodes.WEBHOOK_MISSING_HEADER
  | typeof ErrorCodes.WEBHOOK_BAD_SIGNATURE
  | typeof ErrorCodes.WEBHOOK_STALE_TIMESTAMP
  | typeof ErrorCodes.WEBHOOK_FUTURE_TIMESTAMP
  | typeof ErrorCodes.WEBHOOK_REPLAYED
  | typeof ErrorCodes.WEBHOOK_BAD_SECRET
  | typeof ErrorCodes.WEBHOOK_BAD_PAYLOAD;

/** 400: malformed; 401: not authentic; 409: already accepted; 500: the receiver's own secret is broken. */
const STATUS: Record<WebhookVerificationCode, number> = {
  MISSING_HEADER: 400,
  BAD_PAYLOAD: 400,
  BAD_SIGNATURE: 401,
  STALE_TIMESTAMP: 401,
  FUTURE_TIMESTAMP: 401,
  REPLAYED: 409,
  BAD_SECRET: 500,
};

/**
 * An incoming webhook failed verification. `code` says why; `status` is the HTTP status
 * the framework helpers answer with.
 *
 * @example
 * try {
 *   verifyWebhook({ body, headers, secret });
 * } catch (err) {
 *   if (err instanceof WebhookVerificationError) res.status(err.status).json({ error: { code: err.code } });
 * }
 */
export class WebhookVerificationError extends CanonError {
  declare readonly code: WebhookVerificationCode;
  /** 400, 401, 409 (`REPLAYED`) or 500 (`BAD_SECRET`: the receiver's own secret is malformed). */
  readonly status: number;

  constructor(code: WebhookVerificationCode, message: string, status = STATUS[code]) {
    super(code, `canon: webhook refused (${code}): ${message}`);
    this.name = 'WebhookVerificationError';
    this.status = status;
  }
}

/** @internal Shorthand for `throw new WebhookVerificationError(...)`. */
export function refuse(code: WebhookVerificationCode, message: string): WebhookVerificationError {
  return new WebhookVerificationError(code, message);
}
