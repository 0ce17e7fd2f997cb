import { describe, expect, it } from 'vitest';
import { CallStoreFullError, createMemoryCallStore } from './call-store.js';

const c = (key: string, limit: number, expiresAt = 10_000) => ({
  key,
  group: 'g',
  limit,
  expiresAt,
});

describe('createMemoryCallStore', () => {
  it('counts up to each limit, all or nothing', async () => {
    const store = createMemoryCallStore();
    expect(await store.consume([c('a', 2), c('b', 1)], 0)).toBe(true);
    // b is used up: neither counter moves.
    expect(await store.consume([c('a', 2), c('b', 1)], 0)).toBe(false);
    expect(await store.consume([c('a', 2)], 0)).toBe(true);
    expect(await store.consume([c('a', 2)], 0)).toBe(false);
  });

  it('forgets a counter at its expiry and keeps the first expiry on later calls', async () => {
    const store = createMemoryCallStore();
    expect(await store.consume([c('a', 1, 1000)], 0)).toBe(true);
    expect(await store.consume([c('a', 1, 5000)], 999)).toBe(false);
    expect(await store.consume([c('a', 1, 5000)], 1000)).toBe(true);
  });

  it('refuses, changing nothing, when full of live counters', async () => {
    const store = createMemoryCallStore({ maxEntries: 2 });
    expect(await store.consume([c('a', 5), c('b', 5)], 0)).toBe(true);
    await expect(store.consume([c('a', 5), c('new', 5)], 0)).rejects.toBeInstanceOf(
      CallStoreFullError,
    );
    expect(store.size).toBe(2);
    // a was not charged by the refused call: 4 more fit.
    for (let i = 0; i < 4; i++) expect(await store.consume([c('a', 5)], 0)).toBe(true);
    expect(await store.consume([c('a', 5)], 0)).toBe(false);
  });

  it('rejects a bad maxEntries at construction', () => {
    expect(() => createMemoryCallStore({ maxEntries: 0 })).toThrow(RangeError);
  });
});
