// The JWT attack suite: each attack is one named test that must come back as its
// documented code, without throwing. Time is injected.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmac } from '#hash';
import { encodeBase64Url, utf8 } from '../internal/bytes.js';
import { createTokenVerifier, type TokenResult } from './index.js';
import {
  b64,
  createKeyPair,
  NOW,
  NOW_S,
  SECRET_32,
  signRaw,
  signSegments,
} from './test-utils/token-fixtures.js';

const codeOf = (r: TokenResult): string => (r.ok ? 'OK' : r.error.code);
const CLAIMS = { sub: 'mallory', iat: NOW_S, exp: NOW_S + 300, permissions: ['chat:basic'] };
const HEADER = '{"alg":"HS256","typ":"JWT"}';
const good = signRaw(HEADER, JSON.stringify(CLAIMS), SECRET_32);
const verifier = createTokenVerifier({
  keys: [{ alg: 'HS256', kid: 'main', secret: SECRET_32 }],
  issuer: undefined,
  requiredClaims: ['exp', 'sub'],
});
const verify = (token: string) => verifier.verify(token, { now: NOW });
const forge = (claims: object, header = HEADER) =>
  signRaw(header, JSON.stringify(claims), SECRET_32);

describe('JWT attack suite', () => {
  it('accepts the untampered control token', async () => {
    expect(codeOf(await verify(good))).toBe('OK');
  });

  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    it(`rejects a token whose alg is ${alg} (unsigned) with TOKEN_ALG_NOT_ALLOWED`, async () => {
      const payload = b64(JSON.stringify(CLAIMS));
      const header = b64(JSON.stringify({ alg, typ: 'JWT' }));
      expect(codeOf(await verify(`${header}.${payload}.`))).toBe('TOKEN_ALG_NOT_ALLOWED');
      // Even with a signature segment attached, and with the trusted kid.
      const withKid = b64(JSON.stringify({ alg, kid: 'main' }));
      expect(codeOf(await verify(`${withKid}.${payload}.${good.split('.')[2]}`))).toBe(
        'TOKEN_ALG_NOT_ALLOWED',
      );
    });
  }

  describe('HS256 signed with the server public key (algorithm confusion)', async () => {
    const rsa = await createKeyPair('RS256');
    const ec = await createKeyPair('ES256');
    const rsVerifier = createTokenVerifier({
      keys: [
        { alg: 'RS256', kid: 'rsa', publicKey: rsa.publicPem },
        { alg: 'ES256', kid: 'ec', publicKey: ec.publicJwk },
      ],
    });
    const confuse = (secret: Uint8Array, kid?: string) => {
      const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...(kid && { kid }) }));
      const input = `${header}.${b64(JSON.stringify(CLAIMS))}`;
      return `${input}.${encodeBase64Url(hmac('sha256', secret, input))}`;
    };
    it('rejects HS256 keyed with the RSA public key as PEM bytes', async () => {
      expect(codeOf(await rsVerifier.verify(confuse(utf8(rsa.publicPem)), { now: NOW }))).toBe(
        'TOKEN_ALG_NOT_ALLOWED',
      );
      expect(
        codeOf(await rsVerifier.verify(confuse(utf8(rsa.publicPem), 'rsa'), { now: NOW })),
      ).toBe('TOKEN_ALG_NOT_ALLOWED');
    });
    it('rejects HS256 keyed with the RSA public key as JWK', async () => {
      const jwkBytes = utf8(JSON.stringify(rsa.publicJwk));
      expect(codeOf(await rsVerifier.verify(confuse(jwkBytes), { now: NOW }))).toBe(
        'TOKEN_ALG_NOT_ALLOWED',
      );
      expect(codeOf(await rsVerifier.verify(confuse(jwkBytes, 'rsa'), { now: NOW }))).toBe(
        'TOKEN_ALG_NOT_ALLOWED',
      );
    });
    it('rejects HS256 keyed with the EC public key', async () => {
      const jwkBytes = utf8(JSON.stringify(ec.publicJwk));
      expect(codeOf(await rsVerifier.verify(confuse(jwkBytes, 'ec'), { now: NOW }))).toBe(
        'TOKEN_ALG_NOT_ALLOWED',
      );
    });
    it('refuses to configure a public key as an HMAC secret at all', () => {
      expect(() =>
        createTokenVerifier({ keys: [{ alg: 'HS256', secret: rsa.publicPem }] }),
      ).toThrow(/PEM or JWK/);
    });
  });

  it('rejects an unknown kid with TOKEN_KEY_UNKNOWN', async () => {
    expect(codeOf(await verify(forge(CLAIMS, '{"alg":"HS256","kid":"other"}')))).toBe(
      'TOKEN_KEY_UNKNOWN',
    );
  });

  it('rejects an expired token with TOKEN_EXPIRED', async () => {
    expect(codeOf(await verify(forge({ ...CLAIMS, exp: NOW_S })))).toBe('TOKEN_EXPIRED');
  });

  it('rejects nbf in the future with TOKEN_NOT_YET_VALID', async () => {
    expect(codeOf(await verify(forge({ ...CLAIMS, nbf: NOW_S + 1 })))).toBe('TOKEN_NOT_YET_VALID');
  });

  it('rejects iat in the future with TOKEN_ISSUED_IN_FUTURE', async () => {
    expect(codeOf(await verify(forge({ ...CLAIMS, iat: NOW_S + 1 })))).toBe(
      'TOKEN_ISSUED_IN_FUTURE',
    );
  });

  it('rejects a wrong iss with TOKEN_ISSUER_INVALID', async () => {
    const strict = createTokenVerifier({
      keys: [{ alg: 'HS256', secret: SECRET_32 }],
      issuer: 'https://auth.example',
    });
    const token = forge({ ...CLAIMS, iss: 'https://evil.example' });
    expect(codeOf(await strict.verify(token, { now: NOW }))).toBe('TOKEN_ISSUER_INVALID');
  });

  it('rejects a wrong aud with TOKEN_AUDIENCE_INVALID', async () => {
    const strict = createTokenVerifier({
      keys: [{ alg: 'HS256', secret: SECRET_32 }],
      audience: 'agent-api',
    });
    const token = forge({ ...CLAIMS, aud: ['billing-api'] });
    expect(codeOf(await strict.verify(token, { now: NOW }))).toBe('TOKEN_AUDIENCE_INVALID');
  });

  it('rejects a missing required claim with TOKEN_CLAIM_MISSING', async () => {
    const { sub: _sub, ...withoutSub } = CLAIMS;
    expect(codeOf(await verify(forge(withoutSub)))).toBe('TOKEN_CLAIM_MISSING');
  });

  it('rejects an oversized token with TOKEN_TOO_LARGE before parsing it', async () => {
    const huge = forge({ ...CLAIMS, pad: 'x'.repeat(8192) });
    expect(codeOf(await verify(huge))).toBe('TOKEN_TOO_LARGE');
    expect(codeOf(await verify('x'.repeat(8193)))).toBe('TOKEN_TOO_LARGE');
    const roomy = createTokenVerifier({
      keys: [{ alg: 'HS256', secret: SECRET_32 }],
      maxTokenLength: 16_384,
    });
    expect(codeOf(await roomy.verify(huge, { now: NOW }))).toBe('OK');
    const tight = createTokenVerifier({
      keys: [{ alg: 'HS256', secret: SECRET_32 }],
      maxTokenLength: 64,
    });
    expect(codeOf(await tight.verify(good, { now: NOW }))).toBe('TOKEN_TOO_LARGE');
  });

  describe('non-canonical base64url', () => {
    const [h, p, s] = good.split('.') as [string, string, string];
    it('rejects padding in the header, payload or signature with TOKEN_MALFORMED', async () => {
      // Signed over the padded spelling, so only the encoding check can catch it.
      const paddedHeader = b64(' {"alg":"HS256"}'); // 16 bytes -> needs "==" padding
      expect(paddedHeader.length % 4).not.toBe(0);
      expect(codeOf(await verify(signSegments(`${paddedHeader}==`, p, SECRET_32)))).toBe(
        'TOKEN_MALFORMED',
      );
      const payload = b64(JSON.stringify({ ...CLAIMS, x: 'a' }));
      const padded =
        payload.length % 4 === 0 ? payload : `${payload}${'='.repeat(4 - (payload.length % 4))}`;
      expect(
        codeOf(
          await verify(signSegments(h, padded.endsWith('=') ? padded : `${payload}=`, SECRET_32)),
        ),
      ).toBe('TOKEN_MALFORMED');
      expect(codeOf(await verify(`${h}.${p}.${s}=`))).toBe('TOKEN_MALFORMED');
    });
    it('rejects whitespace inside any segment with TOKEN_MALFORMED', async () => {
      expect(
        codeOf(await verify(signSegments(`${h.slice(0, 4)} ${h.slice(4)}`, p, SECRET_32))),
      ).toBe('TOKEN_MALFORMED');
      expect(
        codeOf(await verify(signSegments(h, `${p.slice(0, 8)}\n${p.slice(8)}`, SECRET_32))),
      ).toBe('TOKEN_MALFORMED');
      expect(codeOf(await verify(`${h}.${p}.${s.slice(0, 10)}\t${s.slice(10)}`))).toBe(
        'TOKEN_MALFORMED',
      );
      expect(codeOf(await verify(` ${good}`))).toBe('TOKEN_MALFORMED');
      expect(codeOf(await verify(`${good}\n`))).toBe('TOKEN_MALFORMED');
    });
    it('rejects non-zero spare bits (a second spelling of the same bytes) with TOKEN_MALFORMED', async () => {
      // The signature is 32 bytes: 43 characters whose last one carries 2 spare bits.
      const last = s.charCodeAt(s.length - 1);
      const alias = `${s.slice(0, -1)}${String.fromCharCode(last + 1)}`;
      expect(codeOf(await verify(`${h}.${p}.${alias}`))).toBe('TOKEN_MALFORMED');
      // {"alg":"HS256"} is 15 bytes: no spare bits; pad the header to 16 bytes for some.
      const header16 = b64('{"alg":"HS256"} ');
      const spare = `${header16.slice(0, -1)}${String.fromCharCode(header16.charCodeAt(header16.length - 1) + 1)}`;
      expect(codeOf(await verify(signSegments(spare, p, SECRET_32)))).toBe('TOKEN_MALFORMED');
    });
    it('rejects the standard base64 alphabet (+ and /) with TOKEN_MALFORMED', async () => {
      const swapped = s.replace(/-/g, '+').replace(/_/g, '/');
      const token = swapped === s ? `${h}.${p}.${s.slice(0, -2)}+/` : `${h}.${p}.${swapped}`;
      expect(codeOf(await verify(token))).toBe('TOKEN_MALFORMED');
    });
  });

  it('rejects an unknown crit header with TOKEN_CRIT_UNSUPPORTED', async () => {
    const token = forge(CLAIMS, '{"alg":"HS256","crit":["exp"],"exp":1}');
    expect(codeOf(await verify(token))).toBe('TOKEN_CRIT_UNSUPPORTED');
    expect(codeOf(await verify(forge(CLAIMS, '{"alg":"HS256","crit":["b64"],"b64":false}')))).toBe(
      'TOKEN_CRIT_UNSUPPORTED',
    );
    expect(codeOf(await verify(forge(CLAIMS, '{"alg":"HS256","b64":false}')))).toBe(
      'TOKEN_MALFORMED',
    );
  });

  describe('garbage segments', () => {
    const payload = b64(JSON.stringify(CLAIMS));
    const cases: Record<string, string> = {
      'one segment': 'abc',
      'two segments': 'abc.def',
      'only dots': '..',
      'four segments': `${good}.x`,
      'header not base64url': `!!.${payload}.AAAA`,
      'header not JSON': `${b64('alg=HS256')}.${payload}.AAAA`,
      'header JSON array': `${b64('["HS256"]')}.${payload}.AAAA`,
      'header JSON string': `${b64('"HS256"')}.${payload}.AAAA`,
      'header null': `${b64('null')}.${payload}.AAAA`,
      'header with a BOM': `${b64('\uFEFF{"alg":"HS256"}')}.${payload}.AAAA`,
      'alg not a string': `${b64('{"alg":["HS256"]}')}.${payload}.AAAA`,
      'kid not a string': `${b64('{"alg":"HS256","kid":1}')}.${payload}.AAAA`,
      'duplicate alg in header': `${b64('{"alg":"HS256","alg":"none"}')}.${payload}.AAAA`,
      'header not UTF-8': `${encodeBase64Url(new Uint8Array([0x7b, 0xff, 0x7d]))}.${payload}.AAAA`,
    };
    for (const [name, token] of Object.entries(cases)) {
      it(`rejects ${name} with TOKEN_MALFORMED`, async () => {
        expect(codeOf(await verify(token))).toBe('TOKEN_MALFORMED');
      });
    }
    it('rejects a validly signed payload that is not a JSON object, or repeats a claim', async () => {
      for (const body of [
        '[1,2]',
        '"sub"',
        '42',
        'null',
        '{"sub":"a"',
        '{"sub":"a","sub":"admin","exp":9e9}',
      ]) {
        expect(codeOf(await verify(signRaw(HEADER, body, SECRET_32)))).toBe('TOKEN_MALFORMED');
      }
      const nested = `{"sub":"a","exp":${NOW_S + 60},"ctx":{"role":"user","r\\u006fle":"admin"}}`;
      expect(codeOf(await verify(signRaw(HEADER, nested, SECRET_32)))).toBe('TOKEN_MALFORMED');
    });
    it('rejects a signature of the wrong length with TOKEN_SIGNATURE_INVALID', async () => {
      const [h, p] = good.split('.');
      expect(codeOf(await verify(`${h}.${p}.AAAA`))).toBe('TOKEN_SIGNATURE_INVALID');
    });
  });

  it('rejects the empty string with TOKEN_MALFORMED', async () => {
    expect(codeOf(await verify(''))).toBe('TOKEN_MALFORMED');
  });

  it('rejects values that are not strings with TOKEN_MALFORMED', async () => {
    for (const value of [undefined, null, 42, {}, ['a.b.c']]) {
      expect(codeOf(await verifier.verify(value as unknown as string, { now: NOW }))).toBe(
        'TOKEN_MALFORMED',
      );
    }
  });
});

