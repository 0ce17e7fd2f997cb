// Keys for HTTP Message Signatures. A key carries its algorithm: the verifier takes the
// algorithm from the key it finds by `keyid`, never from the message (RFC 9421 3.3.7).
import { importHmacKey } from '#hash';
import { timingSafeEqual } from '../internal/constant-time.js';

/** Algorithms from the HTTP Signature Algorithms registry that jaf-sec supports. */
export type MessageSignatureAlgorithm = 'hmac-sha256' | 'ed25519';

/** An HMAC-SHA256 shared secret (at least 32 random bytes). */
export interface HmacSignatureKeyInput {
  readonly keyid: string;
  readonly algorithm: 'hmac-sha256';
  readonly secret: Uint8Array;
}

/**
 * An Ed25519 key pair or half of one, through Web Crypto (Node 20+, Deno, Bun, Workers).
 * Public keys: a CryptoKey, a JWK or the 32 raw bytes; private keys: a CryptoKey or a JWK.
 */
export interface Ed25519SignatureKeyInput {
  readonly keyid: string;
  readonly algorithm: 'ed25519';
  readonly publicKey?: CryptoKey | JsonWebKey | Uint8Array | undefined;
  readonly privateKey?: CryptoKey | JsonWebKey | undefined;
}

/** What {@link createSignatureKey} accepts. */
export type SignatureKeyInput = HmacSignatureKeyInput | Ed25519SignatureKeyInput;

/** A key prepared once (HMAC key schedule done, Web Crypto import started). */
export interface SignatureKey {
  readonly keyid: string;
  readonly algorithm: MessageSignatureAlgorithm;
  /** True when the key can sign (HMAC, or Ed25519 with a private key). */
  readonly canSign: boolean;
  /** True when the key can verify. */
  readonly canVerify: boolean;
  /** @internal Signs the signature base. */
  sign(base: string): Promise<Uint8Array>;
  /** @internal Checks a signature over the signature base; never throws. */
  verify(base: string, signature: Uint8Array): Promise<boolean>;
}

const encoder = new TextEncoder();
const MIN_HMAC_SECRET = 32;

function checkKeyid(keyid: unknown): asserts keyid is string {
  if (typeof keyid !== 'string' || keyid.length === 0 || keyid.length > 256) {
    throw new TypeError(
      'createSignatureKey: keyid must be a non-empty string (at most 256 characters).',
    );
  }
  for (let i = 0; i < keyid.length; i++) {
    const c = keyid.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      throw new TypeError(
        'createSignatureKey: keyid must be printable ASCII (it is sent as a structured-field string).',
      );
    }
  }
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    'algorithm' in value &&
    'usages' in value
  );
}

async function importEd25519(
  source: CryptoKey | JsonWebKey | Uint8Array,
  usage: 'sign' | 'verify',
): Promise<CryptoKey> {
  if (isCryptoKey(source)) return source;
  const alg = { name: 'Ed25519' };
  if (source instanceof Uint8Array) {
    return crypto.subtle.importKey('raw', source as Uint8Array<ArrayBuffer>, alg, false, [usage]);
  }
  return crypto.subtle.importKey('jwk', source, alg, false, [usage]);
}

/**
 * Prepares a signing or verification key for HTTP Message Signatures.
 *
 * @param input - `{ keyid, algorithm: 'hmac-sha256', secret }` or
 *   `{ keyid, algorithm: 'ed25519', publicKey?, privateKey? }`.
 * @returns a key for `createRequestSigner` / `createRequestVerifier`.
 * @throws TypeError when the keyid is empty or not ASCII, the HMAC secret is shorter than
 *   32 bytes, the algorithm is unsupported, or an Ed25519 key has neither half.
 * @example
 * ```ts
 * const key = createSignatureKey({ keyid: 'partner-1', algorithm: 'hmac-sha256', secret });
 * ```
 */
export function createSignatureKey(input: SignatureKeyInput): SignatureKey {
  if (!input || typeof input !== 'object') {
    throw new TypeError(
      'createSignatureKey: pass { keyid, algorithm, secret } or an Ed25519 key pair.',
    );
  }
  checkKeyid(input.keyid);
  const keyid = input.keyid;
  if (input.algorithm === 'hmac-sha256') {
    if (!(input.secret instanceof Uint8Array) || input.secret.length < MIN_HMAC_SECRET) {
      throw new TypeError(
        'createSignatureKey: an hmac-sha256 secret must be a Uint8Array of at least 32 random bytes.',
      );
    }
    const prepared = importHmacKey('sha256', input.secret);
    return {
      keyid,
      algorithm: 'hmac-sha256',
      canSign: true,
      canVerify: true,
      sign: (base) => Promise.resolve(prepared.sign(base)),
      verify: (base, signature) =>
        // Length first: a truncated value is refused before any comparison.
        Promise.resolve(signature.length === 32 && timingSafeEqual(prepared.sign(base), signature)),
    };
  }
  if (input.algorithm === 'ed25519') {
    const { publicKey, privateKey } = input;
    if (publicKey === undefined && privateKey === undefined) {
      throw new TypeError(
        'createSignatureKey: an ed25519 key needs a publicKey, a privateKey or both.',
      );
    }
    if (typeof crypto === 'undefined' || !crypto.subtle) {
      throw new TypeError(
        'createSignatureKey: ed25519 needs Web Crypto (crypto.subtle) in this runtime.',
      );
    }
    // Imports start now and settle without rejecting, so an unused bad key is no unhandled
    // rejection; the failure surfaces when the key is used.
    const priv = privateKey === undefined ? undefined : settle(importEd25519(privateKey, 'sign'));
    const pub = publicKey === undefined ? undefined : settle(importEd25519(publicKey, 'verify'));
    return {
      keyid,
      algorithm: 'ed25519',
      canSign: priv !== undefined,
      canVerify: pub !== undefined,
      async sign(base) {
        const key = priv ? await priv : undefined;
        if (!key) throw new TypeError(`ed25519 key "${keyid}" has no usable private key.`);
        return new Uint8Array(await crypto.subtle.sign('Ed25519', key, encoder.encode(base)));
      },
      async verify(base, signature) {
        const key = pub ? await pub : undefined;
        if (!key || signature.length !== 64) return false;
        try {
          return await crypto.subtle.verify(
            'Ed25519',
            key,
            signature as Uint8Array<ArrayBuffer>,
            encoder.encode(base),
          );
        } catch {
          return false;
        }
      },
    };
  }
  throw new TypeError("createSignatureKey: algorithm must be 'hmac-sha256' or 'ed25519'.");
}

function settle(p: Promise<CryptoKey>): Promise<CryptoKey | undefined> {
  return p.then(
    (k) => k,
    () => undefined,
  );
}
