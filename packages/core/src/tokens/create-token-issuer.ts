import { CompactSign, importJWK, importPKCS8 } from 'jose';
import { encodeBase64UrlData } from '#hash';
import { encodeBase64Url, utf8 } from '../internal/bytes.js';
import type { HmacKey } from '../internal/hash-types.js';
import { callTime } from '../internal/options.js';
import { type RandomSource, randomBytes } from '../internal/random.js';
import { checkSigningKey, decodePem, isHmacAlgorithm, prepareHmacSecret } from './token-keys.js';
import type { AsymmetricTokenAlgorithm, TokenClaims, TokenSigningKey } from './token-types.js';

/** Options of {@link createTokenIssuer}. */
export interface TokenIssuerOptions {
  /** The signing key; its `alg` and `kid` go into every header. */
  key: TokenSigningKey;
  /** `iss` of every token. */
  issuer?: string;
  /** `aud` of every token. */
  audience?: string | string[];
  /** Default lifetime, seconds (sets `exp`). Default 3600. */
  expiresIn?: number;
  /** Add a random `jti` (128 bits) so tokens can be revoked one by one. Default true. */
  jti?: boolean;
  /** Header `typ`. Default `'JWT'`. */
  typ?: string;
  /** Clock, ms since the epoch. Default `Date.now`. */
  clock?: () => number;
  /** Randomness for `jti`. Default Web Crypto. */
  random?: RandomSource;
}

/** Per-call options of {@link TokenIssuer.issue}. */
export interface IssueTokenCallOptions {
  /** Issue time, ms since the epoch (sets `iat`). Default: the issuer's clock. */
  now?: number;
  /** Lifetime of this token, seconds. Default: the issuer's `expiresIn`. */
  expiresIn?: number;
}

/** An issuer with its key imported once. */
export interface TokenIssuer {
  /**
   * Signs `claims` as a compact JWS. Adds `iat`, `exp`, and (when configured) `iss`,
   * `aud` and a random `jti`; claims given explicitly win over those defaults.
   */
  issue(claims: TokenClaims, options?: IssueTokenCallOptions): Promise<string>;
  /** Resolves once the key is imported; rejects with a fix-it message when it cannot be. */
  ready(): Promise<void>;
}

