// Turns the keys given to a verifier or issuer into prepared keys, once, at construction.
// Every check here is a developer error and throws with a fix-it message.
import { importHmacKey, importPublicKey } from '#hash';
import { decodeBase64, utf8 } from '../internal/bytes.js';
import type { HashAlgorithm, HmacKey, PublicKeyVerifier } from '../internal/hash-types.js';
import type {
  AsymmetricTokenAlgorithm,
  HmacTokenAlgorithm,
  TokenAlgorithm,
  TokenSigningKey,
  TokenVerificationKey,
} from './token-types.js';

/** Hash behind each HMAC algorithm, and the minimum secret length (RFC 7518 3.2). */
export const HMAC_ALGORITHMS: Readonly<
  Record<HmacTokenAlgorithm, { hash: HashAlgorithm; minBytes: number }>
> = {
  HS256: { hash: 'sha256', minBytes: 32 },
  HS384: { hash: 'sha384', minBytes: 48 },
  HS512: { hash: 'sha512', minBytes: 64 },
};

const ASYMMETRIC = new Set<string>(['ES256', 'EdDSA', 'RS256']);

/** True for the HMAC algorithms. */
export const isHmacAlgorithm = (alg: string): alg is HmacTokenAlgorithm =>
  alg === 'HS256' || alg === 'HS384' || alg === 'HS512';

/** True for the asymmetric algorithms jaf-sec supports. */
export const isAsymmetricAlgorithm = (alg: string): alg is AsymmetricTokenAlgorithm =>
  ASYMMETRIC.has(alg);

/** A verification key after import. */
export type PreparedVerificationKey =
  | {
      readonly kind: 'hmac';
      readonly alg: HmacTokenAlgorithm;
      readonly kid: string | undefined;
      readonly hmac: HmacKey;
      readonly macLength: number;
    }
  | {
      readonly kind: 'public';
      readonly alg: AsymmetricTokenAlgorithm;
      readonly kid: string | undefined;
      readonly verifier: PublicKeyVerifier;
    };

function describe(alg: string, kid: string | undefined): string {
  return kid === undefined ? `${alg} key` : `${alg} key "${kid}"`;
}

function checkAlgAndKid(key: { alg?: unknown; kid?: unknown }, index: number): void {
  if (typeof key !== 'object' || key === null) {
    throw new TypeError(`keys[${index}] must be an object like { alg: 'HS256', secret }`);
  }
  if (
    typeof key.alg !== 'string' ||
    !(isHmacAlgorithm(key.alg) || isAsymmetricAlgorithm(key.alg))
  ) {
    throw new TypeError(
      `keys[${index}].alg must be one of HS256, HS384, HS512, ES256, EdDSA, RS256 (each key carries its algorithm)`,
    );
  }
  if (key.kid !== undefined && (typeof key.kid !== 'string' || key.kid.length === 0)) {
    throw new TypeError(`keys[${index}].kid must be a non-empty string when given`);
  }
}

/**
 * Checks an HMAC secret and prepares it. Refuses secrets shorter than the hash output
 * (RFC 7518 3.2) and secrets that are really public keys: an attacker who knows a public
 * key could otherwise sign HS256 tokens with it.
 */
export function prepareHmacSecret(
  alg: HmacTokenAlgorithm,
  kid: string | undefined,
  secret: unknown,
): HmacKey {
  let bytes: Uint8Array;
  if (typeof secret === 'string') {
    const trimmed = secret.trimStart();
    if (trimmed.startsWith('-----BEGIN') || trimmed.startsWith('{')) {
      throw new TypeError(
        `${describe(alg, kid)}: the secret looks like a PEM or JWK key; HMAC needs a random secret, and an asymmetric key needs alg ES256, EdDSA or RS256`,
      );
    }
    bytes = utf8(secret);
  } else if (secret instanceof Uint8Array) {
    bytes = secret;
  } else {
    throw new TypeError(`${describe(alg, kid)}: secret must be a Uint8Array or a string`);
  }
  const { hash, minBytes } = HMAC_ALGORITHMS[alg];
  if (bytes.length < minBytes) {
    throw new RangeError(
      `${describe(alg, kid)}: the secret has ${bytes.length} bytes; ${alg} needs at least ${minBytes} (RFC 7518 3.2). Generate one with crypto.getRandomValues(new Uint8Array(${minBytes}))`,
    );
  }
  return importHmacKey(hash, bytes);
}

