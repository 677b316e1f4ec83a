/**
 * @module canon/webhooks/replay/types
 * Where incoming webhook ids are remembered, so a message accepted once is refused
 * (`REPLAYED`) when it comes again within the tolerance window.
 */

export interface ReplayStore {
  /**
   * Records `key` for `ttlSec` seconds; resolves to `true` when it was not already
   * recorded (the message is new), `false` for a replay.
   */
  claim(key: string, ttlSec: number): Promise<boolean>;
  /** Forgets `key`, so a message whose handling failed can be delivered again. */
  release(key: string): Promise<void>;
}
