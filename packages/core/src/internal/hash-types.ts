/** Hash functions every runtime variant of the `#hash` primitive provides. */
export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** Bytes, or a string taken as its UTF-8 encoding. */
export type BinaryLike = Uint8Array | string;

/** An HMAC key prepared once (key schedule done) and used for many messages. */
export interface HmacKey {
  readonly algorithm: HashAlgorithm;
  /** HMAC of `data` under this key. */
  sign(data: BinaryLike): Uint8Array;
  /** HMAC of the concatenation of `parts`, without copying them into one buffer first. */
  signParts(parts: readonly BinaryLike[]): Uint8Array;
  /** HMAC of `data` as unpadded base64url text (encoded natively on Node, no byte copies). */
  signBase64Url(data: BinaryLike): string;
}

/** An incremental hash for bodies that arrive in chunks. */
export interface Hasher {
  update(data: BinaryLike): Hasher;
  digest(): Uint8Array;
}

/** Output length in bytes of each algorithm. */
export const HASH_LENGTH: Readonly<Record<HashAlgorithm, number>> = {
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

/** Asymmetric JWS algorithms the signature-verification primitive supports. */
export type SignatureAlgorithm = 'ES256' | 'EdDSA' | 'RS256';

/**
 * A public key to import: DER SubjectPublicKeyInfo bytes, a public JWK (private members
 * already stripped), or a Web Crypto key (e.g. one handed out by a remote JWKS).
 */
export type PublicKeySource =
  | { readonly spki: Uint8Array }
  | { readonly jwk: JsonWebKey }
  | { readonly cryptoKey: CryptoKey };

/** A public key imported once and bound to one algorithm. */
export interface PublicKeyVerifier {
  readonly algorithm: SignatureAlgorithm;
  /**
   * Checks a JWS signature (ES256 as raw r||s, RFC 7518 3.4) over `data`. Synchronous on
   * Node (node:crypto), a promise elsewhere (Web Crypto). Never throws: a malformed
   * signature is `false`.
   */
  verify(data: BinaryLike, signature: Uint8Array): boolean | Promise<boolean>;
  /** Resolves once the key is usable; rejects with a fix-it message when it cannot be imported. */
  ready(): Promise<void>;
}
