/**
 * @module canon/sse/message
 * What a publish becomes: an envelope (validated, data encoded once, the form that
 * travels through a backplane) and then a delivery (sequence number, wire id and the
 * framed bytes every client receives, built once per hub however many clients listen).
 */
import { describe, invalidOption } from '../core/errors.js';
import { Frame } from './frame.js';
import { frameEvent, hasLineBreak } from './framing.js';

/** One event to publish. */
export interface SseMessage {
  /** The `event:` name (EventSource `addEventListener(name)`); default `message`. */
  event?: string;
  /** Strings are sent as they are (split on line breaks); anything else is JSON-encoded. */
  data: unknown;
  /** Your own id instead of the hub's sequence number (see docs: replay still works). */
  id?: string;
}

/** What a connection's `filter` receives for every candidate event. */
export interface SseFilterMessage {
  /** The channel it was published to; undefined for `publishToUser`. */
  channel: string | undefined;
  event: string | undefined;
  /** The data as published (objects decoded from their JSON). */
  data: unknown;
  id: string;
}

/** Who a message is for: a channel, a user, or a user on one channel. */
export interface Target {
  channel?: string;
  userId?: string;
}

/** @internal The serializable form of a message (short keys: it crosses the backplane). */
export interface Envelope {
  /** channel */
  c?: string;
  /** user id */
  u?: string;
  /** event name */
  e?: string;
  /** the publisher's own id */
  i?: string;
  /** data as text */
  d: string;
  /** 1 when `d` is JSON the publisher encoded */
  j?: 1;
}

/** @internal A message ready to write: built once per hub, shared by every client. */
export interface Delivery {
  seq: number;
  id: string;
  channel: string | undefined;
  userId: string | undefined;
  frame: Frame;
  envelope: Envelope;
  view?: SseFilterMessage;
}

function checkName(value: unknown, field: string, required = false): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value.length === 0 || hasLineBreak(value)) {
    throw invalidOption(field, `expected a non-empty string without line breaks, got ${describe(value)}`);
  }
}

function encodeData(data: unknown): { d: string; j?: 1 } {
  if (typeof data === 'string') return { d: data };
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (err) {
    throw invalidOption('message.data', `cannot be JSON-encoded (${(err as Error).message})`);
  }
  if (text === undefined) throw invalidOption('message.data', `cannot be JSON-encoded: ${describe(data)}`);
  return { d: text, j: 1 };
}

/**
 * @internal
 * Validates a publish and encodes it. Throws a `CanonOptionError` naming the field.
 *
 * @example
 * toEnvelope({ channel: 'orders' }, { event: 'order.placed', data: { id: 'o_1' } }, 'channel')
 * // { c: 'orders', e: 'order.placed', d: '{"id":"o_1"}', j: 1 }
 */
export function toEnvelope(target: Target, message: SseMessage, required: keyof Target): Envelope {
  if (message === null || typeof message !== 'object') {
    throw invalidOption('message', `expected an object { event?, data, id? }, got ${describe(message)}`);
  }
  checkName(target.channel, 'channel', required === 'channel');
  checkName(target.userId, 'userId', required === 'userId');
  checkName(message.event, 'message.event');
  if (message.id !== undefined && (typeof message.id !== 'string' || message.id.includes('\0'))) {
    throw invalidOption('message.id', `expected a string without NUL, got ${describe(message.id)}`);
  }
  checkName(message.id, 'message.id');
  const envelope: Envelope = { ...encodeData(message.data) };
  if (target.channel !== undefined) envelope.c = target.channel;
  if (target.userId !== undefined) envelope.u = target.userId;
  if (message.event !== undefined) envelope.e = message.event;
  if (message.id !== undefined) envelope.i = message.id;
  return envelope;
}

/**
 * @internal
 * Gives an envelope its place in the hub's sequence and frames it.
 *
 * @example
 * toDelivery(42, { c: 'orders', d: 'hi' }).frame.bytes.toString() // 'id: 42\ndata: hi\n\n'
 */
export function toDelivery(seq: number, envelope: Envelope): Delivery {
  const id = envelope.i ?? String(seq);
  return {
    seq,
    id,
    channel: envelope.c,
    userId: envelope.u,
    frame: Frame.of(frameEvent(id, envelope.e, envelope.d)),
    envelope,
  };
}

/** @internal The view a `filter` sees, decoded once per delivery and shared across clients. */
export function filterView(delivery: Delivery): SseFilterMessage {
  if (delivery.view !== undefined) return delivery.view;
  const { c, e, d, j } = delivery.envelope;
  return (delivery.view = { channel: c, event: e, data: j === 1 ? JSON.parse(d) : d, id: delivery.id });
}
