/**
 * @module canon/browser-ingest/rate-limit
 * A fixed-window request counter per client, in bounded memory: at most `maxClients`
 * windows are kept; a new client first sweeps expired windows (they sit at the front, in
 * start order) and, if the table is still full, forgets the oldest one. Forty lines do
 * not justify a dependency in a package whose only runtime dependency is a types package.
 */

/** @internal */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxClients: number,
  ) {}

  /** Clients tracked now (at most `maxClients`). */
  get size(): number {
    return this.windows.size;
  }

  /**
   * Counts one request of `client`: 0 when allowed, else the seconds until its window
   * resets (for `Retry-After`).
   *
   * @example
   * const wait = limiter.hit('203.0.113.9'); if (wait > 0) res.setHeader('retry-after', wait);
   */
  hit(client: string, now = Date.now()): number {
    let window = this.windows.get(client);
    if (window === undefined || window.resetAt <= now) {
      if (window === undefined) this.makeRoom(now);
      else this.windows.delete(client); // re-inserted last: the map stays in start order
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(client, window);
    }
    if (window.count >= this.max) return Math.max(1, Math.ceil((window.resetAt - now) / 1000));
    window.count++;
    return 0;
  }

  private makeRoom(now: number): void {
    if (this.windows.size < this.maxClients) return;
    for (const [client, window] of this.windows) {
      if (window.resetAt > now) break;
      this.windows.delete(client);
    }
    for (const client of this.windows.keys()) {
      if (this.windows.size < this.maxClients) break;
      this.windows.delete(client);
    }
  }
}
