// Base62 helpers for API keys: letters and digits only, so a key survives copy-paste,
// double-click selection, URLs and shell quoting, and secret scanners can match it.
import type { RandomSource } from '../internal/random.js';

/** The base62 alphabet, digits first. */
export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Value of each ASCII code in base62, or -1. */
export const BASE62_VALUE: Int8Array = /* @__PURE__ */ (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 62; i++) table[BASE62.charCodeAt(i)] = i;
  return table;
})();

/**
 * `length` uniformly random base62 characters. Rejection sampling (bytes >= 248 are
 * skipped) keeps every character uniform: `byte % 62` alone would favour the first eight.
 * Each character carries log2(62) = 5.95 bits.
 */
export function randomBase62(length: number, random: RandomSource): string {
  let out = '';
  while (out.length < length) {
    const bytes = random(length + 8);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const b = bytes[i]!;
      if (b < 248) out += BASE62[b % 62];
    }
  }
  return out;
}

/** A 32-bit unsigned value as exactly 6 base62 characters (62^6 > 2^32). */
export function encodeUint32Base62(value: number): string {
  let v = value >>> 0;
  let out = '';
  for (let i = 0; i < 6; i++) {
    out = BASE62[v % 62]! + out;
    v = Math.floor(v / 62);
  }
  return out;
}

/**
 * The value of 6 base62 characters of `text` starting at `start`, or -1 when a character
 * is not base62 or the value does not fit in 32 bits (so each value has one spelling).
 */
export function decodeUint32Base62(text: string, start: number): number {
  let v = 0;
  for (let i = start; i < start + 6; i++) {
    const c = text.charCodeAt(i);
    const d = c < 128 ? BASE62_VALUE[c]! : -1;
    if (d < 0) return -1;
    v = v * 62 + d;
  }
  return v > 0xffffffff ? -1 : v;
}
