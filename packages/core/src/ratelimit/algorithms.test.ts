import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consumeFixedWindow,
  consumeGcra,
  consumeSlidingWindow,
  consumeTokenBucket,
  type RateLimitParams,
  type RateLimitStep,
} from './algorithms.js';

type Consume<S> = (
  s: S | undefined,
  p: RateLimitParams,
  cost: number,
  now: number,
) => RateLimitStep<S>;

/** Runs a sequence of (time, cost) requests and returns the allowed flags. */
function run<S>(consume: Consume<S>, params: RateLimitParams, calls: [number, number][]) {
  let state: S | undefined;
  return calls.map(([now, cost]) => {
    const r = consume(state, params, cost, now);
    state = r.state;
    return r;
  });
}

const T0 = 1_700_000_000_000;

describe('token bucket', () => {
  const p = { limit: 5, windowMs: 5000 }; // 1 token per second

  it('allows a full burst, then denies with the exact wait, spending nothing when denied', () => {
    const rs = run(consumeTokenBucket, p, [
      [T0, 1],
      [T0, 1],
      [T0, 1],
      [T0, 1],
      [T0, 1],
      [T0, 1],
    ]);
    expect(rs.map((r) => r.allowed)).toEqual([true, true, true, true, true, false]);
    expect(rs.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(rs[5]!.retryAfterMs).toBe(1000);
    expect(rs[5]!.state.tokens).toBe(0);
    expect(rs[4]!.resetAt).toBe(T0 + 5000);
  });

  it('refills continuously and spends the cost of each request', () => {
    const rs = run(consumeTokenBucket, p, [
      [T0, 5],
      [T0 + 2500, 3],
      [T0 + 3000, 3],
    ]);
    expect(rs.map((r) => r.allowed)).toEqual([true, false, true]);
    expect(rs[1]!.retryAfterMs).toBe(500);
    expect(rs[2]!.remaining).toBe(0);
  });

  it('never refills when the clock steps backwards, and does not count the step twice', () => {
    const rs = run(consumeTokenBucket, p, [
      [T0 + 10_000, 5],
      [T0, 1], // clock jumped back 10 s
      [T0 + 10_000, 1], // back to where it was: still no time has passed
      [T0 + 11_000, 1],
    ]);
    expect(rs.map((r) => r.allowed)).toEqual([true, false, false, true]);
    expect(rs[1]!.state.updatedAt).toBe(T0 + 10_000);
  });

  it('denies a cost above the burst with an infinite wait', () => {
    const r = consumeTokenBucket(undefined, p, 6, T0);
    expect(r.allowed).toBe(false);
    expect(r.retryAfterMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('honours a burst different from the limit', () => {
    const rs = run(consumeTokenBucket, { limit: 1, windowMs: 1000, burst: 3 }, [
      [T0, 3],
      [T0 + 1000, 1],
      [T0 + 1000, 1],
    ]);
    expect(rs.map((r) => r.allowed)).toEqual([true, true, false]);
  });
});

describe('GCRA', () => {
  const p = { limit: 5, windowMs: 5000 };

  it('allows the burst, then one per emission interval', () => {
    const rs = run(consumeGcra, p, [
      [T0, 1],
      [T0, 1],
      [T0, 1],
      [T0, 1],
      [T0, 1],
      [T0, 1],
      [T0 + 999, 1],
      [T0 + 1000, 1],
    ]);
    expect(rs.map((r) => r.allowed)).toEqual([true, true, true, true, true, false, false, true]);
    expect(rs[5]!.retryAfterMs).toBe(1000);
    expect(rs[6]!.retryAfterMs).toBe(1);
    expect(rs[4]!.remaining).toBe(0);
    expect(rs[0]!.remaining).toBe(4);
  });

  it('grants nothing extra when the clock steps backwards', () => {
    const rs = run(consumeGcra, p, [
      [T0 + 60_000, 5],
      [T0, 1],
      [T0 + 60_000, 1],
      [T0 + 61_000, 1],
    ]);
    expect(rs.map((r) => r.allowed)).toEqual([true, false, false, true]);
  });

  it('makes the same decisions as the token bucket for any request sequence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.tuple(fc.integer({ min: -2000, max: 5000 }), fc.integer({ min: 0, max: 4 })), {
          maxLength: 60,
        }),
        (limit, steps) => {
          const params = { limit, windowMs: limit * 1000 }; // whole-ms emission interval
          let t = T0;
          const calls = steps.map(([dt, cost]) => {
            t += dt;
            return [t, cost] as [number, number];
          });
          const a = run(consumeTokenBucket, params, calls).map((r) => r.allowed);
          const b = run(consumeGcra, params, calls).map((r) => r.allowed);
          expect(b).toEqual(a);
        },
      ),
    );
  });
});

