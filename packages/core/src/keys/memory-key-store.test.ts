import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from './key-store.js';
import { createMemoryKeyStore } from './memory-key-store.js';

const record = (i: number, extra: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  id: `key_${i}`,
  hash: `h${i}`,
  owner: 'o',
  scopes: [],
  prefix: 'jaf',
  environment: 'test',
  hint: 'jaf_test_...abcd',
  createdAt: 0,
  usageCount: 0,
  ...extra,
});

describe('createMemoryKeyStore', () => {
  it('holds at most maxEntries keys, dropping the least recently written', async () => {
    const store = createMemoryKeyStore({ maxEntries: 3 });
    for (let i = 0; i < 5; i++) await store.put(record(i), 0);
    expect(await store.findByHash('h0', 0)).toBeUndefined();
    expect(await store.findByHash('h1', 0)).toBeUndefined();
    expect((await store.findById('key_4', 0))?.hash).toBe('h4');
    expect((await store.findById('key_2', 0))?.hash).toBe('h2');
  });

  it('keeps an expired key for retainExpiredMs (so it reports EXPIRED), then forgets it, with no timer', async () => {
    const store = createMemoryKeyStore({ retainExpiredMs: 1000 });
    await store.put(record(1, { expiresAt: 5000 }), 0);
    expect((await store.recordUse('h1', 5000)).outcome).toBe('EXPIRED');
    expect((await store.findByHash('h1', 5999))?.id).toBe('key_1');
    expect(await store.findByHash('h1', 6000)).toBeUndefined();
    expect((await store.recordUse('h1', 6000)).outcome).toBe('NOT_FOUND');
  });

  it('returns copies: changing a returned record does not change the store', async () => {
    const store = createMemoryKeyStore();
    await store.put(record(1), 0);
    const r = (await store.findByHash('h1', 0)) as { usageCount: number };
    r.usageCount = 99;
    expect((await store.findByHash('h1', 0))?.usageCount).toBe(0);
  });

  it('only moves an expiry earlier and keeps revocation idempotent', async () => {
    const store = createMemoryKeyStore();
    await store.put(record(1, { expiresAt: 1000 }), 0);
    expect(await store.expire('key_1', 5000, 0)).toBe(true);
    expect((await store.findById('key_1', 0))?.expiresAt).toBe(1000);
    expect(await store.expire('key_1', 500, 0)).toBe(true);
    expect((await store.findById('key_1', 0))?.expiresAt).toBe(500);
    expect(await store.revoke('key_1', 10)).toBe(true);
    expect(await store.revoke('key_1', 20)).toBe(true);
    expect((await store.findById('key_1', 0))?.revokedAt).toBe(10);
    expect(await store.revoke('key_missing', 0)).toBe(false);
    expect(await store.expire('key_missing', 0, 0)).toBe(false);
  });

  it('refuses invalid options at construction', () => {
    expect(() => createMemoryKeyStore({ maxEntries: 0 })).toThrow(/positive integer/);
    expect(() => createMemoryKeyStore({ retainExpiredMs: -1 })).toThrow(/retainExpiredMs/);
  });
});
