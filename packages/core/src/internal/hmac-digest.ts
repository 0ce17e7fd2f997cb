// HMAC-SHA-256 of a 32-byte digest, from precomputed pad states (RFC 2104, FIPS 180-4).
// The audit chain MACs each event's SHA-256: HMAC(K, d) costs two SHA-256 compressions once
// the ipad and opad blocks are compressed at key import, which in plain JavaScript is less
// than one more call into a native hash (whose fixed cost dominates for a 32-byte input).
// Int32Array throughout keeps every value a small integer for V8 (no heap numbers).
// Checked against the #hash primitive's HMAC in hmac-digest.test.ts.
import { hash } from '#hash';

const K = /* @__PURE__ */ Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = [
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

/** One SHA-256 compression of the 16 words in `w` (extended in place) into `state`. */
function compress(state: Int32Array, w: Int32Array): void {
  for (let t = 16; t < 64; t++) {
    const a = w[t - 15]!;
    const b = w[t - 2]!;
    const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
    const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[t]! + w[t]!) | 0;
    const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

// Value of each ASCII hex digit (lower or upper case); 16 marks any other character.
const NIBBLE = /* @__PURE__ */ (() => {
  const t = new Uint8Array(128).fill(16);
  for (let c = 0; c < 10; c++) t[48 + c] = c;
  for (let c = 0; c < 6; c++) {
    t[97 + c] = 10 + c;
    t[65 + c] = 10 + c;
  }
  return t;
})();

// Two hex digits of each byte value: 32 concatenations per digest, not 64.
const BYTE_HEX = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

/**
 * Prepares `d => hex(HMAC-SHA-256(key, d))` for a SHA-256 digest `d` given as 64 lower-case
 * hex characters (what the one-shot hash returns without a buffer allocation).
 *
 * @throws TypeError when `d` is not 64 hex characters (a programming error, not input).
 */
export function prepareDigestHmac(key: Uint8Array): (digestHex: string) => string {
  const k = new Uint8Array(64);
  k.set(key.length > 64 ? hash('sha256', key) : key);
  const inner = Int32Array.from(IV);
  const outer = Int32Array.from(IV);
  const w = new Int32Array(64);
  for (const [state, pad] of [
    [inner, 0x36],
    [outer, 0x5c],
  ] as const) {
    for (let i = 0; i < 16; i++) {
      w[i] =
        (((k[4 * i]! ^ pad) << 24) |
          ((k[4 * i + 1]! ^ pad) << 16) |
          ((k[4 * i + 2]! ^ pad) << 8) |
          (k[4 * i + 3]! ^ pad)) >>>
        0;
    }
    compress(state, w);
  }
  const s = new Int32Array(8);
  return (digestHex) => {
    if (digestHex.length !== 64) {
      throw new TypeError('prepareDigestHmac: the digest must be 64 hex characters');
    }
    // Inner: ipad block done; this block is d, 0x80, zeros, length (64 + 32 bytes) in bits.
    s.set(inner);
    let bad = 0;
    for (let i = 0; i < 8; i++) {
      let word = 0;
      for (let j = 8 * i; j < 8 * i + 8; j++) {
        const c = digestHex.charCodeAt(j);
        const n = c < 128 ? NIBBLE[c]! : 16;
        bad |= n;
        word = (word << 4) | (n & 15);
      }
      w[i] = word;
    }
    if (bad & 16) throw new TypeError('prepareDigestHmac: the digest must be hex');
    w[8] = 0x80000000;
    for (let i = 9; i < 15; i++) w[i] = 0;
    w[15] = (64 + 32) * 8;
    compress(s, w);
    // Outer: opad block done; this block is the inner digest, padded the same way.
    for (let i = 0; i < 8; i++) w[i] = s[i]!;
    w[8] = 0x80000000;
    for (let i = 9; i < 15; i++) w[i] = 0;
    w[15] = (64 + 32) * 8;
    s.set(outer);
    compress(s, w);
    let out = '';
    for (let i = 0; i < 8; i++) {
      const v = s[i]!;
      out +=
        BYTE_HEX[v >>> 24]! +
        BYTE_HEX[(v >>> 16) & 255]! +
        BYTE_HEX[(v >>> 8) & 255]! +
        BYTE_HEX[v & 255]!;
    }
    return out;
  };
}
