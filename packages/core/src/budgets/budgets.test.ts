import { describe, expect, it } from 'vitest';
import { BudgetStoreFullError, createMemoryBudgetStore } from './budget-store.js';
import { createLlmBudget } from './llm-budget.js';
import { budgetStoreContract } from './test-utils/budget-store-contract.js';

const T0 = 1_750_000_000_000;
const DAY = 86_400_000;
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'OK' : r.error!.code);

describe('createMemoryBudgetStore', () => {
  budgetStoreContract(() => createMemoryBudgetStore());

  it('refuses when full instead of forgetting spend', async () => {
    const store = createMemoryBudgetStore({ maxScopes: 1, maxReservationsPerScope: 1 });
    const limit = { tokens: 10 };
    expect(
      (await store.reserve('a', 'r1', { tokens: 1, cost: 0 }, limit, T0 + 10, T0 + 1e6, T0)).ok,
    ).toBe(true);
    await expect(
      store.reserve('a', 'r2', { tokens: 1, cost: 0 }, limit, T0 + 10, T0 + 1e6, T0),
    ).rejects.toBeInstanceOf(BudgetStoreFullError);
    await expect(
      store.reserve('b', 'r1', { tokens: 1, cost: 0 }, limit, T0 + 10, T0 + 1e6, T0),
    ).rejects.toBeInstanceOf(BudgetStoreFullError);
    expect(() => createMemoryBudgetStore({ maxReservationsPerScope: 0 })).toThrow(RangeError);
  });
});

describe('createLlmBudget', () => {
  const make = (store = createMemoryBudgetStore()) =>
    createLlmBudget({
      store,
      limits: {
        tenant: { cost: 1000, windowMs: DAY },
        user: { tokens: 500 },
        run: { tokens: 300 },
      },
      clock: () => T0,
    });
  const scopes = { tenant: 'acme', user: 'u1', run: 'r1' };

  it('holds the estimate in every scope, or in none', async () => {
    const budget = make();
    const a = await budget.reserve(scopes, { tokens: 200, cost: 100 });
    expect(codeOf(a)).toBe('OK');
    // Fits user (500) but not run (300): nothing stays held anywhere.
    const b = await budget.reserve(scopes, { tokens: 150, cost: 100 });
    expect(b.ok || b.error).toEqual({
      code: 'BUDGET_EXCEEDED',
      message: 'The run budget (tokens) would be exceeded.',
    });
    const u = await budget.usage(scopes);
    expect(u.ok && u.value.user!.reserved).toEqual({ tokens: 200, cost: 100 });
    expect(u.ok && u.value.tenant!.reserved).toEqual({ tokens: 200, cost: 100 });
    // Another run of the same user draws on the user and tenant budgets only.
    expect(codeOf(await budget.reserve({ ...scopes, run: 'r2' }, { tokens: 150, cost: 100 }))).toBe(
      'OK',
    );
  });

  it('settles the actual usage and releases on failure', async () => {
    const budget = make();
    const held = await budget.reserve(scopes, { tokens: 300, cost: 500 });
    if (!held.ok) throw new Error('setup');
    expect(await budget.settle(held.value, { tokens: 120, cost: 90 })).toEqual({
      ok: true,
      value: { held: true },
    });
    const u = await budget.usage(scopes);
    expect(u.ok && u.value.run).toEqual({
      spent: { tokens: 120, cost: 90 },
      reserved: { tokens: 0, cost: 0 },
      limit: { tokens: 300, cost: undefined },
    });
    const again = await budget.reserve(scopes, { tokens: 180, cost: 0 });
    if (!again.ok) throw new Error('setup');
    expect(codeOf(await budget.reserve(scopes, { tokens: 1, cost: 0 }))).toBe('BUDGET_EXCEEDED');
    expect(await budget.release(again.value)).toEqual({ ok: true, value: { held: true } });
    expect(codeOf(await budget.reserve(scopes, { tokens: 1, cost: 0 }))).toBe('OK');
  });

  it('renews a windowed budget in the next window and frees a crashed reservation', async () => {
    const budget = make();
    expect(codeOf(await budget.reserve({ ...scopes, run: 'a' }, { tokens: 0, cost: 1000 }))).toBe(
      'OK',
    );
    expect(codeOf(await budget.reserve({ ...scopes, run: 'b' }, { tokens: 0, cost: 1 }))).toBe(
      'BUDGET_EXCEEDED',
    );
    // The reservation was never settled (a crash): after its 120 s it no longer holds budget.
    expect(
      codeOf(
        await budget.reserve(
          { ...scopes, run: 'b' },
          { tokens: 0, cost: 1 },
          { now: T0 + 120_000 },
        ),
      ),
    ).toBe('OK');
    const nextDay = Math.ceil(T0 / DAY) * DAY;
    expect(
      codeOf(
        await budget.reserve({ ...scopes, run: 'c' }, { tokens: 0, cost: 1000 }, { now: nextDay }),
      ),
    ).toBe('OK');
  });

  it('refuses bad amounts and scopes with BUDGET_INVALID, store failures with BUDGET_STORE_UNAVAILABLE', async () => {
    const budget = make();
    for (const bad of [
      { tokens: -1, cost: 0 },
      { tokens: 1.5, cost: 0 },
      { tokens: Number.NaN, cost: 0 },
      null,
    ]) {
      expect(codeOf(await budget.reserve(scopes, bad as never))).toBe('BUDGET_INVALID');
    }
    expect(
      codeOf(await budget.reserve({ tenant: 'acme', user: 'u1' }, { tokens: 1, cost: 0 })),
    ).toBe('BUDGET_INVALID');
    expect(codeOf(await budget.reserve({ ...scopes, extra: 'x' }, { tokens: 1, cost: 0 }))).toBe(
      'BUDGET_INVALID',
    );
    expect(codeOf(await budget.reserve({ ...scopes, run: '' }, { tokens: 1, cost: 0 }))).toBe(
      'BUDGET_INVALID',
    );
    expect(codeOf(await budget.settle({} as never, { tokens: 1, cost: 0 }))).toBe('BUDGET_INVALID');
    const down = createLlmBudget({
      store: {
        reserve: () => Promise.reject(new Error('down')),
        settle: () => Promise.reject(new Error('down')),
        release: () => Promise.reject(new Error('down')),
        usage: () => Promise.reject(new Error('down')),
      },
      limits: { user: { tokens: 10 } },
    });
    expect(codeOf(await down.reserve({ user: 'u' }, { tokens: 1, cost: 0 }))).toBe(
      'BUDGET_STORE_UNAVAILABLE',
    );
    expect(codeOf(await down.usage({ user: 'u' }))).toBe('BUDGET_STORE_UNAVAILABLE');
  });

  it('throws at construction on a malformed configuration', () => {
    const store = createMemoryBudgetStore();
    expect(() => createLlmBudget({ store, limits: {} })).toThrow(/limits/);
    expect(() => createLlmBudget({ store, limits: { user: {} } })).toThrow(/tokens or cost/);
    expect(() => createLlmBudget({ store, limits: { user: { tokens: -5 } } })).toThrow(RangeError);
    expect(() => createLlmBudget({ store, limits: { user: { tokens: 5, windowMs: 0 } } })).toThrow(
      /windowMs/,
    );
    expect(() => createLlmBudget({ store: {} as never, limits: { user: { tokens: 5 } } })).toThrow(
      /store/,
    );
  });
});