/** Reads the DER body of a PEM block with the given label; throws when it is not one. */
export function decodePem(pem: string, label: string, what: string): Uint8Array {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const text = pem.trim();
  if (!text.startsWith(begin) || !text.endsWith(end)) {
    throw new TypeError(`${what}: expected a PEM block "${begin}"`);
  }
  let body = '';
  for (let i = begin.length; i < text.length - end.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13 && c !== 32 && c !== 9) body += text[i];
  }
  const der = decodeBase64(body);
  if (!der || der.length === 0) throw new TypeError(`${what}: the PEM body is not valid base64`);
  return der;
}

const JWK_SHAPE: Readonly<
  Record<AsymmetricTokenAlgorithm, { kty: string; crv?: string; members: readonly string[] }>
> = {
  ES256: { kty: 'EC', crv: 'P-256', members: ['x', 'y'] },
  EdDSA: { kty: 'OKP', crv: 'Ed25519', members: ['x'] },
  RS256: { kty: 'RSA', members: ['n', 'e'] },
};

/**
 * Checks that a JWK fits `alg` and returns only its public members (so a private JWK can
 * be passed to a verifier, and Web Crypto imports it for `verify`).
 */
export function toPublicJwk(
  alg: AsymmetricTokenAlgorithm,
  jwk: JsonWebKey,
  what: string,
): JsonWebKey {
  const shape = JWK_SHAPE[alg];
  if (jwk.kty !== shape.kty || (shape.crv !== undefined && jwk.crv !== shape.crv)) {
    throw new TypeError(
      `${what}: ${alg} needs a JWK with kty "${shape.kty}"${shape.crv ? ` and crv "${shape.crv}"` : ''}`,
    );
  }
  if (jwk.alg !== undefined && jwk.alg !== alg) {
    throw new TypeError(
      `${what}: the JWK says alg "${jwk.alg}" but the key is configured for ${alg}`,
    );
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw new TypeError(`${what}: the JWK's use is "${jwk.use}", not "sig"`);
  }
  const out: Record<string, unknown> = { kty: shape.kty };
  if (shape.crv) out.crv = shape.crv;
  for (const m of shape.members) {
    const value = (jwk as Record<string, unknown>)[m];
    if (typeof value !== 'string' || value.length === 0) {
      throw new TypeError(`${what}: the JWK lacks its "${m}" member`);
    }
    out[m] = value;
  }
  return out as JsonWebKey;
}

/** Imports one verification key (HMAC secret or public key), bound to its algorithm. */
export function prepareVerificationKey(
  key: TokenVerificationKey,
  index: number,
): PreparedVerificationKey {
  checkAlgAndKid(key, index);
  const kid = key.kid;
  if (isHmacAlgorithm(key.alg)) {
    if ('publicKey' in key) {
      throw new TypeError(`keys[${index}]: ${key.alg} takes a secret, not a publicKey`);
    }
    const hmac = prepareHmacSecret(key.alg, kid, (key as { secret?: unknown }).secret);
    return { kind: 'hmac', alg: key.alg, kid, hmac, macLength: HMAC_ALGORITHMS[key.alg].minBytes };
  }
  const alg = key.alg as AsymmetricTokenAlgorithm;
  const what = `keys[${index}] (${describe(alg, kid)})`;
  const publicKey = (key as { publicKey?: unknown }).publicKey;
  let verifier: PublicKeyVerifier;
  if (typeof publicKey === 'string') {
    verifier = importPublicKey(alg, { spki: decodePem(publicKey, 'PUBLIC KEY', what) });
  } else if (typeof publicKey === 'object' && publicKey !== null) {
    verifier = importPublicKey(alg, { jwk: toPublicJwk(alg, publicKey as JsonWebKey, what) });
  } else {
    throw new TypeError(`${what}: publicKey must be a SPKI PEM string or a JWK`);
  }
  return { kind: 'public', alg, kid, verifier };
}

/** Checks the shape of a signing key; the import itself is done by the issuer. */
export function checkSigningKey(key: TokenSigningKey): void {
  checkAlgAndKid(key, 0);
}

/** All algorithms, for messages. */
export const TOKEN_ALGORITHMS: readonly TokenAlgorithm[] = [
  'HS256',
  'HS384',
  'HS512',
  'ES256',
  'EdDSA',
  'RS256',
];
