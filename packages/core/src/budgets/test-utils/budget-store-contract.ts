// The behaviour every BudgetStore must have, run against the memory store here and against
// Redis (both clients) in @jaf-sec/redis.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { BudgetStore } from '../budget-store.js';
import { createLlmBudget } from '../llm-budget.js';

const T0 = 1_750_000_000_000;

export function budgetStoreContract(makeStore: () => BudgetStore, scopePrefix = ''): void {
  const scope = (s: string) => `${scopePrefix}${s}`;

  it('reserves within the limit, settles the actual usage, releases on failure', async () => {
    const store = makeStore();
    const limit = { tokens: 100, cost: 1000 };
    const s = scope('a');
    expect(
      await store.reserve(s, 'r1', { tokens: 60, cost: 10 }, limit, T0 + 1000, T0 + 1e6, T0),
    ).toEqual({ ok: true });
    expect(
      await store.reserve(s, 'r2', { tokens: 50, cost: 10 }, limit, T0 + 1000, T0 + 1e6, T0),
    ).toEqual({
      ok: false,
      exceeded: 'tokens',
    });
    expect(await store.usage(s, T0)).toEqual({
      spent: { tokens: 0, cost: 0 },
      reserved: { tokens: 60, cost: 10 },
    });
    expect(await store.settle(s, 'r1', { tokens: 40, cost: 7 }, T0 + 1e6, T0)).toBe(true);
    expect(await store.usage(s, T0)).toEqual({
      spent: { tokens: 40, cost: 7 },
      reserved: { tokens: 0, cost: 0 },
    });
    expect(
      await store.reserve(s, 'r2', { tokens: 50, cost: 10 }, limit, T0 + 1000, T0 + 1e6, T0),
    ).toEqual({ ok: true });
    expect(await store.release(s, 'r2', T0)).toBe(true);
    expect(await store.release(s, 'r2', T0)).toBe(false);
    expect(
      await store.reserve(s, 'r3', { tokens: 0, cost: 994 }, limit, T0 + 1000, T0 + 1e6, T0),
    ).toEqual({
      ok: false,
      exceeded: 'cost',
    });
  });

  it('lets an unsettled reservation expire, and still records a late settlement', async () => {
    const store = makeStore();
    const limit = { tokens: 100 };
    const s = scope('b');
    expect(
      (await store.reserve(s, 'crash', { tokens: 100, cost: 0 }, limit, T0 + 1000, T0 + 1e6, T0))
        .ok,
    ).toBe(true);
    expect(
      (await store.reserve(s, 'next', { tokens: 1, cost: 0 }, limit, T0 + 2000, T0 + 1e6, T0 + 999))
        .ok,
    ).toBe(false);
    expect(
      (
        await store.reserve(
          s,
          'next',
          { tokens: 1, cost: 0 },
          limit,
          T0 + 2000,
          T0 + 1e6,
          T0 + 1000,
        )
      ).ok,
    ).toBe(true);
    // The crashed call did finish after all: its usage counts even though the hold expired.
    expect(await store.settle(s, 'crash', { tokens: 30, cost: 0 }, T0 + 1e6, T0 + 1500)).toBe(
      false,
    );
    expect((await store.usage(s, T0 + 1500)).spent.tokens).toBe(30);
  });

  it('never lets concurrent reservations overspend (property)', async () => {
    let refusals = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        async (limit, amounts, salt) => {
          const store = makeStore();
          const budget = createLlmBudget({
            store,
            limits: { user: { tokens: limit } },
            clock: () => T0,
          });
          const user = `${scopePrefix}u${salt}-${amounts.length}-${limit}`;
          const results = await Promise.all(
            amounts.map((tokens) => budget.reserve({ user }, { tokens, cost: 0 })),
          );
          const held = amounts.filter((_, i) => results[i]!.ok).reduce((a, b) => a + b, 0);
          expect(held).toBeLessThanOrEqual(limit);
          for (const r of results) if (!r.ok) expect(r.error.code).toBe('BUDGET_EXCEEDED');
          refusals += results.filter((r) => !r.ok).length;
          // Settling at the estimate keeps the spend within the limit too.
          await Promise.all(
            results.map((r) => (r.ok ? budget.settle(r.value, r.value.estimate) : undefined)),
          );
          const u = await budget.usage({ user });
          expect(u.ok && u.value.user!.spent.tokens).toBe(held);
        },
      ),
      { numRuns: 60 },
    );
    expect(refusals).toBeGreaterThan(0);
  });
}
