import { describe, expect, it } from 'vitest';
import { generateApiKey } from './generate-api-key.js';
import { createApiKeyHasher, hashApiKey } from './hash-api-key.js';
import { issueApiKey } from './issue-api-key.js';
import { createMemoryKeyStore } from './memory-key-store.js';
import { rotateApiKey } from './rotate-api-key.js';
import { countCalls } from './test-utils/counting-store.js';
import { createApiKeyVerifier, type RequiredScopes, verifyApiKey } from './verify-api-key.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const codeOf = (r: { ok: true; value: object } | { ok: false; error: { code: string } }): string =>
  r.ok ? ('code' in r.value ? String(r.value.code) : 'OK') : r.error.code;

async function setup(options: Partial<Parameters<typeof issueApiKey>[1]> = {}) {
  const { store, calls } = countCalls(createMemoryKeyStore());
  const issued = await issueApiKey(store, {
    owner: 'svc-agents',
    scopes: ['chat:*', 'agent:manage'],
    environment: 'test',
    now: T0,
    ...options,
  });
  for (const k of Object.keys(calls)) delete calls[k];
  return { store, calls, issued };
}

describe('verifyApiKey', () => {
  it('accepts a valid key, returns the owner and scopes, and records the use in the store', async () => {
    const { store, issued } = await setup({ metadata: { client: 'reports' } });
    const r = await verifyApiKey(issued.key, store, { now: T0 + 1000 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      code: 'API_KEY_VALID',
      id: issued.id,
      owner: 'svc-agents',
      scopes: ['chat:*', 'agent:manage'],
      environment: 'test',
      usageCount: 1,
      remainingUses: undefined,
      metadata: { client: 'reports' },
    });
    const record = await store.findById(issued.id, T0 + 1000);
    expect(record).toMatchObject({ usageCount: 1, lastUsedAt: T0 + 1000 });
  });

  it('rejects a bad checksum without touching the store', async () => {
    const { store, calls, issued } = await setup();
    const tampered = issued.key.slice(0, -1) + (issued.key.endsWith('A') ? 'B' : 'A');
    const r = await verifyApiKey(tampered, store, { now: T0 });
    expect(codeOf(r)).toBe('API_KEY_MALFORMED');
    expect(calls).toEqual({});
    // Garbage and wrong types are refused offline too.
    for (const bad of ['', 'Bearer x', 'jaf_test_short', null, 12]) {
      expect(codeOf(await verifyApiKey(bad, store, { now: T0 }))).toBe('API_KEY_MALFORMED');
    }
    expect(calls).toEqual({});
  });

  it('reports API_KEY_NOT_FOUND for a well-formed key that was never stored (one store call)', async () => {
    const { store, calls } = await setup();
    const stranger = generateApiKey({ environment: 'test' }).key;
    expect(codeOf(await verifyApiKey(stranger, store, { now: T0 }))).toBe('API_KEY_NOT_FOUND');
    expect(calls).toEqual({ recordUse: 1 });
  });

  it('verifies without scopes in one atomic store call, with scopes in a lookup then the use', async () => {
    const { store, calls, issued } = await setup();
    await verifyApiKey(issued.key, store, { now: T0 });
    expect(calls).toEqual({ recordUse: 1 });
    await verifyApiKey(issued.key, store, { now: T0, requiredScopes: ['chat:basic'] });
    expect(calls).toEqual({ recordUse: 2, findByHash: 1 });
  });

  it('reports REVOKED, EXPIRED and USAGE_EXCEEDED the same way on the scope-checking path', async () => {
    const requiredScopes = ['chat:basic'];
    const a = await setup({ expiresAt: T0 + 10, maxUses: 1 });
    expect(codeOf(await verifyApiKey(a.issued.key, a.store, { now: T0, requiredScopes }))).toBe(
      'API_KEY_VALID',
    );
    expect(codeOf(await verifyApiKey(a.issued.key, a.store, { now: T0, requiredScopes }))).toBe(
      'API_KEY_USAGE_EXCEEDED',
    );
    expect(
      codeOf(await verifyApiKey(a.issued.key, a.store, { now: T0 + 10, requiredScopes })),
    ).toBe('API_KEY_EXPIRED');
    await a.store.revoke(a.issued.id, T0);
    expect(codeOf(await verifyApiKey(a.issued.key, a.store, { now: T0, requiredScopes }))).toBe(
      'API_KEY_REVOKED',
    );
    const stranger = generateApiKey({ environment: 'test' }).key;
    expect(codeOf(await verifyApiKey(stranger, a.store, { now: T0, requiredScopes }))).toBe(
      'API_KEY_NOT_FOUND',
    );
  });

  it('reports API_KEY_REVOKED after revocation', async () => {
    const { store, issued } = await setup();
    expect(await store.revoke(issued.id, T0 + 5)).toBe(true);
    expect(codeOf(await verifyApiKey(issued.key, store, { now: T0 + 10 }))).toBe('API_KEY_REVOKED');
    expect((await store.findById(issued.id, T0 + 10))?.revokedAt).toBe(T0 + 5);
  });

  it('reports API_KEY_EXPIRED from the expiry instant on (time injected)', async () => {
    const { store, issued } = await setup({ expiresAt: T0 + HOUR });
    expect(codeOf(await verifyApiKey(issued.key, store, { now: T0 + HOUR - 1 }))).toBe(
      'API_KEY_VALID',
    );
    expect(codeOf(await verifyApiKey(issued.key, store, { now: T0 + HOUR }))).toBe(
      'API_KEY_EXPIRED',
    );
  });

  it('counts uses down and reports API_KEY_USAGE_EXCEEDED when none are left', async () => {
    const { store, issued } = await setup({ maxUses: 2 });
    const first = await verifyApiKey(issued.key, store, { now: T0 });
    expect(first.ok && first.value.remainingUses).toBe(1);
    const second = await verifyApiKey(issued.key, store, { now: T0 + 1 });
    expect(second.ok && second.value.remainingUses).toBe(0);
    expect(codeOf(await verifyApiKey(issued.key, store, { now: T0 + 2 }))).toBe(
      'API_KEY_USAGE_EXCEEDED',
    );
    expect(await store.findById(issued.id, T0 + 2)).toMatchObject({
      usageCount: 2,
      remainingUses: 0,
      lastUsedAt: T0 + 1,
    });
  });

  it('lets concurrent verifications spend a last use only once (atomic recordUse)', async () => {
    const { store, issued } = await setup({ maxUses: 1 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => verifyApiKey(issued.key, store, { now: T0 })),
    );
    expect(results.map(codeOf).sort()).toEqual([
      'API_KEY_USAGE_EXCEEDED',
      'API_KEY_USAGE_EXCEEDED',
      'API_KEY_USAGE_EXCEEDED',
      'API_KEY_USAGE_EXCEEDED',
      'API_KEY_VALID',
    ]);
  });

  it('checks scopes (wildcards and queries) and keeps the use when a scope is missing', async () => {
    const { store, issued, calls } = await setup({ maxUses: 5 });
    const verify = (requiredScopes: RequiredScopes) =>
      verifyApiKey(issued.key, store, { now: T0, requiredScopes });
    expect(codeOf(await verify(['chat:advanced']))).toBe('API_KEY_VALID');
    expect(codeOf(await verify(['chat:basic', 'agent:manage']))).toBe('API_KEY_VALID');
    expect(codeOf(await verify({ any: ['system:admin', 'agent:manage'] }))).toBe('API_KEY_VALID');
    expect(calls.recordUse).toBe(3);
    expect(codeOf(await verify(['data:export']))).toBe('API_KEY_INSUFFICIENT_PERMISSIONS');
    expect(codeOf(await verify(['chat:basic', 'system:admin']))).toBe(
      'API_KEY_INSUFFICIENT_PERMISSIONS',
    );
    expect(calls.recordUse).toBe(3);
    expect((await store.findById(issued.id, T0))?.remainingUses).toBe(2);
  });

  it('never puts the key in an error message', async () => {
    const { store, issued } = await setup();
    await store.revoke(issued.id, T0);
    const r = await verifyApiKey(issued.key, store, { now: T0 });
    expect(!r.ok && r.error.message).toBe('The API key has been revoked.');
    expect(JSON.stringify(r)).not.toContain(issued.key.slice(9, 40));
  });

  it('reports a store outage as API_KEY_STORE_UNAVAILABLE, not as a bad key, and never throws', async () => {
    const { issued } = await setup();
    const broken = createMemoryKeyStore();
    broken.findByHash = () => Promise.reject(new Error('connection refused'));
    broken.recordUse = () => Promise.reject(new Error('connection refused'));
    for (const options of [{ now: T0 }, { now: T0, requiredScopes: ['chat:basic'] }]) {
      const r = await verifyApiKey(issued.key, broken, options);
      expect(r.ok || r.error.code).toBe('API_KEY_STORE_UNAVAILABLE');
      expect(JSON.stringify(r)).not.toContain('refused');
    }
  });
});

