import { describe, expect, it } from 'vitest';
import { createEvent, defineEvent, EventBus } from '../../src/events/index.js';
import { busPublisher } from '../../src/outbox/index.js';

const Paid = defineEvent('invoice.paid');

describe('busPublisher', () => {
  it('rejects with every failed handler named when one fails (the relay then retries)', async () => {
    const bus = new EventBus();
    bus.on('invoice.paid', function ledger() {
      throw new Error('ledger down');
    });
    bus.on('invoice.paid', () => {});
    const event = createEvent(Paid, {});
    const err = await busPublisher(bus)(event).then(
      () => undefined,
      (e: AggregateError) => e,
    );
    expect(err).toBeInstanceOf(AggregateError);
    expect(err!.message).toBe(`1 of 2 handlers failed for invoice.paid ${event.id}: ledger`);
    expect((err!.errors[0] as Error).message).toBe('ledger down');
  });

  it('with failOnHandlerError: false, resolves whatever the handlers did', async () => {
    const bus = new EventBus();
    bus.on('*', () => Promise.reject(new Error('nope')));
    await expect(
      busPublisher(bus, { failOnHandlerError: false })(createEvent(Paid, {})),
    ).resolves.toBeUndefined();
  });

  it('refuses what is not a bus', () => {
    expect(() => busPublisher({} as never)).toThrow(/`bus`/);
  });
});