describe('the verifier never throws', () => {
  const asCode = async (token: string): Promise<string> => {
    const result = await verify(token);
    expect(typeof result.ok).toBe('boolean');
    if (!result.ok) expect(result.error.code).toMatch(/^(TOKEN_[A-Z_]+|JWKS_UNAVAILABLE)$/);
    return codeOf(result);
  };

  it('returns a code for any random string', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 })),
        async (text) => {
          expect(await asCode(text)).not.toBe('OK');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns a code for random dotted segments', async () => {
    const segment = fc.string({ unit: fc.constantFrom(...'AZaz09-_=+/ .{}"'), maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 5 }), async (parts) => {
        expect(await asCode(parts.join('.'))).not.toBe('OK');
      }),
      { numRuns: 300 },
    );
  });

  it('returns a code for every mutation of a valid token, and OK only for the original', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \n';
    await fc.assert(
      fc.asyncProperty(
        fc.nat(good.length - 1),
        fc.constantFrom(...alphabet),
        fc.constantFrom('replace', 'insert', 'delete'),
        async (at, ch, op) => {
          const mutated =
            op === 'replace'
              ? good.slice(0, at) + ch + good.slice(at + 1)
              : op === 'insert'
                ? good.slice(0, at) + ch + good.slice(at)
                : good.slice(0, at) + good.slice(at + 1);
          const code = await asCode(mutated);
          // One spelling per token: any change to the text is refused.
          if (mutated !== good) expect(code).not.toBe('OK');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('returns a code for validly signed random JSON payloads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        await asCode(forge(value as object));
      }),
      { numRuns: 200 },
    );
  });
});
