// Keys and hand-built tokens for the tokens tests. Runs on Node and in the edge runtime,
// so it uses jose and Web Crypto only.
import { exportJWK, exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { hmac } from '#hash';
import { encodeBase64Url, utf8 } from '../../internal/bytes.js';
import type { HashAlgorithm } from '../../internal/hash-types.js';

export const SECRET_32 = utf8('0123456789abcdef0123456789abcdef');
export const SECRET_48 = utf8('0123456789abcdef0123456789abcdef0123456789abcdef');
export const SECRET_64 = utf8('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef');
/** 2026-01-01T00:00:00Z, ms. */
export const NOW = Date.UTC(2026, 0, 1);
export const NOW_S = NOW / 1000;

export interface KeyPairFixture {
  publicPem: string;
  privatePem: string;
  publicJwk: JsonWebKey;
  privateJwk: JsonWebKey;
}

export async function createKeyPair(alg: 'ES256' | 'EdDSA' | 'RS256'): Promise<KeyPairFixture> {
  const { publicKey, privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' && { crv: 'Ed25519' }),
  });
  return {
    publicPem: await exportSPKI(publicKey),
    privatePem: await exportPKCS8(privateKey),
    publicJwk: (await exportJWK(publicKey)) as JsonWebKey,
    privateJwk: (await exportJWK(privateKey)) as JsonWebKey,
  };
}

/** base64url of the UTF-8 of `text`, exactly as given (no re-serialisation). */
export const b64 = (text: string): string => encodeBase64Url(utf8(text));

const HASHES: Record<string, HashAlgorithm> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** An HMAC-signed compact token from raw header and payload JSON text. */
export function signRaw(
  headerJson: string,
  payloadJson: string,
  secret: Uint8Array,
  hash: HashAlgorithm = 'sha256',
): string {
  const input = `${b64(headerJson)}.${b64(payloadJson)}`;
  return `${input}.${encodeBase64Url(hmac(hash, secret, input))}`;
}

/** Signs segments that are already encoded (e.g. deliberately non-canonical ones). */
export function signSegments(
  headerSegment: string,
  payloadSegment: string,
  secret: Uint8Array,
  alg = 'HS256',
): string {
  const input = `${headerSegment}.${payloadSegment}`;
  return `${input}.${encodeBase64Url(hmac(HASHES[alg] ?? 'sha256', secret, input))}`;
}