describe('createApiKeyVerifier', () => {
  it('applies a pepper, prefix, environments and fixed scopes prepared once', async () => {
    const pepper = new Uint8Array(32).fill(7);
    const hasher = createApiKeyHasher({ pepper });
    const store = createMemoryKeyStore();
    const issued = await issueApiKey(store, {
      owner: 'o',
      scopes: ['chat:basic'],
      prefix: 'acme',
      environment: 'live',
      hasher,
      now: T0,
    });
    expect(issued.hash).toBe(hasher.hash(issued.key));
    expect(issued.hash).not.toBe(hashApiKey(issued.key));
    expect(hashApiKey(issued.key, { pepper })).toBe(issued.hash);

    const verifier = createApiKeyVerifier({
      store,
      pepper,
      prefix: 'acme',
      environments: ['live'],
      requiredScopes: ['chat:basic'],
      clock: () => T0,
    });
    expect(codeOf(await verifier.verify(issued.key))).toBe('API_KEY_VALID');
    expect(codeOf(await verifier.verify(issued.key, { requiredScopes: ['chat:advanced'] }))).toBe(
      'API_KEY_INSUFFICIENT_PERMISSIONS',
    );
    // Without the pepper the hash differs, so the key is simply not found.
    expect(codeOf(await verifyApiKey(issued.key, store, { prefix: 'acme', now: T0 }))).toBe(
      'API_KEY_NOT_FOUND',
    );
    // A verifier for test keys refuses a live key offline.
    const testOnly = createApiKeyVerifier({ store, prefix: 'acme', environments: ['test'] });
    expect(codeOf(await testOnly.verify(issued.key))).toBe('API_KEY_MALFORMED');
  });

  it('refuses a short pepper and a missing store at construction', () => {
    expect(() => createApiKeyHasher({ pepper: 'short' })).toThrow(/at least 32 bytes/);
    expect(() =>
      createApiKeyVerifier({} as unknown as Parameters<typeof createApiKeyVerifier>[0]),
    ).toThrow(/pass \{ store \}/);
  });

  it('treats a store that matches loosely (case-insensitive) as not found', async () => {
    const store = createMemoryKeyStore();
    const issued = await issueApiKey(store, { owner: 'o', now: T0 });
    const loose = {
      ...store,
      findByHash: async (hash: string, now: number) => {
        const r = await store.findByHash(hash, now);
        return r && { ...r, hash: r.hash.toUpperCase() };
      },
      recordUse: async (hash: string, now: number) => {
        const use = await store.recordUse(hash, now);
        return {
          ...use,
          record: use.record && { ...use.record, hash: use.record.hash.toUpperCase() },
        };
      },
    };
    expect(codeOf(await verifyApiKey(issued.key, loose, { now: T0 }))).toBe('API_KEY_NOT_FOUND');
    expect(
      codeOf(await verifyApiKey(issued.key, loose, { now: T0, requiredScopes: ['x:y'] })),
    ).toBe('API_KEY_NOT_FOUND');
  });
});

