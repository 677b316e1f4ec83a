/**
 * A fake payment provider: usually quick, sometimes slow, sometimes declines, and
 * sometimes its gateway fails. It enriches the wide event in scope, wherever it is called.
 */
import { getWideEvent } from '../../src/index.js';

export interface PaymentResult {
  ok: boolean;
  order_id?: string;
  decline_reason?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class GatewayError extends Error {
  readonly code = 'GATEWAY_TIMEOUT';
  readonly status = 502;
  readonly retriable = true;
}

/** Charges a card; the card number goes on the event and is redacted on output. */
export async function chargeCard(input: {
  amount_cents: number;
  card_number: string;
}): Promise<PaymentResult> {
  const event = getWideEvent();
  const roll = Math.random();
  const stop = event?.time('payment.latency_ms');
  event?.enrich({
    payment: { provider: 'fakepay', amount_cents: input.amount_cents, card_number: input.card_number },
  });
  await sleep(roll < 0.15 ? 300 + Math.random() * 500 : 10 + Math.random() * 40);
  stop?.();
  if (roll > 0.95) {
    throw new GatewayError('payment gateway timed out', { cause: new Error('upstream 504 from fakepay') });
  }
  if (roll > 0.85) {
    event?.set('payment.decline_reason', 'insufficient_funds');
    return { ok: false, decline_reason: 'insufficient_funds' };
  }
  const orderId = `ord_${Math.random().toString(36).slice(2, 10)}`;
  event?.set('payment.order_id', orderId);
  return { ok: true, order_id: orderId };
}
