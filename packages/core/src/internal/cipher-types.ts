/** An AES-GCM key (128-bit tags, 96-bit nonces) prepared once and used for many messages. */
export interface AesGcmKey {
  /**
   * Encrypts `plaintext` and returns `prefix || ciphertext || tag` in one buffer, so the
   * caller's header and nonce need no second copy of the data.
   */
  seal(
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
    prefix: Uint8Array,
  ): Promise<Uint8Array>;
  /** Decrypts `ciphertext || tag`; undefined when authentication fails. Never throws on bad input. */
  open(nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array | undefined>;
}

/** An AES-CBC key with PKCS#7 padding (for Fernet interoperability only). */
export interface AesCbcKey {
  encrypt(iv: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** Undefined when the padding is invalid or the length is not a whole number of blocks. */
  decrypt(iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array | undefined>;
}