describe('never more than the rate allows, whatever the clock does', () => {
  const steps = fc.array(
    fc.tuple(fc.integer({ min: -3000, max: 4000 }), fc.integer({ min: 0, max: 3 })),
    { maxLength: 80 },
  );

  it.each([
    ['token bucket', consumeTokenBucket],
    ['GCRA', consumeGcra],
  ] as const)(
    '%s: allowed cost <= burst + rate x (latest time - time of the first request)',
    (_, consume) => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 20 }), steps, (limit, seq) => {
          const params = { limit, windowMs: 10_000 };
          let t = T0;
          let first: number | undefined;
          let latest = T0;
          let spent = 0;
          let state: unknown;
          for (const [dt, cost] of seq) {
            t += dt;
            first ??= t;
            latest = Math.max(latest, t);
            const r = (consume as Consume<unknown>)(state, params, cost, t);
            state = r.state;
            if (r.allowed) spent += cost;
            expect(r.remaining).toBeGreaterThanOrEqual(0);
            expect(Number.isNaN(r.resetAt)).toBe(false);
          }
          expect(spent).toBeLessThanOrEqual(
            limit + (limit * (latest - (first ?? T0))) / 10_000 + 1e-6,
          );
        }),
      );
    },
  );

  it('fixed window: no aligned window ever counts more than the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), steps, (limit, seq) => {
        const params = { limit, windowMs: 10_000 };
        const perWindow = new Map<number, number>();
        let t = T0;
        let state: Parameters<typeof consumeFixedWindow>[0];
        for (const [dt, cost] of seq) {
          t += dt;
          const r = consumeFixedWindow(state, params, cost, t);
          state = r.state;
          if (r.allowed) {
            perWindow.set(r.state.windowStart, (perWindow.get(r.state.windowStart) ?? 0) + cost);
          }
        }
        for (const n of perWindow.values()) expect(n).toBeLessThanOrEqual(limit);
      }),
    );
  });
});

describe('fixed window', () => {
  const p = { limit: 3, windowMs: 60_000 };
  const start = Math.floor(T0 / 60_000) * 60_000;

  it('counts within the epoch-aligned window and resets at its end', () => {
    const rs = run(consumeFixedWindow, p, [
      [start + 1, 1],
      [start + 2, 2],
      [start + 3, 1],
      [start + 60_000, 1],
    ]);
    expect(rs.map((r) => r.allowed)).toEqual([true, true, false, true]);
    expect(rs[2]!.retryAfterMs).toBe(59_997);
    expect(rs[2]!.resetAt).toBe(start + 60_000);
    expect(rs[3]!.remaining).toBe(2);
  });

  it('keeps counting in the later window when the clock steps back into an earlier one', () => {
    const rs = run(consumeFixedWindow, p, [
      [start + 60_000, 3],
      [start + 10, 1],
    ]);
    expect(rs.map((r) => r.allowed)).toEqual([true, false]);
    expect(rs[1]!.state.windowStart).toBe(start + 60_000);
  });
});

describe('sliding window', () => {
  const p = { limit: 10, windowMs: 60_000 };
  const start = Math.floor(T0 / 60_000) * 60_000;

  it('weights the previous window by its remaining overlap', () => {
    const first = run(consumeSlidingWindow, p, [[start, 10]]);
    expect(first[0]!.allowed).toBe(true);
    // A quarter into the next window, 7.5 of the previous 10 still count: 2 fit, not 3.
    let state = first[0]!.state;
    const a = consumeSlidingWindow(state, p, 2, start + 75_000);
    expect(a.allowed).toBe(true);
    state = a.state;
    const b = consumeSlidingWindow(state, p, 1, start + 75_000);
    expect(b.allowed).toBe(false);
    // 9.5 + 1 > 10 until the previous share falls to 10 - 2 - 1 = 7, i.e. 30% into the window.
    expect(b.retryAfterMs).toBe(3000);
    expect(b.state.previous).toBe(10);
  });

  it('forgets a window older than the previous one', () => {
    const rs = run(consumeSlidingWindow, p, [
      [start, 10],
      [start + 120_000, 10],
    ]);
    expect(rs.map((r) => r.allowed)).toEqual([true, true]);
    expect(rs[1]!.state.previous).toBe(0);
  });
});
