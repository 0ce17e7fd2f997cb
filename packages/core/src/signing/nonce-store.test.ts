import { describe, expect, it } from 'vitest';
import { createMemoryNonceStore, NonceStoreFullError } from './nonce-store.js';

describe('createMemoryNonceStore', () => {
  it('accepts a nonce once, refuses it until it expires, then accepts it again', async () => {
    const store = createMemoryNonceStore();
    expect(await store.remember('k:n1', 1000, 0)).toBe(true);
    expect(await store.remember('k:n1', 1000, 999)).toBe(false);
    expect(await store.remember('k:n1', 2000, 1000)).toBe(true);
  });

  it('refuses a new nonce when full of live ones, and never forgets a live one', async () => {
    const store = createMemoryNonceStore({ maxEntries: 2 });
    expect(await store.remember('a', 10_000, 0)).toBe(true);
    expect(await store.remember('b', 10_000, 0)).toBe(true);
    await expect(store.remember('c', 10_000, 0)).rejects.toBeInstanceOf(NonceStoreFullError);
    expect(store.refused).toBe(1);
    expect(store.size).toBe(2);
    expect(store.evicted).toBe(0);
    // Both live nonces are still caught as replays.
    expect(await store.remember('a', 10_000, 1)).toBe(false);
    expect(await store.remember('b', 10_000, 1)).toBe(false);
    // Expired entries make room again.
    expect(await store.remember('c', 20_000, 10_000)).toBe(true);
  });

  it('finds expired entries beyond the oldest few with a sweep, at most once a second', async () => {
    const store = createMemoryNonceStore({ maxEntries: 40 });
    // 20 long-lived nonces first, then 20 that expire early: the oldest entries stay live.
    for (let i = 0; i < 20; i++) await store.remember(`long${i}`, 100_000, 0);
    for (let i = 0; i < 20; i++) await store.remember(`short${i}`, 1_000, 0);
    expect(await store.remember('new1', 100_000, 2_000)).toBe(true); // sweep drops the shorts
    expect(store.size).toBe(21);
    for (let i = 0; i < 19; i++) await store.remember(`more${i}`, 100_000, 2_000);
    await expect(store.remember('over', 100_000, 2_000)).rejects.toBeInstanceOf(
      NonceStoreFullError,
    );
  });

  it("with whenFull: 'evict-oldest', stays within its cap by evicting, and counts it", async () => {
    const store = createMemoryNonceStore({ maxEntries: 2, whenFull: 'evict-oldest' });
    await store.remember('a', 10_000, 0);
    await store.remember('b', 10_000, 0);
    expect(await store.remember('c', 10_000, 0)).toBe(true);
    expect(store.size).toBe(2);
    expect(store.evicted).toBe(1);
    expect(await store.remember('a', 10_000, 1)).toBe(true); // forgotten: the documented cost
  });

  it('does not store an entry that is already expired', async () => {
    const store = createMemoryNonceStore();
    expect(await store.remember('old', 5, 10)).toBe(true);
    expect(store.size).toBe(0);
  });

  it('refuses a bad cap or full policy', () => {
    expect(() => createMemoryNonceStore({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => createMemoryNonceStore({ whenFull: 'drop' as never })).toThrow(TypeError);
  });
});
