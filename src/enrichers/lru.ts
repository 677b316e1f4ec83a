/**
 * @module canon/enrichers/lru
 * A bounded least-recently-used cache on a `Map` (which keeps insertion order): a hit
 * moves the entry to the end, an insert past `max` evicts the first. Small enough that a
 * dependency would cost more than it saves.
 */

/** A bounded LRU cache. */
export class Lru<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }
}
