import rfc4231 from '@vectors/rfc4231-hmac-sha256.json';
import rfc7515 from '@vectors/rfc7515-a1-hs256.json';
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { HASH_BACKEND } from '#hash';
import { decodeBase64Url, decodeHex } from '../internal/bytes.js';
import {
  createMemoryRevocationStore,
  createTokenIssuer,
  createTokenVerifier,
  type TokenResult,
  type TokenVerifierOptions,
  tokenClaimsSchema,
} from './index.js';
import { b64, createKeyPair, NOW, NOW_S, SECRET_32, signRaw } from './test-utils/token-fixtures.js';

const codeOf = (r: TokenResult): string => (r.ok ? 'OK' : r.error.code);
const rfcKey = decodeBase64Url(rfc7515.jwk.k)!;
const RFC_EXP_MS = 1300819380 * 1000;

const hs = (secret = SECRET_32, kid?: string) => ({
  alg: 'HS256' as const,
  secret,
  ...(kid && { kid }),
});

function verifyAt(token: string, now: number, options: Partial<TokenVerifierOptions> = {}) {
  return createTokenVerifier({ keys: [hs()], ...options }).verify(token, { now });
}
const sign = (claims: object, header: object = { alg: 'HS256', typ: 'JWT' }) =>
  signRaw(JSON.stringify(header), JSON.stringify(claims), SECRET_32);

