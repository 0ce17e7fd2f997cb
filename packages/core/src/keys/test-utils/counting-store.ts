import type { KeyStore } from '../key-store.js';

/** Wraps a store and counts every call, to prove which checks happen offline. */
export function countCalls(store: KeyStore): { store: KeyStore; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const wrapped = {} as Record<string, unknown>;
  for (const name of Object.keys(store) as (keyof KeyStore)[]) {
    wrapped[name] = (...args: unknown[]) => {
      calls[name] = (calls[name] ?? 0) + 1;
      return (store[name] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return { store: wrapped as unknown as KeyStore, calls };
}

/** A deterministic random source (xorshift), for reproducible keys in tests. */
export function seededRandom(seed: number): (length: number) => Uint8Array {
  let s = seed >>> 0 || 1;
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = s & 255;
    }
    return out;
  };
}