describe('rotateApiKey', () => {
  it('keeps the old key valid until the overlap ends, then reports it EXPIRED; the new key works', async () => {
    const { store, issued } = await setup();
    const rotated = await rotateApiKey(issued.id, store, { now: T0 + HOUR, overlapMs: HOUR });
    expect(rotated.ok).toBe(true);
    if (!rotated.ok) return;
    const next = rotated.value;
    expect(next.previous).toEqual({ id: issued.id, expiresAt: T0 + 2 * HOUR });
    expect(next.record).toMatchObject({
      owner: 'svc-agents',
      scopes: ['chat:*', 'agent:manage'],
      environment: 'test',
      rotatedFrom: issued.id,
    });
    expect(next.key).not.toBe(issued.key);

    expect(codeOf(await verifyApiKey(issued.key, store, { now: T0 + 2 * HOUR - 1 }))).toBe(
      'API_KEY_VALID',
    );
    expect(codeOf(await verifyApiKey(issued.key, store, { now: T0 + 2 * HOUR }))).toBe(
      'API_KEY_EXPIRED',
    );
    expect(codeOf(await verifyApiKey(next.key, store, { now: T0 + 2 * HOUR }))).toBe(
      'API_KEY_VALID',
    );
  });

  it('never extends an old key that expires before the overlap would end', async () => {
    const { store, issued } = await setup({ expiresAt: T0 + HOUR });
    const rotated = await rotateApiKey(issued.id, store, { now: T0, overlapMs: 10 * HOUR });
    expect(rotated.ok && rotated.value.previous.expiresAt).toBe(T0 + HOUR);
    // The new key gets the old key's lifetime again, counted from now.
    expect(rotated.ok && rotated.value.record.expiresAt).toBe(T0 + HOUR);
  });

  it('ends the old key at once with overlapMs 0', async () => {
    const { store, issued } = await setup();
    await rotateApiKey(issued.id, store, { now: T0, overlapMs: 0 });
    expect(codeOf(await verifyApiKey(issued.key, store, { now: T0 }))).toBe('API_KEY_EXPIRED');
  });

  it('refuses to rotate an unknown, revoked or expired key', async () => {
    const { store, issued } = await setup({ expiresAt: T0 + HOUR });
    expect(codeOf(await rotateApiKey('key_nope', store, { now: T0 }))).toBe('API_KEY_NOT_FOUND');
    expect(codeOf(await rotateApiKey(issued.id, store, { now: T0 + HOUR }))).toBe(
      'API_KEY_EXPIRED',
    );
    await store.revoke(issued.id, T0);
    expect(codeOf(await rotateApiKey(issued.id, store, { now: T0 }))).toBe('API_KEY_REVOKED');
    await expect(rotateApiKey(issued.id, store, { overlapMs: -1 })).rejects.toThrow(/overlapMs/);
  });
});

