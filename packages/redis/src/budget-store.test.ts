import { createLlmBudget } from '@jaf-sec/core/budgets';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { budgetStoreContract } from '../../core/src/budgets/test-utils/budget-store-contract.js';
import { createRedisBudgetStore } from './budget-store.js';
import {
  connect,
  connectTo,
  TARGETS,
  type TestClient,
  uniquePrefix,
} from './test-utils/redis-test-env.js';

const T0 = 1_750_000_000_000;

describe.each(TARGETS)('budget store on Redis (%s) with %s', (target, kind) => {
  let t: TestClient;
  const prefix = uniquePrefix(`budget-${target}-${kind}`);
  beforeAll(async () => {
    t = await connectTo(kind, target, inject('redisClusterPorts'));
  });
  afterAll(async () => {
    await t.cleanup(prefix);
    await t.close();
  });

  // Fresh scope names per run: the prefix is unique, and each property case salts its own.
  budgetStoreContract(
    () => createRedisBudgetStore({ client: t.client, prefix, timeoutMs: 5000 }),
    `${kind}-`,
  );

  it('keeps both keys of a scope in one hash slot, with a TTL', async () => {
    const store = createRedisBudgetStore({ client: t.client, prefix });
    await store.reserve(
      'ttl-scope',
      'r1',
      { tokens: 1, cost: 2 },
      { tokens: 10 },
      T0 + 1000,
      T0 + 60_000,
      T0,
    );
    const h = `${prefix}{ttl-scope}`;
    const pttl = Number(await t.command(['PTTL', h]));
    expect(pttl).toBeGreaterThan(50_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    expect(Number(await t.command(['PTTL', `${h}:r`]))).toBeGreaterThan(50_000);
    // One command over both keys: on the cluster target Redis refuses it (CROSSSLOT) unless
    // the two keys share a slot.
    expect(Number(await t.command(['EXISTS', h, `${h}:r`]))).toBe(2);
  });

  it('keeps cost exact up to 2^53', async () => {
    const store = createRedisBudgetStore({ client: t.client, prefix });
    const big = 2 ** 53 - 1;
    expect(
      await store.reserve(
        'big',
        'r',
        { tokens: 0, cost: big },
        { cost: big },
        T0 + 1000,
        T0 + 60_000,
        T0,
      ),
    ).toEqual({ ok: true });
    expect((await store.usage('big', T0)).reserved.cost).toBe(big);
    expect(await store.settle('big', 'r', { tokens: 0, cost: big }, T0 + 60_000, T0)).toBe(true);
    expect(await store.usage('big', T0)).toEqual({
      spent: { tokens: 0, cost: big },
      reserved: { tokens: 0, cost: 0 },
    });
  });

  it('refuses a scope full of reservations', async () => {
    const store = createRedisBudgetStore({
      client: t.client,
      prefix,
      maxReservationsPerScope: 2,
    });
    const r = (id: string) =>
      store.reserve(
        'full',
        id,
        { tokens: 1, cost: 0 },
        { tokens: 100 },
        T0 + 1000,
        T0 + 60_000,
        T0,
      );
    await r('a');
    await r('b');
    await expect(r('c')).rejects.toThrow(/reservations/);
  });
});

describe('budget store on Redis: two clients of both kinds at once', () => {
  it('never overspends when ioredis and node-redis reserve the same scope concurrently', async () => {
    const io = await connect('ioredis');
    const nr = await connect('node-redis');
    const prefix = uniquePrefix('budget-mixed');
    try {
      const limits = { user: { tokens: 1000 } };
      const a = createLlmBudget({
        store: createRedisBudgetStore({ client: io.client, prefix, timeoutMs: 5000 }),
        limits,
        clock: () => T0,
      });
      const b = createLlmBudget({
        store: createRedisBudgetStore({ client: nr.client, prefix, timeoutMs: 5000 }),
        limits,
        clock: () => T0,
      });
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          (i % 2 ? a : b).reserve({ user: 'shared' }, { tokens: 7, cost: 0 }),
        ),
      );
      const held = results.filter((r) => r.ok).length;
      expect(held).toBe(Math.floor(1000 / 7)); // 142: every unit that fits, and not one more
      const u = await a.usage({ user: 'shared' });
      expect(u.ok && u.value.user!.reserved.tokens).toBe(held * 7);
    } finally {
      await io.cleanup(prefix);
      await nr.cleanup(prefix);
      await io.close();
      await nr.close();
    }
  });
});
