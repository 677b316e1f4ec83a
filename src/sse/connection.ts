/**
 * @module canon/sse/connection
 * One client stream: what it subscribed to, what it has been sent, and its end. Writes
 * never wait: bytes queue in the transport, and a client whose queue passes the hub's
 * `maxBufferBytes` is dropped so it cannot make the server hold unbounded memory.
 */
import type { WideEvent } from '../core/event.js';
import { type CloseReason, endConnectionUnit } from './connection-event.js';
import { Frame } from './frame.js';
import { PING } from './framing.js';
import { type Delivery, filterView, type SseFilterMessage } from './message.js';
import type { Transport } from './transport.js';

/** A connected client, as returned by `hub.connect`. */
export interface SseClient {
  readonly channels: readonly string[];
  readonly userId: string | undefined;
  /** True once the stream ended, for whatever reason. */
  readonly closed: boolean;
  /** Ends this client's stream (EventSource will reconnect unless the page closes it). */
  close(): void;
}

const PING_FRAME = Frame.of(PING);

/** @internal What a connection needs from its hub. */
export interface ConnectionOwner {
  readonly maxBufferBytes: number;
  /** The current heartbeat period; a connection written to in it is not idle. */
  readonly epoch: number;
  detach(connection: Connection, reason: CloseReason): void;
}

/** @internal */
export class Connection implements SseClient {
  closed = false;
  /** True once replay is done and live events flow. */
  live = false;
  lastEpoch = -1;
  /** @internal Releases what the endpoint attached (an abort listener). */
  onEnd: (() => void) | undefined;
  private eventsSent = 0;
  private bytesSent = 0;
  private replayed = 0;

  constructor(
    private readonly owner: ConnectionOwner,
    private readonly transport: Transport,
    readonly channels: readonly string[],
    readonly userId: string | undefined,
    private readonly filter: ((message: SseFilterMessage) => boolean) | undefined,
    private readonly unit: WideEvent | undefined,
  ) {}

  /** Sends a live delivery unless the filter declines it. */
  deliver(delivery: Delivery): void {
    if (this.accepts(delivery)) this.write(delivery.frame, 1);
  }

  /**
   * Sends the missed deliveries this client wants, before it goes live. Returns false, and
   * writes nothing, when they do not fit in what `maxBufferBytes` leaves: replay is written
   * all at once, so the client would be dropped as slow and reconnect with the same
   * `Last-Event-ID`, forever.
   */
  replay(deliveries: readonly Delivery[]): boolean {
    const frames: Frame[] = [];
    let room = this.owner.maxBufferBytes - this.transport.queued();
    for (const delivery of deliveries) {
      if (!this.wants(delivery) || !this.accepts(delivery)) continue;
      room -= this.transport.sizeOf(delivery.frame);
      if (room < 0) return false;
      frames.push(delivery.frame);
    }
    for (const frame of frames) {
      if (this.closed) break;
      this.write(frame, 1);
      this.replayed++;
    }
    return true;
  }

  /** True when `delivery` is addressed to this client's channels or user. */
  wants(delivery: Delivery): boolean {
    if (delivery.userId !== undefined && delivery.userId !== this.userId) return false;
    return delivery.channel === undefined || this.channels.includes(delivery.channel);
  }

  /** Writes a frame (an event, or retry, reset, ping); `events` counts toward `events_sent`. */
  write(frame: Frame, events = 0): void {
    if (this.closed) return;
    let queued: number;
    try {
      queued = this.transport.write(frame);
    } catch {
      this.end('client'); // the stream is already gone; a publish must not throw for it
      return;
    }
    this.eventsSent += events;
    this.bytesSent += frame.bytes.length;
    this.lastEpoch = this.owner.epoch;
    if (queued > this.owner.maxBufferBytes) this.end('slow_client');
  }

  /** Sends a heartbeat comment when nothing was written during the last period. */
  pingIfIdle(): void {
    if (this.lastEpoch !== this.owner.epoch) this.write(PING_FRAME);
  }

  close(): void {
    this.end('server');
  }

  /**
   * @internal Ends the stream once: gracefully, or at once for a slow client; the
   * client going away needs no write at all.
   */
  end(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (reason === 'slow_client') this.transport.destroy();
      else if (reason !== 'client') this.transport.end();
    } catch {
      // the stream may already be gone; the connection is closed either way
    }
    this.owner.detach(this, reason);
    this.onEnd?.();
    if (this.unit !== undefined) {
      endConnectionUnit(this.unit, {
        events_sent: this.eventsSent,
        bytes_sent: this.bytesSent,
        replayed_events: this.replayed,
        close_reason: reason,
      });
    }
  }

  private accepts(delivery: Delivery): boolean {
    if (this.filter === undefined) return true;
    try {
      return Boolean(this.filter(filterView(delivery)));
    } catch (err) {
      this.unit?.count('filter_errors');
      if (this.unit !== undefined && !this.unit.errorMarked) this.unit.markError(err, { stage: 'filter' });
      return false;
    }
  }
}
