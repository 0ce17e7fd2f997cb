/** Cryptographically secure random bytes from the runtime's Web Crypto. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let o = 0; o < length; o += 65536) {
    crypto.getRandomValues(out.subarray(o, Math.min(length, o + 65536)));
  }
  return out;
}

/** A source of random bytes; injectable so tests are reproducible. */
export type RandomSource = (length: number) => Uint8Array;
