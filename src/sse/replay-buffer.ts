/**
 * @module canon/sse/replay-buffer
 * The last N deliveries of a hub, for `Last-Event-ID` replay. Sequence numbers are
 * consecutive, so the buffer knows exactly which range it holds in full: `(floor, head]`.
 * A gap (messages a backplane subscriber missed) or an eviction raises the floor; a
 * client whose last id is below the floor, or unknown, must reset instead of replaying
 * an incomplete history.
 */
import type { Delivery } from './message.js';

const DECIMAL_ID = /^\d{1,16}$/;

/** @internal The replay history of one hub. */
export class ReplayBuffer {
  /** Every sequence number in `(floor, head]` has been seen (and kept, if an event). */
  floor: number | undefined;
  head: number | undefined;
  private readonly ring: (Delivery | undefined)[];
  private start = 0;
  private length = 0;
  private readonly customIds = new Map<string, number>();

  /** `startSeq`: the sequence number the hub starts from; omit when unknown (backplane). */
  constructor(
    readonly capacity: number,
    startSeq?: number,
  ) {
    this.ring = new Array(capacity);
    this.floor = startSeq;
    this.head = startSeq;
  }

  /**
   * Moves the head to `seq`: `'next'` when it follows the head (or starts an unknown
   * buffer), `'duplicate'` for a number already passed, `'gap'` when numbers were
   * missed, in which case everything before `seq` is forgotten.
   *
   * @example
   * buffer.advance(8) // 'next'; buffer.advance(8) // 'duplicate'; buffer.advance(10) // 'gap'
   */
  advance(seq: number): 'next' | 'duplicate' | 'gap' {
    if (this.head !== undefined && seq <= this.head) return 'duplicate';
    const verdict = this.head === undefined || seq === this.head + 1 ? 'next' : 'gap';
    if (verdict === 'gap' || this.head === undefined) this.forgetBefore(seq);
    this.head = seq;
    return verdict;
  }

  /** Forgets everything, position included: the next sequence number starts afresh. */
  forget(): void {
    this.forgetBefore(0);
    this.floor = undefined;
    this.head = undefined;
  }

  /** Keeps `delivery` (whose seq was just accepted by {@link advance}). */
  push(delivery: Delivery): void {
    if (this.capacity === 0) {
      this.floor = delivery.seq;
      return;
    }
    if (this.length === this.capacity) this.evictOldest();
    this.ring[(this.start + this.length) % this.capacity] = delivery;
    this.length++;
    if (delivery.envelope.i !== undefined) this.customIds.set(delivery.id, delivery.seq);
  }

  /**
   * The sequence number behind a `Last-Event-ID`: a custom id still in the buffer, or a
   * hub-assigned decimal id; undefined when it cannot be placed.
   */
  resolve(lastEventId: string): number | undefined {
    const custom = this.customIds.get(lastEventId);
    if (custom !== undefined) return custom;
    return DECIMAL_ID.test(lastEventId) ? Number(lastEventId) : undefined;
  }

  /**
   * Every kept delivery after `seq`, oldest first; undefined when the buffer cannot
   * vouch for the whole range (too old, or from another sequence).
   *
   * @example
   * buffer.since(5)?.map((d) => d.id) // ['6', '7']
   */
  since(seq: number): Delivery[] | undefined {
    if (this.floor === undefined || this.head === undefined) return undefined;
    if (seq < this.floor || seq > this.head) return undefined;
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.at(mid).seq <= seq) low = mid + 1;
      else high = mid;
    }
    const missed: Delivery[] = [];
    for (let i = low; i < this.length; i++) missed.push(this.at(i));
    return missed;
  }

  private at(index: number): Delivery {
    return this.ring[(this.start + index) % this.capacity]!;
  }

  private evictOldest(): void {
    const oldest = this.at(0);
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.length--;
    this.floor = oldest.seq;
    if (this.customIds.get(oldest.id) === oldest.seq) this.customIds.delete(oldest.id);
  }

  private forgetBefore(seq: number): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.length = 0;
    this.customIds.clear();
    this.floor = seq - 1;
  }
}