describe('RFC 7515 A.1 (HS256) vector', () => {
  const verifier = createTokenVerifier({ keys: [{ alg: 'HS256', secret: rfcKey }], issuer: 'joe' });

  it('accepts the token as given at the last second before exp', async () => {
    const result = await verifier.verify(rfc7515.jws_compact, { now: RFC_EXP_MS - 1000 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.claims).toEqual({
      iss: 'joe',
      exp: 1300819380,
      'http://example.com/is_root': true,
    });
    expect(result.value.header).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('rejects it as expired at exp and at real time', async () => {
    expect(codeOf(await verifier.verify(rfc7515.jws_compact, { now: RFC_EXP_MS }))).toBe(
      'TOKEN_EXPIRED',
    );
    expect(codeOf(await verifier.verify(rfc7515.jws_compact))).toBe('TOKEN_EXPIRED');
  });

  it('rejects it when an audience is required (aud missing)', async () => {
    const strict = createTokenVerifier({
      keys: [{ alg: 'HS256', secret: rfcKey }],
      audience: 'api',
    });
    expect(codeOf(await strict.verify(rfc7515.jws_compact, { now: RFC_EXP_MS - 1000 }))).toBe(
      'TOKEN_CLAIM_MISSING',
    );
  });

  it('rejects it when the only key is HS512 or RS256 (the allow-list excludes HS256)', async () => {
    const hs512 = createTokenVerifier({
      keys: [{ alg: 'HS512', secret: new Uint8Array(64).fill(7) }],
    });
    expect(codeOf(await hs512.verify(rfc7515.jws_compact, { now: RFC_EXP_MS - 1000 }))).toBe(
      'TOKEN_ALG_NOT_ALLOWED',
    );
    const pair = await createKeyPair('RS256');
    const rs = createTokenVerifier({ keys: [{ alg: 'RS256', publicKey: pair.publicPem }] });
    expect(codeOf(await rs.verify(rfc7515.jws_compact, { now: RFC_EXP_MS - 1000 }))).toBe(
      'TOKEN_ALG_NOT_ALLOWED',
    );
  });

  const [h, p] = rfc7515.jws_compact.split('.');
  const derived: Record<string, [string, string]> = {
    'alg-none': [rfc7515.derived_negative_cases.cases[0]!.jws_compact!, 'TOKEN_ALG_NOT_ALLOWED'],
    'alg-None-case': [
      `${b64('{"alg":"noNE"}')}.${p}.${rfc7515.signature_b64}`,
      'TOKEN_ALG_NOT_ALLOWED',
    ],
    'sig-bitflip': [
      `${h}.${p}.eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk`,
      'TOKEN_SIGNATURE_INVALID',
    ],
    'sig-unused-low-bits': [
      `${h}.${p}.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl`,
      'TOKEN_MALFORMED',
    ],
    'sig-padded': [`${h}.${p}.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk=`, 'TOKEN_MALFORMED'],
    'payload-swap': [
      `${h}.${b64('{"iss":"joe","exp":9999999999}')}.${rfc7515.signature_b64}`,
      'TOKEN_SIGNATURE_INVALID',
    ],
    'empty-signature': [`${h}.${p}.`, 'TOKEN_MALFORMED'],
    'four-segments (.)': [`${rfc7515.jws_compact}.`, 'TOKEN_MALFORMED'],
    'four-segments (.x)': [`${rfc7515.jws_compact}.x`, 'TOKEN_MALFORMED'],
  };
  for (const [id, [token, code]] of Object.entries(derived)) {
    it(`refuses the derived case ${id} with ${code}`, async () => {
      expect(codeOf(await verifier.verify(token, { now: RFC_EXP_MS - 1000 }))).toBe(code);
    });
  }
});

describe('RFC 4231 keys and the HMAC key policy', () => {
  for (const vector of rfc4231.vectors) {
    it(`refuses the ${vector.key_hex.length / 2}-byte key of test case ${vector.test_case} for HS256 at construction`, () => {
      const secret = decodeHex(vector.key_hex)!;
      expect(() => createTokenVerifier({ keys: [{ alg: 'HS256', secret }] })).toThrow(
        /needs at least 32 \(RFC 7518 3\.2\)/,
      );
      expect(() => createTokenIssuer({ key: { alg: 'HS256', secret } })).toThrow(RangeError);
    });
  }

  it('refuses secrets under the hash size for HS384 and HS512, and accepts them at size', () => {
    expect(() =>
      createTokenVerifier({ keys: [{ alg: 'HS384', secret: new Uint8Array(47) }] }),
    ).toThrow(/48/);
    expect(() =>
      createTokenVerifier({ keys: [{ alg: 'HS512', secret: new Uint8Array(63) }] }),
    ).toThrow(/64/);
    expect(() =>
      createTokenVerifier({ keys: [{ alg: 'HS512', secret: new Uint8Array(64) }] }),
    ).not.toThrow();
  });
});

describe('claim checks', () => {
  const base = { sub: 'u1', iat: NOW_S, exp: NOW_S + 60 };

  it('accepts exp up to the clock tolerance and refuses beyond it', async () => {
    const token = sign(base);
    expect(codeOf(await verifyAt(token, NOW + 59_999))).toBe('OK');
    expect(codeOf(await verifyAt(token, NOW + 60_000))).toBe('TOKEN_EXPIRED');
    expect(codeOf(await verifyAt(token, NOW + 64_999, { clockTolerance: 5 }))).toBe('OK');
    expect(codeOf(await verifyAt(token, NOW + 65_000, { clockTolerance: 5 }))).toBe(
      'TOKEN_EXPIRED',
    );
  });

  it('refuses nbf in the future unless within tolerance', async () => {
    const token = sign({ ...base, nbf: NOW_S + 10 });
    expect(codeOf(await verifyAt(token, NOW))).toBe('TOKEN_NOT_YET_VALID');
    expect(codeOf(await verifyAt(token, NOW, { clockTolerance: 10 }))).toBe('OK');
    expect(codeOf(await verifyAt(token, NOW + 10_000))).toBe('OK');
  });

  it('refuses iat in the future beyond the tolerance', async () => {
    const token = sign({ ...base, iat: NOW_S + 30 });
    expect(codeOf(await verifyAt(token, NOW))).toBe('TOKEN_ISSUED_IN_FUTURE');
    expect(codeOf(await verifyAt(token, NOW, { clockTolerance: 30 }))).toBe('OK');
  });

  it('enforces maxAge from iat, and requires iat when maxAge is set', async () => {
    const token = sign({ ...base, exp: NOW_S + 3600 });
    expect(codeOf(await verifyAt(token, NOW + 300_000, { maxAge: 300 }))).toBe('OK');
    expect(codeOf(await verifyAt(token, NOW + 300_001, { maxAge: 300 }))).toBe('TOKEN_TOO_OLD');
    expect(codeOf(await verifyAt(sign({ exp: NOW_S + 60 }), NOW, { maxAge: 300 }))).toBe(
      'TOKEN_CLAIM_MISSING',
    );
  });

  it('checks iss against one or several accepted issuers', async () => {
    const token = sign({ ...base, iss: 'https://b.example' });
    expect(codeOf(await verifyAt(token, NOW, { issuer: 'https://a.example' }))).toBe(
      'TOKEN_ISSUER_INVALID',
    );
    expect(
      codeOf(await verifyAt(token, NOW, { issuer: ['https://a.example', 'https://b.example'] })),
    ).toBe('OK');
    expect(codeOf(await verifyAt(sign(base), NOW, { issuer: 'https://a.example' }))).toBe(
      'TOKEN_CLAIM_MISSING',
    );
  });

  it('checks aud given as a string or an array against accepted audiences', async () => {
    const one = sign({ ...base, aud: 'api' });
    const many = sign({ ...base, aud: ['web', 'api'] });
    expect(codeOf(await verifyAt(one, NOW, { audience: 'api' }))).toBe('OK');
    expect(codeOf(await verifyAt(many, NOW, { audience: ['api', 'admin'] }))).toBe('OK');
    expect(codeOf(await verifyAt(many, NOW, { audience: 'admin' }))).toBe('TOKEN_AUDIENCE_INVALID');
    expect(codeOf(await verifyAt(one, NOW, { audience: 'web' }))).toBe('TOKEN_AUDIENCE_INVALID');
  });

  it('requires exp by default and any listed claim', async () => {
    expect(codeOf(await verifyAt(sign({ sub: 'u' }), NOW))).toBe('TOKEN_CLAIM_MISSING');
    expect(codeOf(await verifyAt(sign({ sub: 'u' }), NOW, { requiredClaims: [] }))).toBe('OK');
    expect(codeOf(await verifyAt(sign(base), NOW, { requiredClaims: ['exp', 'jti'] }))).toBe(
      'TOKEN_CLAIM_MISSING',
    );
  });

  it('refuses registered claims of the wrong type', async () => {
    for (const bad of [
      { exp: String(NOW_S + 60) },
      { exp: NOW_S + 60, nbf: null },
      { exp: NOW_S + 60, iss: 5 },
      { exp: NOW_S + 60, sub: ['a'] },
      { exp: NOW_S + 60, aud: ['a', 1] },
      { exp: NOW_S + 60, jti: 1 },
      { exp: NOW_S + 60, permissions: 'chat:basic' },
      { exp: NOW_S + 60, roles: [1] },
    ]) {
      expect(codeOf(await verifyAt(sign(bad), NOW))).toBe('TOKEN_CLAIMS_INVALID');
    }
  });

  it('applies a valibot schema to custom claims and returns its output', async () => {
    const claims = v.looseObject({
      ...tokenClaimsSchema.entries,
      tenant: v.pipe(v.string(), v.minLength(2)),
    });
    const verifier = createTokenVerifier({ keys: [hs()], claims });
    const good = await verifier.verify(sign({ ...base, tenant: 'acme' }), { now: NOW });
    expect(good.ok && good.value.claims.tenant).toBe('acme');
    expect(codeOf(await verifier.verify(sign({ ...base, tenant: 'a' }), { now: NOW }))).toBe(
      'TOKEN_CLAIMS_INVALID',
    );
    expect(codeOf(await verifier.verify(sign(base), { now: NOW }))).toBe('TOKEN_CLAIMS_INVALID');
    const throwing = v.pipe(
      v.unknown(),
      v.check(() => {
        throw new Error('boom');
      }),
    );
    const careless = createTokenVerifier({ keys: [hs()], claims: throwing as never });
    expect(codeOf(await careless.verify(sign(base), { now: NOW }))).toBe('TOKEN_CLAIMS_INVALID');
  });

  it('rejects a NaN now (a caller bug) instead of letting every time check pass', async () => {
    const verifier = createTokenVerifier({ keys: [hs()] });
    await expect(verifier.verify(sign(base), { now: Number.NaN })).rejects.toThrow(/now must be/);
    const broken = createTokenVerifier({ keys: [hs()], clock: () => Number.NaN });
    await expect(broken.verify(sign(base))).rejects.toThrow(TypeError);
  });

  it('uses the injected clock when no now is passed', async () => {
    const verifier = createTokenVerifier({ keys: [hs()], clock: () => NOW + 60_000 });
    expect(codeOf(await verifier.verify(sign(base)))).toBe('TOKEN_EXPIRED');
    expect(codeOf(await verifier.verify(sign(base), { now: NOW }))).toBe('OK');
  });
});

describe('keys, rotation and kid', () => {
  const oldKey = hs(new Uint8Array(32).fill(1), '2025');
  const newKey = hs(new Uint8Array(32).fill(2), '2026');
  const claims = { sub: 'u', exp: NOW_S + 60 };
  const tokenWith = (key: { secret: Uint8Array; kid?: string }, kid = key.kid) =>
    signRaw(
      JSON.stringify({ alg: 'HS256', ...(kid && { kid }) }),
      JSON.stringify(claims),
      key.secret,
    );

  it('verifies tokens of the old and the new key by kid during a rotation', async () => {
    const verifier = createTokenVerifier({ keys: [newKey, oldKey] });
    const a = await verifier.verify(tokenWith(oldKey), { now: NOW });
    const b = await verifier.verify(tokenWith(newKey), { now: NOW });
    expect(a.ok && a.value.header.kid).toBe('2025');
    expect(b.ok && b.value.header.kid).toBe('2026');
  });

  it('checks a token only against the key its kid names', async () => {
    const verifier = createTokenVerifier({ keys: [newKey, oldKey] });
    expect(codeOf(await verifier.verify(tokenWith(oldKey, '2026'), { now: NOW }))).toBe(
      'TOKEN_SIGNATURE_INVALID',
    );
    expect(codeOf(await verifier.verify(tokenWith(oldKey, '2024'), { now: NOW }))).toBe(
      'TOKEN_KEY_UNKNOWN',
    );
  });

  it("tries each key of the token's alg for a token without kid, unless told to reject", async () => {
    const tolerant = createTokenVerifier({ keys: [newKey, oldKey] });
    expect(codeOf(await tolerant.verify(tokenWith(oldKey, ''), { now: NOW }))).toBe('OK');
    const strict = createTokenVerifier({ keys: [newKey, oldKey], kidlessTokens: 'reject' });
    expect(codeOf(await strict.verify(tokenWith(oldKey, ''), { now: NOW }))).toBe(
      'TOKEN_KEY_UNKNOWN',
    );
    const single = createTokenVerifier({ keys: [oldKey], kidlessTokens: 'reject' });
    expect(codeOf(await single.verify(tokenWith(oldKey, ''), { now: NOW }))).toBe('OK');
  });

  it('refuses a kid that names a key of another algorithm', async () => {
    const pair = await createKeyPair('ES256');
    const verifier = createTokenVerifier({
      keys: [{ alg: 'ES256', kid: 'ec', publicKey: pair.publicPem }],
    });
    const forged = signRaw('{"alg":"HS256","kid":"ec"}', JSON.stringify(claims), SECRET_32);
    expect(codeOf(await verifier.verify(forged, { now: NOW }))).toBe('TOKEN_ALG_NOT_ALLOWED');
  });

  it('refuses bad configurations at construction with a fix-it message', async () => {
    expect(() => createTokenVerifier({})).toThrow(/at least one key/);
    expect(() => createTokenVerifier({ keys: [oldKey, { ...newKey, kid: '2025' }] })).toThrow(
      /share kid/,
    );
    expect(() =>
      createTokenVerifier({ keys: [{ alg: 'none' as 'HS256', secret: SECRET_32 }] }),
    ).toThrow(/alg must be/);
    expect(() => createTokenVerifier({ keys: [hs()], maxTokenLength: 0 })).toThrow(
      /maxTokenLength/,
    );
    expect(() => createTokenVerifier({ keys: [hs()], clockTolerance: -1 })).toThrow(
      /clockTolerance/,
    );
    expect(() => createTokenVerifier({ keys: [hs()], issuer: [] })).toThrow(/issuer/);
    const rsa = await createKeyPair('RS256');
    const ec = await createKeyPair('ES256');
    expect(() => createTokenVerifier({ keys: [{ alg: 'HS256', secret: rsa.publicPem }] })).toThrow(
      /PEM or JWK/,
    );
    expect(() =>
      createTokenVerifier({ keys: [{ alg: 'HS256', secret: JSON.stringify(rsa.publicJwk) }] }),
    ).toThrow(/PEM or JWK/);
    expect(() =>
      createTokenVerifier({ keys: [{ alg: 'ES256', publicKey: rsa.publicJwk }] }),
    ).toThrow(/kty "EC"/);
    expect(() => createTokenVerifier({ keys: [{ alg: 'ES256', publicKey: 'PEM?' }] })).toThrow(
      /PEM block/,
    );
    expect(() =>
      createTokenVerifier({
        keys: [{ alg: 'EdDSA', publicKey: { ...ec.publicJwk, alg: 'ES256' } }],
      }),
    ).toThrow(/kty "OKP"/);
    expect(() =>
      createTokenVerifier({
        keys: [{ alg: 'ES256', publicKey: { ...ec.publicJwk, alg: 'ES384' } }],
      }),
    ).toThrow(/says alg/);
  });

  it('refuses an RSA key under 2048 bits for RS256', async () => {
    const { exportSPKI } = await import('jose');
    const weak = await crypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    );
    const pem = await exportSPKI(weak.publicKey);
    let problem: unknown;
    try {
      await createTokenVerifier({ keys: [{ alg: 'RS256', publicKey: pem }] }).ready();
    } catch (error) {
      problem = error;
    }
    expect(String(problem)).toMatch(/at least 2048 bits/);
  });

  it('reports a public key of the wrong type (PEM of another algorithm)', async () => {
    const rsa = await createKeyPair('RS256');
    let verifier: ReturnType<typeof createTokenVerifier> | undefined;
    try {
      // On Node the import is synchronous and throws here ...
      verifier = createTokenVerifier({ keys: [{ alg: 'ES256', publicKey: rsa.publicPem }] });
    } catch (error) {
      expect(String(error)).toMatch(/ES256 needs a P-256 EC public key/);
      return;
    }
    // ... elsewhere Web Crypto imports asynchronously and ready() reports it.
    await expect(verifier.ready()).rejects.toThrow(/ES256 needs a P-256|cannot be imported/);
    expect(codeOf(await verifier.verify(sign(claims, { alg: 'ES256' }), { now: NOW }))).toBe(
      'TOKEN_SIGNATURE_INVALID',
    );
  });
});

describe('revocation by jti', () => {
  it('refuses a revoked jti until the token would have expired anyway', async () => {
    const revocation = createMemoryRevocationStore({ clock: () => NOW });
    const issuer = createTokenIssuer({ key: hs(), clock: () => NOW, expiresIn: 60 });
    const verifier = createTokenVerifier({ keys: [hs()], revocation });
    const token = await issuer.issue({ sub: 'u' });
    const first = await verifier.verify(token, { now: NOW });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const { jti, exp } = first.value.claims;
    await revocation.revoke(jti!, exp! * 1000);
    expect(codeOf(await verifier.verify(token, { now: NOW + 1000 }))).toBe('TOKEN_REVOKED');
    expect(codeOf(await verifier.verify(await issuer.issue({ sub: 'u' }), { now: NOW }))).toBe(
      'OK',
    );
    expect(await revocation.isRevoked(jti!, exp! * 1000)).toBe(false);
  });

  it('reports a failing store as TOKEN_REVOCATION_UNAVAILABLE, not as a bad token', async () => {
    const verifier = createTokenVerifier({
      keys: [hs()],
      revocation: {
        revoke: async () => {},
        isRevoked: async () => {
          throw new Error('connection refused');
        },
      },
    });
    const token = sign({ exp: NOW_S + 60, jti: 'j1' });
    expect(codeOf(await verifier.verify(token, { now: NOW }))).toBe('TOKEN_REVOCATION_UNAVAILABLE');
  });
});

describe('the parsed-payload cache', () => {
  const claims = { sub: 'u', iat: NOW_S, exp: NOW_S + 60, permissions: ['a'] };

  it('re-checks the signature and the clock on every call, cached or not', async () => {
    for (const claimsCacheSize of [0, 1, 512]) {
      const verifier = createTokenVerifier({ keys: [hs()], claimsCacheSize });
      const token = sign(claims);
      expect(codeOf(await verifier.verify(token, { now: NOW }))).toBe('OK');
      expect(codeOf(await verifier.verify(token, { now: NOW + 60_000 }))).toBe('TOKEN_EXPIRED');
      expect(codeOf(await verifier.verify(token, { now: NOW - 1000 }))).toBe(
        'TOKEN_ISSUED_IN_FUTURE',
      );
      const [h, p, s] = token.split('.');
      const forged = `${h}.${p}.${s!.slice(0, -2)}${s!.endsWith('AA') ? 'BA' : 'AA'}`;
      expect(codeOf(await verifier.verify(forged, { now: NOW }))).toBe('TOKEN_SIGNATURE_INVALID');
    }
  });

  it('hands out deep-frozen claims, so one caller cannot change what the next one sees', async () => {
    const verifier = createTokenVerifier({ keys: [hs()] });
    const token = sign(claims);
    const first = await verifier.verify(token, { now: NOW });
    if (!first.ok) throw new Error(first.error.code);
    expect(Object.isFrozen(first.value.claims)).toBe(true);
    expect(Object.isFrozen(first.value.claims.permissions)).toBe(true);
    expect(() => first.value.claims.permissions!.push('admin')).toThrow(TypeError);
    const second = await verifier.verify(token, { now: NOW });
    expect(second.ok && second.value.claims.permissions).toEqual(['a']);
  });

  it('keeps working when more distinct tokens arrive than it holds', async () => {
    const verifier = createTokenVerifier({ keys: [hs()], claimsCacheSize: 4 });
    const tokens = Array.from({ length: 10 }, (_, i) => sign({ ...claims, sub: `u${i}` }));
    for (let round = 0; round < 2; round++) {
      for (const [i, token] of tokens.entries()) {
        const result = await verifier.verify(token, { now: NOW });
        expect(result.ok && result.value.claims.sub).toBe(`u${i}`);
      }
    }
    expect(() => createTokenVerifier({ keys: [hs()], claimsCacheSize: -1 })).toThrow(
      /claimsCacheSize/,
    );
  });

  it('is bypassed while it misses throughout, and resumes once tokens repeat', async () => {
    // Cached claims are shared (the same frozen object each call); uncached ones are parsed
    // anew. That identity shows whether a call used the cache.
    const size = 4;
    const verifier = createTokenVerifier({ keys: [hs()], claimsCacheSize: size });
    const cachedTwice = async (token: string): Promise<boolean> => {
      const a = await verifier.verify(token, { now: NOW });
      const b = await verifier.verify(token, { now: NOW });
      if (!a.ok || !b.ok) throw new Error('refused');
      expect(b.value.claims).toEqual(a.value.claims);
      return a.value.claims === b.value.claims;
    };
    const repeated = sign({ ...claims, sub: 'repeated' });
    expect(await cachedTwice(repeated)).toBe(true);
    // A flood of never-seen tokens: twice the cache's size of misses in a row.
    for (let i = 0; i < size * 2; i++) {
      const result = await verifier.verify(sign({ ...claims, sub: `flood-${i}` }), { now: NOW });
      expect(result.ok && result.value.claims.sub).toBe(`flood-${i}`);
    }
    // Bypassed: the same token is verified (correctly) without reuse for a span of calls.
    expect(await cachedTwice(repeated)).toBe(false);
    const forged = `${repeated.slice(0, -2)}${repeated.endsWith('AA') ? 'BA' : 'AA'}`;
    expect(codeOf(await verifier.verify(forged, { now: NOW }))).toBe('TOKEN_SIGNATURE_INVALID');
    expect(codeOf(await verifier.verify(repeated, { now: NOW + 60_000 }))).toBe('TOKEN_EXPIRED');
    // The span is bounded: after it, the cache is asked again and a repeat is a hit.
    for (let i = 0; i < size * 4; i++) await verifier.verify(repeated, { now: NOW });
    expect(await cachedTwice(repeated)).toBe(true);
    expect(verifier.verifySync(repeated, { now: NOW })).toEqual(
      await verifier.verify(repeated, { now: NOW }),
    );
  });

  it('reports the header each token came with when two keys sign the same payload', async () => {
    const a = hs(new Uint8Array(32).fill(1), 'a');
    const b = hs(new Uint8Array(32).fill(2), 'b');
    const verifier = createTokenVerifier({ keys: [a, b] });
    const payload = JSON.stringify(claims);
    for (const key of [a, b, a]) {
      const token = signRaw(JSON.stringify({ alg: 'HS256', kid: key.kid }), payload, key.secret);
      const result = await verifier.verify(token, { now: NOW });
      expect(result.ok && result.value.header.kid).toBe(key.kid);
    }
  });

  it('compares each signature with the MAC kept for its header and payload, whichever key signed', async () => {
    // Two kidless keys sign the same header and payload: the kept MAC is one key's, and the
    // other key's signature must still verify, a forged one still fail, on every call.
    const a = hs(new Uint8Array(32).fill(1));
    const b = hs(new Uint8Array(32).fill(2));
    for (const claimsCacheSize of [0, 512]) {
      const verifier = createTokenVerifier({ keys: [a, b], claimsCacheSize });
      const header = JSON.stringify({ alg: 'HS256' });
      const payload = JSON.stringify(claims);
      const byA = signRaw(header, payload, a.secret);
      const byB = signRaw(header, payload, b.secret);
      const byOther = signRaw(header, payload, new Uint8Array(32).fill(3));
      for (const token of [byA, byB, byA, byB]) {
        expect(codeOf(await verifier.verify(token, { now: NOW }))).toBe('OK');
        expect(codeOf(verifier.verifySync!(byOther, { now: NOW })!)).toBe(
          'TOKEN_SIGNATURE_INVALID',
        );
      }
    }
  });

  it('never caches a static refusal into an acceptance (per verifier policy)', async () => {
    const strict = createTokenVerifier({ keys: [hs()], audience: 'api' });
    const loose = createTokenVerifier({ keys: [hs()] });
    const token = sign(claims);
    expect(codeOf(await loose.verify(token, { now: NOW }))).toBe('OK');
    expect(codeOf(await strict.verify(token, { now: NOW }))).toBe('TOKEN_CLAIM_MISSING');
    expect(codeOf(await strict.verify(token, { now: NOW }))).toBe('TOKEN_CLAIM_MISSING');
  });
});

describe('verifySync', () => {
  const verifier = createTokenVerifier({ keys: [hs()], issuer: 'iss' });
  const good = sign({ sub: 'u', iss: 'iss', exp: NOW_S + 60 });
  const [h, p] = good.split('.');

  it('answers HMAC tokens with the result verify resolves to, accepted or refused', async () => {
    const cases: [string, string][] = [
      [good, 'OK'],
      [sign({ sub: 'u', iss: 'iss', exp: NOW_S - 1 }), 'TOKEN_EXPIRED'],
      [sign({ sub: 'u', iss: 'other', exp: NOW_S + 60 }), 'TOKEN_ISSUER_INVALID'],
      [`${h}.${p}.${'A'.repeat(43)}`, 'TOKEN_SIGNATURE_INVALID'],
      [`${h}.${p}`, 'TOKEN_MALFORMED'],
      [sign({ exp: NOW_S + 60 }, { alg: 'HS512' }), 'TOKEN_ALG_NOT_ALLOWED'],
      ['a'.repeat(9000), 'TOKEN_TOO_LARGE'],
    ];
    for (const [token, code] of cases) {
      const sync = verifier.verifySync(token, { now: NOW });
      expect(sync).toBeDefined();
      expect(codeOf(sync!)).toBe(code);
      expect(sync).toEqual(await verifier.verify(token, { now: NOW }));
    }
  });

  it('agrees with verify on arbitrary text around a valid token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (prefix, suffix) => {
        const token = `${prefix}${good}${suffix}`;
        expect(verifier.verifySync(token, { now: NOW })).toEqual(
          await verifier.verify(token, { now: NOW }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('applies the claims schema and the injected clock', () => {
    const typed = createTokenVerifier({
      keys: [hs()],
      claims: v.object({ ...tokenClaimsSchema.entries, tenant: v.string() }),
      clock: () => NOW,
    });
    const token = sign({ sub: 'u', exp: NOW_S + 60, tenant: 't1' });
    const result = typed.verifySync(token);
    expect(result?.ok && result.value.claims.tenant).toBe('t1');
    expect(codeOf(typed.verifySync(sign({ sub: 'u', exp: NOW_S + 60, tenant: 1 }))!)).toBe(
      'TOKEN_CLAIMS_INVALID',
    );
    expect(codeOf(typed.verifySync(token, { now: NOW + 61_000 })!)).toBe('TOKEN_EXPIRED');
  });

  it('leaves a token with a jti to verify when a revocation store is set, without asking it', async () => {
    let lookups = 0;
    const revoking = createTokenVerifier({
      keys: [hs()],
      revocation: {
        revoke: async () => {},
        isRevoked: async () => {
          lookups++;
          return true;
        },
      },
    });
    const withJti = sign({ sub: 'u', exp: NOW_S + 60, jti: 'j1' });
    expect(revoking.verifySync(withJti, { now: NOW })).toBeUndefined();
    expect(lookups).toBe(0);
    expect(codeOf(await revoking.verify(withJti, { now: NOW }))).toBe('TOKEN_REVOKED');
    expect(lookups).toBe(1);
    // No jti, nothing to look up: answered synchronously.
    expect(codeOf(revoking.verifySync(sign({ sub: 'u', exp: NOW_S + 60 }), { now: NOW })!)).toBe(
      'OK',
    );
    // A refusal that needs no lookup is still given synchronously.
    expect(codeOf(revoking.verifySync(sign({ exp: NOW_S - 1, jti: 'j1' }), { now: NOW })!)).toBe(
      'TOKEN_EXPIRED',
    );
  });

  it('leaves a remote JWKS key to verify', () => {
    const remote = createTokenVerifier({
      jwks: { url: 'https://keys.example.test/jwks', algorithms: ['ES256'] },
    });
    const token = `${b64('{"alg":"ES256","kid":"k1"}')}.${b64('{"exp":1}')}.${'A'.repeat(86)}`;
    expect(remote.verifySync(token, { now: NOW })).toBeUndefined();
  });

  it('answers ES256 on Node and hands Web Crypto keys to verify elsewhere', async () => {
    const pair = await createKeyPair('ES256');
    const issuer = createTokenIssuer({ key: { alg: 'ES256', privateKey: pair.privatePem } });
    const es = createTokenVerifier({ keys: [{ alg: 'ES256', publicKey: pair.publicPem }] });
    await es.ready();
    const token = await issuer.issue({ sub: 'u' }, { now: NOW });
    const expected = await es.verify(token, { now: NOW });
    expect(codeOf(expected)).toBe('OK');
    for (let i = 0; i < 2; i++) {
      const sync = es.verifySync(token, { now: NOW });
      if (HASH_BACKEND === 'node') expect(sync).toEqual(expected);
      else expect(sync).toBeUndefined();
    }
    expect(await es.verify(token, { now: NOW })).toEqual(expected);
  });

  it('throws a TypeError for a NaN now (a caller bug), as verify rejects', () => {
    expect(() => verifier.verifySync(good, { now: Number.NaN })).toThrow(/now must be/);
  });
});