function checkLifetime(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number of seconds`);
  }
  return value;
}

/**
 * Creates a JWT issuer. HMAC tokens are signed synchronously on the `#hash` primitive
 * with the header segment computed once; ES256, EdDSA and RS256 are signed by jose with
 * the private key imported once.
 *
 * @param options - the signing key, default claims and lifetime, clock.
 * @returns A {@link TokenIssuer}.
 * @throws TypeError or RangeError on misconfiguration (see createTokenVerifier), and from
 *   `issue` when the claims are not a JSON object or `expiresIn` is not positive.
 * @example
 * ```ts
 * const issuer = createTokenIssuer({
 *   key: { alg: 'HS256', kid: '2026-01', secret: env.JWT_SECRET! },
 *   issuer: 'https://auth.example.com',
 *   audience: 'agent-api',
 *   expiresIn: 900,
 * });
 * const token = await issuer.issue({ sub: 'user-42', permissions: ['chat:basic'] });
 * ```
 */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  if (typeof options !== 'object' || options === null || options.key === undefined) {
    throw new TypeError("createTokenIssuer needs a key, e.g. { key: { alg: 'HS256', secret } }");
  }
  const key = options.key;
  checkSigningKey(key);
  const defaultLifetime = checkLifetime(options.expiresIn ?? 3600, 'expiresIn');
  const clock = options.clock ?? Date.now;
  const random = options.random ?? randomBytes;
  const withJti = options.jti ?? true;
  const typ = options.typ ?? 'JWT';
  const header: { alg: string; typ: string; kid?: string } = { alg: key.alg, typ };
  if (key.kid !== undefined) header.kid = key.kid;
  const defaults: Record<string, unknown> = {};
  if (options.issuer !== undefined) defaults.iss = options.issuer;
  if (options.audience !== undefined) defaults.aud = options.audience;

  // Random bytes for jti are drawn 4 KiB at a time: one call to the system generator per
  // 256 tokens instead of one per token (each call costs microseconds on Node).
  let pool: Uint8Array = new Uint8Array(0);
  let offset = 0;
  function nextJti(): string {
    if (offset + 16 > pool.length) {
      pool = random(4096);
      offset = 0;
      if (pool.length < 16) throw new TypeError('random must return the number of bytes asked for');
    }
    const id = encodeBase64Url(pool.subarray(offset, offset + 16));
    offset += 16;
    return id;
  }

  // The default claims as a JSON fragment, serialized once: `"iss":"...","aud":...,`.
  const defaultsJson = JSON.stringify(defaults);
  const prefix = defaultsJson === '{}' ? '{' : `${defaultsJson.slice(0, -1)},`;

  function buildPayload(claims: TokenClaims, call: IssueTokenCallOptions | undefined): string {
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw new TypeError('issue needs the claims as a plain object');
    }
    const now = callTime('issue', call?.now, clock);
    const lifetime =
      call?.expiresIn === undefined ? defaultLifetime : checkLifetime(call.expiresIn, 'expiresIn');
    const iat = Math.floor(now / 1000);
    const exp = iat + lifetime;
    const jti = withJti ? nextJti() : undefined;
    const body = JSON.stringify(claims);
    if (
      claims.iss === undefined &&
      claims.aud === undefined &&
      claims.iat === undefined &&
      claims.exp === undefined &&
      claims.jti === undefined &&
      body.charCodeAt(0) === 123
    ) {
      // Common case: no claim overrides a default, so the JSON is assembled from text
      // (a finite number prints the same in a template as in JSON.stringify).
      const times = `${prefix}"iat":${iat},"exp":${exp}${jti === undefined ? '' : `,"jti":"${jti}"`}`;
      return body.length === 2 ? `${times}}` : `${times},${body.slice(1)}`;
    }
    // Spread, not Object.assign: a `__proto__` claim (JSON.parse makes it an own property)
    // stays a claim, as on the fast path above, instead of replacing the payload's prototype.
    const payload: Record<string, unknown> = {
      ...defaults,
      iat,
      exp,
      ...(jti !== undefined ? { jti } : {}),
      ...claims,
    };
    return JSON.stringify(payload);
  }

  if (isHmacAlgorithm(key.alg)) {
    const hmac: HmacKey = prepareHmacSecret(key.alg, key.kid, (key as { secret?: unknown }).secret);
    const headerSegment = encodeBase64Url(utf8(JSON.stringify(header)));
    return {
      async issue(claims, call) {
        const signingInput = `${headerSegment}.${encodeBase64UrlData(buildPayload(claims, call))}`;
        return `${signingInput}.${hmac.signBase64Url(signingInput)}`;
      },
      ready: () => Promise.resolve(),
    };
  }

  const alg = key.alg as AsymmetricTokenAlgorithm;
  const privateKey = (key as { privateKey?: unknown }).privateKey;
  const what = `issuer key (${alg})`;
  let imported: Promise<CryptoKey>;
  if (typeof privateKey === 'string') {
    decodePem(privateKey, 'PRIVATE KEY', what); // shape checked now, import is async
    imported = importPKCS8(privateKey, alg);
  } else if (typeof privateKey === 'object' && privateKey !== null) {
    const jwk = privateKey as JsonWebKey;
    if (typeof jwk.d !== 'string')
      throw new TypeError(`${what}: the JWK is not a private key (no "d")`);
    imported = importJWK({ ...jwk, alg }, alg) as Promise<CryptoKey>;
  } else {
    throw new TypeError(`${what}: privateKey must be a PKCS#8 PEM string or a private JWK`);
  }
  let problem: string | undefined;
  // Settles without rejecting, so a broken key never becomes an unhandled rejection.
  const settled = imported.then(
    () => undefined,
    () => {
      problem = `${what} cannot be imported: pass a PKCS#8 PEM or a private JWK for ${alg}`;
    },
  );
  const ready = (): Promise<void> =>
    settled.then(() => (problem ? Promise.reject(new TypeError(problem)) : undefined));
  return {
    async issue(claims, call) {
      const payload = utf8(buildPayload(claims, call));
      await ready();
      return new CompactSign(payload).setProtectedHeader(header).sign(await imported);
    },
    ready,
  };
}

/**
 * Signs one token without keeping an issuer: a convenience that imports the key on every
 * call. Create an issuer with {@link createTokenIssuer} for repeated use.
 *
 * @param claims - the claims to sign.
 * @param options - issuer options plus the per-call `now` and `expiresIn`.
 * @returns The compact JWS.
 * @example
 * ```ts
 * const token = await issueToken({ sub: 'user-42' }, { key: { alg: 'HS256', secret }, expiresIn: 600 });
 * ```
 */
export function issueToken(
  claims: TokenClaims,
  options: TokenIssuerOptions & IssueTokenCallOptions,
): Promise<string> {
  const { now, expiresIn, ...issuerOptions } = options;
  const call: IssueTokenCallOptions = {};
  if (now !== undefined) call.now = now;
  if (expiresIn !== undefined) call.expiresIn = expiresIn;
  return createTokenIssuer({
    ...issuerOptions,
    ...(expiresIn !== undefined && { expiresIn }),
  }).issue(claims, call);
}
