import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Url, decodeUtf8 } from '../internal/bytes.js';
import {
  createTokenIssuer,
  createTokenVerifier,
  issueToken,
  type TokenClaims,
  verifyToken,
} from './index.js';
import { parseJsonObject } from './parse-json-object.js';
import {
  createKeyPair,
  NOW,
  NOW_S,
  SECRET_32,
  SECRET_48,
  SECRET_64,
} from './test-utils/token-fixtures.js';

const part = (token: string, i: number): Record<string, unknown> =>
  JSON.parse(decodeUtf8(decodeBase64Url(token.split('.')[i]!)!)!);

describe('createTokenIssuer', () => {
  for (const [alg, secret] of [
    ['HS256', SECRET_32],
    ['HS384', SECRET_48],
    ['HS512', SECRET_64],
  ] as const) {
    it(`issues ${alg} tokens the verifier accepts`, async () => {
      const key = { alg, kid: 'k1', secret };
      const token = await createTokenIssuer({ key }).issue({ sub: 'alice' }, { now: NOW });
      const result = await createTokenVerifier({ keys: [key] }).verify(token, { now: NOW });
      expect(result.ok && result.value.claims.sub).toBe('alice');
      expect(result.ok && result.value.header).toEqual({ alg, kid: 'k1', typ: 'JWT' });
    });
  }

  for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
    it(`issues ${alg} tokens verified with the public key as PEM and as JWK`, async () => {
      const pair = await createKeyPair(alg);
      const token = await createTokenIssuer({ key: { alg, privateKey: pair.privatePem } }).issue(
        { sub: 'bob', permissions: ['chat:basic'] },
        { now: NOW },
      );
      for (const publicKey of [pair.publicPem, pair.publicJwk, pair.privateJwk]) {
        const verifier = createTokenVerifier({ keys: [{ alg, publicKey }] });
        await verifier.ready();
        const result = await verifier.verify(token, { now: NOW });
        expect(result.ok && result.value.claims.permissions).toEqual(['chat:basic']);
      }
      const fromJwk = await createTokenIssuer({ key: { alg, privateKey: pair.privateJwk } }).issue(
        { sub: 'bob' },
        { now: NOW },
      );
      const verifier = createTokenVerifier({ keys: [{ alg, publicKey: pair.publicPem }] });
      expect((await verifier.verify(fromJwk, { now: NOW })).ok).toBe(true);
    });
  }

  it('sets iat, exp, iss, aud and a random 128-bit jti; explicit claims win', async () => {
    const issuer = createTokenIssuer({
      key: { alg: 'HS256', secret: SECRET_32 },
      issuer: 'https://auth.example',
      audience: ['api'],
      expiresIn: 900,
    });
    const a = part(await issuer.issue({ sub: 'u' }, { now: NOW + 999 }), 1);
    expect(a).toMatchObject({
      iss: 'https://auth.example',
      aud: ['api'],
      iat: NOW_S,
      exp: NOW_S + 900,
      sub: 'u',
    });
    expect(decodeBase64Url(a.jti as string)).toHaveLength(16);
    const b = part(await issuer.issue({ sub: 'u', aud: 'other' }, { now: NOW, expiresIn: 60 }), 1);
    expect(b.aud).toBe('other');
    expect(b.exp).toBe(NOW_S + 60);
    expect(b.jti).not.toBe(a.jti);
  });

  it('gives every token its own jti, drawing randomness 256 tokens at a time', async () => {
    let calls = 0;
    const issuer = createTokenIssuer({
      key: { alg: 'HS256', secret: SECRET_32 },
      random: (n) => {
        calls++;
        return crypto.getRandomValues(new Uint8Array(n));
      },
    });
    const seen = new Set<string>();
    for (let i = 0; i < 600; i++)
      seen.add(part(await issuer.issue({}, { now: NOW }), 1).jti as string);
    expect(seen.size).toBe(600);
    expect(calls).toBe(3);
  });

  it('leaves jti out when asked and uses the injected clock', async () => {
    const issuer = createTokenIssuer({
      key: { alg: 'HS256', secret: SECRET_32 },
      jti: false,
      clock: () => NOW,
    });
    const claims = part(await issuer.issue({}), 1);
    expect(claims).toEqual({ iat: NOW_S, exp: NOW_S + 3600 });
  });

  it('refuses short HMAC secrets, unknown algorithms and a PEM used as an HMAC secret', async () => {
    expect(() => createTokenIssuer({ key: { alg: 'HS256', secret: 'short' } })).toThrow(
      /at least 32/,
    );
    expect(() => createTokenIssuer({ key: { alg: 'HS512', secret: SECRET_32 } })).toThrow(
      /at least 64/,
    );
    expect(() => createTokenIssuer({ key: { alg: 'none' as 'HS256', secret: SECRET_32 } })).toThrow(
      /alg/,
    );
    const pair = await createKeyPair('RS256');
    expect(() => createTokenIssuer({ key: { alg: 'HS256', secret: pair.publicPem } })).toThrow(
      /PEM or JWK/,
    );
    expect(() => createTokenIssuer({ key: { alg: 'ES256', privateKey: 'not a pem' } })).toThrow(
      /PEM/,
    );
    expect(() => createTokenIssuer({ key: { alg: 'ES256', privateKey: pair.publicJwk } })).toThrow(
      /not a private key/,
    );
  });

  it('reports a private key of the wrong type through ready()', async () => {
    const pair = await createKeyPair('RS256');
    const issuer = createTokenIssuer({ key: { alg: 'ES256', privateKey: pair.privatePem } });
    await expect(issuer.ready()).rejects.toThrow(/cannot be imported/);
    await expect(issuer.issue({})).rejects.toThrow(/cannot be imported/);
  });

  it('offers one-shot issueToken and verifyToken', async () => {
    const key = { alg: 'HS256' as const, secret: SECRET_32 };
    const token = await issueToken({ sub: 'x' }, { key, now: NOW, expiresIn: 10 });
    expect((await verifyToken(token, { keys: [key], now: NOW + 9_999 })).ok).toBe(true);
    const late = await verifyToken(token, { keys: [key], now: NOW + 10_000 });
    expect(!late.ok && late.error.code).toBe('TOKEN_EXPIRED');
  });

  it('writes each claim once, defaults first and explicit claims winning, for any claims', async () => {
    const issuer = createTokenIssuer({
      key: { alg: 'HS256', secret: SECRET_32 },
      issuer: 'iss-default',
      audience: 'aud-default',
      random: (n) => new Uint8Array(n),
    });
    const keys = fc.constantFrom('iss', 'aud', 'exp', 'iat', 'jti', 'sub', 'permissions', 'x', 'é');
    await fc.assert(
      fc.asyncProperty(fc.dictionary(keys, fc.jsonValue({ maxDepth: 2 })), async (claims) => {
        const token = await issuer.issue(claims as TokenClaims, { now: NOW });
        const text = decodeUtf8(decodeBase64Url(token.split('.')[1]!)!)!;
        const parsed = parseJsonObject(text);
        expect(parsed).toEqual(
          JSON.parse(
            JSON.stringify({
              iss: 'iss-default',
              aud: 'aud-default',
              iat: NOW_S,
              exp: NOW_S + 3600,
              jti: 'AAAAAAAAAAAAAAAAAAAAAA', // all-zero randomness
              ...claims,
            }),
          ),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('createTokenIssuer and a __proto__ claim (issue 19)', () => {
  it('keeps the claim as data on both paths instead of replacing the payload prototype', async () => {
    const issuer = createTokenIssuer({ key: { alg: 'HS256', secret: SECRET_32 }, issuer: 'iss-1' });
    const claims = JSON.parse('{"sub":"alice","__proto__":{"role":"admin"}}') as TokenClaims;
    // No default overridden: the payload is built from text.
    const fast = part(await issuer.issue(claims, { now: NOW }), 1);
    // `iss` overridden: the payload is built as an object.
    const slow = part(await issuer.issue({ ...claims, iss: 'iss-2' }, { now: NOW }), 1);
    for (const payload of [fast, slow]) {
      expect(Object.hasOwn(payload, '__proto__')).toBe(true);
      expect(payload.role).toBeUndefined();
    }
    const slowDirect = JSON.parse(
      '{"sub":"alice","iss":"iss-2","__proto__":{"role":"admin"}}',
    ) as TokenClaims;
    const viaAssign = part(await issuer.issue(slowDirect, { now: NOW }), 1);
    expect(Object.hasOwn(viaAssign, '__proto__')).toBe(true);
  });
});
