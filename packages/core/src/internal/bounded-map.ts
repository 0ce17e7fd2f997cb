/**
 * A map with a hard cap on entries and an expiry time stored with each entry: the
 * building block of every in-memory store. No timers: an expired entry is dropped when
 * it is read or when room is needed, so it is safe on serverless runtimes.
 *
 * Eviction: when full, expired entries at the old end are dropped first; if none, the
 * least recently written entry goes (Map keeps insertion order, and `set` re-inserts).
 */
export class BoundedMap<V> {
  readonly #max: number;
  readonly #values = new Map<string, V>();
  readonly #expires = new Map<string, number>();
  #evicted = 0;
  #lastSweep = Number.NEGATIVE_INFINITY;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${String(maxEntries)}`);
    }
    this.#max = maxEntries;
  }

  /** Entries currently held, expired or not. */
  get size(): number {
    return this.#values.size;
  }

  /** Entries dropped to stay under the cap (not counting expiry). */
  get evicted(): number {
    return this.#evicted;
  }

  /** The live value, or undefined when absent or expired at `now`. */
  get(key: string, now: number): V | undefined {
    const exp = this.#expires.get(key);
    if (exp === undefined) return undefined;
    if (exp <= now) {
      this.delete(key);
      return undefined;
    }
    return this.#values.get(key);
  }

  /** Expiry (ms since epoch) of a live entry, or undefined. */
  expiresAt(key: string, now: number): number | undefined {
    const exp = this.#expires.get(key);
    return exp !== undefined && exp > now ? exp : undefined;
  }

  /** Stores `value` until `expiresAt` (ms since epoch; Infinity for no expiry). */
  set(key: string, value: V, expiresAt: number, now: number): void {
    if (this.#values.has(key)) {
      this.#values.delete(key);
      this.#expires.delete(key);
    } else if (this.#values.size >= this.#max) {
      this.#makeRoom(now);
    }
    this.#values.set(key, value);
    this.#expires.set(key, expiresAt);
  }

  /**
   * Stores like {@link set} but never evicts a live entry: when full, expired entries make
   * room (the oldest few, else a full sweep at most once per `sweepEveryMs` of `now`).
   *
   * @returns false, storing nothing, when every entry is still live.
   */
  trySet(key: string, value: V, expiresAt: number, now: number, sweepEveryMs = 1000): boolean {
    if (!this.#values.has(key) && this.#values.size >= this.#max && !this.#dropExpired(now)) {
      if (now - this.#lastSweep < sweepEveryMs) return false;
      this.#lastSweep = now;
      this.prune(now);
      if (this.#values.size >= this.#max) return false;
    }
    this.set(key, value, expiresAt, now);
    return true;
  }

  delete(key: string): boolean {
    this.#expires.delete(key);
    return this.#values.delete(key);
  }

  clear(): void {
    this.#values.clear();
    this.#expires.clear();
  }

  /** Drops every entry expired at `now` (a full scan: for callers that must not evict). */
  prune(now: number): void {
    for (const [key, exp] of this.#expires) if (exp <= now) this.delete(key);
  }

  /** Live entries at `now`, oldest write first. */
  *entries(now: number): IterableIterator<[string, V, number]> {
    for (const [key, exp] of this.#expires) {
      if (exp > now) yield [key, this.#values.get(key) as V, exp];
    }
  }

  /** Drops one expired entry among the oldest few (bounded: one write never scans all). */
  #dropExpired(now: number): boolean {
    let scanned = 0;
    for (const [key, exp] of this.#expires) {
      if (scanned++ >= 16) break;
      if (exp <= now) {
        this.delete(key);
        return true;
      }
    }
    return false;
  }

  #makeRoom(now: number): void {
    // An expired entry first; only then the oldest live one.
    if (this.#dropExpired(now)) return;
    const oldest = this.#expires.keys().next();
    if (!oldest.done) {
      this.delete(oldest.value);
      this.#evicted++;
    }
  }
}
