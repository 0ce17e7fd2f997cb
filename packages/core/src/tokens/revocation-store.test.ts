import { describe, expect, it } from 'vitest';
import { createMemoryRevocationStore } from './index.js';

describe('createMemoryRevocationStore', () => {
  it('keeps a revocation until the token expiry, with no timer', async () => {
    let now = 1_000;
    const store = createMemoryRevocationStore({ clock: () => now });
    await store.revoke('a', 5_000);
    expect(await store.isRevoked('a', 4_999)).toBe(true);
    expect(await store.isRevoked('a', 5_000)).toBe(false);
    expect(await store.isRevoked('b', 1_000)).toBe(false);
    now = 6_000;
    await store.revoke('late', 5_500); // already expired: nothing to remember
    expect(await store.isRevoked('late', 5_000)).toBe(false);
  });

  it('keeps a revocation of a token without exp forever', async () => {
    const store = createMemoryRevocationStore({ clock: () => 0 });
    await store.revoke('forever', Number.POSITIVE_INFINITY);
    expect(await store.isRevoked('forever', 8.64e15)).toBe(true);
  });

  it('makes room by dropping expired revocations, and refuses rather than forget a live one', async () => {
    let now = 0;
    const store = createMemoryRevocationStore({ maxEntries: 2, clock: () => now });
    await store.revoke('a', 100);
    await store.revoke('b', 1_000);
    await expect(store.revoke('c', 1_000)).rejects.toThrow(/revocation store is full \(2 live/);
    expect(await store.isRevoked('a', 0)).toBe(true);
    now = 100; // a has expired: its room can be reused
    await store.revoke('c', 1_000);
    expect(await store.isRevoked('b', 100)).toBe(true);
    expect(await store.isRevoked('c', 100)).toBe(true);
    await store.revoke('b', 2_000); // re-revoking a held id needs no room
    expect(await store.isRevoked('b', 1_500)).toBe(true);
  });

  it('refuses bad arguments and a bad cap', async () => {
    expect(() => createMemoryRevocationStore({ maxEntries: 0 })).toThrow(/positive integer/);
    const store = createMemoryRevocationStore();
    await expect(store.revoke('', 1)).rejects.toThrow(/jti/);
    await expect(store.revoke('x', Number.NaN)).rejects.toThrow(/expiresAt/);
  });
});
