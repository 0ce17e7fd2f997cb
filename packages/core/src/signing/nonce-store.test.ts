import { describe, expect, it } from 'vitest';
import { createMemoryNonceStore } from './nonce-store.js';

describe('createMemoryNonceStore', () => {
  it('accepts a nonce once, refuses it until it expires, then accepts it again', async () => {
    const store = createMemoryNonceStore();
    expect(await store.remember('k:n1', 1000, 0)).toBe(true);
    expect(await store.remember('k:n1', 1000, 999)).toBe(false);
    expect(await store.remember('k:n1', 2000, 1000)).toBe(true);
  });

  it('stays within its cap, counting live entries it had to evict', async () => {
    const store = createMemoryNonceStore({ maxEntries: 2 });
    await store.remember('a', 10_000, 0);
    await store.remember('b', 10_000, 0);
    await store.remember('c', 10_000, 0);
    expect(store.size).toBe(2);
    expect(store.evicted).toBe(1);
  });

  it('does not store an entry that is already expired', async () => {
    const store = createMemoryNonceStore();
    expect(await store.remember('old', 5, 10)).toBe(true);
    expect(store.size).toBe(0);
  });

  it('refuses a bad cap', () => {
    expect(() => createMemoryNonceStore({ maxEntries: 0 })).toThrow(RangeError);
  });
});
