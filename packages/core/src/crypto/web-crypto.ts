// Thin helpers over the runtime's Web Crypto (`crypto.subtle`), which Node 20, Bun, Deno,
// browsers and edge runtimes all provide. Not exported from the package.

/**
 * Web Crypto's types want views over a plain ArrayBuffer; every byte array this package
 * handles is one, so this is a type-level narrowing, not a copy.
 */
export const bufferSource = (bytes: Uint8Array): Uint8Array<ArrayBuffer> =>
  bytes as Uint8Array<ArrayBuffer>;

/**
 * PBKDF2-HMAC-SHA256 through Web Crypto's deriveBits: native on every runtime (OpenSSL on
 * Node, BoringSSL on Workers), so 600,000 iterations cost a fraction of a second.
 */
export async function pbkdf2Sha256(
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Promise<Uint8Array> {
  const subtle = globalThis.crypto.subtle;
  const base = await subtle.importKey('raw', bufferSource(password), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const bits = await subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: bufferSource(salt), iterations },
    base,
    length * 8,
  );
  return new Uint8Array(bits);
}
