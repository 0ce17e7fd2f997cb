/** Hash functions every runtime variant of the `#hash` primitive provides. */
export type HashAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** Bytes, or a string taken as its UTF-8 encoding. */
export type BinaryLike = Uint8Array | string;

/** An HMAC key prepared once (key schedule done) and used for many messages. */
export interface HmacKey {
  readonly algorithm: HashAlgorithm;
  /** HMAC of `data` under this key. */
  sign(data: BinaryLike): Uint8Array;
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