describe('issueApiKey', () => {
  it('refuses bad owners, scopes and use limits with a fix-it message', async () => {
    const store = createMemoryKeyStore();
    await expect(issueApiKey(store, { owner: '' })).rejects.toThrow(/pass \{ owner \}/);
    await expect(issueApiKey(store, { owner: 'o', scopes: ['chat:**'] })).rejects.toThrow(
      /whole last segment/,
    );
    await expect(issueApiKey(store, { owner: 'o', maxUses: 0 })).rejects.toThrow(/maxUses/);
    await expect(
      issueApiKey(store, { owner: 'o', scopes: 'chat:basic' as unknown as string[] }),
    ).rejects.toThrow(/scopes must be an array/);
  });
});

describe('verifyApiKey with a store whose recordUse does not return the record', () => {
  it('reads the record with findByHash after the use, and still reports each code', async () => {
    const inner = createMemoryKeyStore();
    const issued = await issueApiKey(inner, { owner: 'o', scopes: ['a:b'], maxUses: 1, now: T0 });
    const { store, calls } = countCalls({
      ...inner,
      recordUse: async (hash, now) => {
        const { record: _dropped, ...rest } = await inner.recordUse(hash, now);
        return rest;
      },
    });
    const ok = await verifyApiKey(issued.key, store, { now: T0 });
    expect(ok.ok && ok.value.owner).toBe('o');
    expect(calls).toEqual({ recordUse: 1, findByHash: 1 });
    expect(codeOf(await verifyApiKey(issued.key, store, { now: T0 }))).toBe(
      'API_KEY_USAGE_EXCEEDED',
    );
    const stranger = generateApiKey().key;
    expect(codeOf(await verifyApiKey(stranger, store, { now: T0 }))).toBe('API_KEY_NOT_FOUND');
  });
});
