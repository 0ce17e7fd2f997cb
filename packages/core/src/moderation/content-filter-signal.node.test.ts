import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createContentFilter } from './content-filter.js';

describe('content filter signals', () => {
  it('leaves no abort listener on a long-lived caller signal after each check', async () => {
    const filter = createContentFilter({
      provider: { name: 'local', moderate: async () => ({ flagged: false, categories: [] }) },
      onProviderError: 'block',
      timeoutMs: 1000,
      createTimeoutSignal: () => new AbortController().signal,
    });
    const shutdown = new AbortController().signal;
    for (let i = 0; i < 50; i++) {
      const decision = await filter.check('hello', { signal: shutdown });
      expect(decision.allowed).toBe(true);
    }
    expect(getEventListeners(shutdown, 'abort')).toHaveLength(0);
  });

  it('still times out a provider that ignores its signal when the caller aborts', async () => {
    const caller = new AbortController();
    const filter = createContentFilter({
      provider: { name: 'hang', moderate: () => new Promise(() => {}) },
      onProviderError: 'block',
    });
    const pending = filter.check('hello', { signal: caller.signal });
    caller.abort();
    const decision = await pending;
    expect(decision).toMatchObject({
      allowed: false,
      code: 'PROVIDER_FAILED_BLOCKED',
      provider: { status: 'timeout' },
    });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });
});
