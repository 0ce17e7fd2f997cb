// Issue 19: configuration reports never echo key material; loopback is decided by parsing
// the host as an address; production mode turns insecure origins and missing secrets into errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64, encodeBase64Url, encodeHex } from '../internal/bytes.js';
import { isLoopbackHost, loadSecurityConfig, type SecurityEnv } from './load-security-config.js';

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** A secret as written in the environment: [full text, key material after the prefix]. */
const spelled = bytes32.chain((b) =>
  fc.constantFrom<[string, string]>(
    [`base64url:${encodeBase64Url(b)}`, encodeBase64Url(b)],
    [`hex:${encodeHex(b)}`, encodeHex(b)],
    [`base64:${encodeBase64(b)}`, encodeBase64(b)],
    [encodeBase64Url(b), encodeBase64Url(b)],
  ),
);

/** Every text a load can show: the summary, each issue's message and fix, the warnings. */
function shownText(env: SecurityEnv): string {
  const result = loadSecurityConfig(env, { mode: 'development' });
  if (result.ok) {
    return [result.value.describe(), ...result.value.warnings.map((w) => w.message + w.fix)].join(
      '\n',
    );
  }
  return [
    result.error.message,
    ...result.error.issues.flatMap((i) => [i.message, i.fix]),
    ...result.error.warnings.flatMap((i) => [i.message, i.fix]),
  ].join('\n');
}

function leakedPiece(shown: string, secrets: readonly string[]): string | undefined {
  for (const secret of secrets) {
    for (let i = 0; i + 6 <= secret.length; i++) {
      const piece = secret.slice(i, i + 6);
      if (shown.includes(piece)) return piece;
    }
  }
  return undefined;
}

describe('configuration messages never contain key material', () => {
  it('a key pasted without an id, or pasted as the id, is not quoted back', () => {
    const key = encodeBase64Url(new Uint8Array(32).map((_, i) => (i * 73 + 41) & 255));
    for (const previous of [
      `${key}=`, // read as id "<key>" with an empty value
      `${key}==`,
      `base64url:${key}`, // no '=' at all
      `hex:${'ab'.repeat(31)}cd=x`, // an invalid id of 70 characters
      `${key}=base64url:${key}`,
      `a=base64url:${key},a=base64url:${key}`,
    ]) {
      const shown = shownText({
        ENCRYPTION_KEY: `base64url:${key}`,
        ENCRYPTION_PREVIOUS_KEYS: previous,
      });
      expect(leakedPiece(shown, [key, 'ab'.repeat(31)])).toBeUndefined();
    }
    const asId = shownText({ ENCRYPTION_KEY_ID: `base64:${key}!` });
    expect(leakedPiece(asId, [key])).toBeUndefined();
  });

  it('property: no six-character piece of any secret appears, for random secrets and malformed entries', () => {
    fc.assert(
      fc.property(
        spelled,
        spelled,
        spelled,
        spelled,
        fc.integer({ min: 0, max: 10 }),
        fc.boolean(),
        ([jwt, jwtM], [enc, encM], [pepper, pepperM], [old, oldM], pick, idIsKey) => {
          const entries = [
            old,
            `${oldM}=`,
            `=${old}`,
            `${oldM}=${old}`,
            `${oldM}!=${old}`,
            `${oldM.slice(0, 20)}=${old.slice(0, 30)}`,
            ` ${old} `,
            `${old},${old}`,
            `id=${old}x`,
            `id=${old},id=${old}`,
            `id=raw:${oldM}`,
          ];
          const env: SecurityEnv = {
            JWT_SECRET_KEY: jwt.slice(0, jwt.length - (pick % 3)),
            ENCRYPTION_KEY: enc,
            API_KEY_PEPPER: pick === 7 ? jwt : pepper,
            ENCRYPTION_PREVIOUS_KEYS: entries[pick]!,
            ...(idIsKey ? { ENCRYPTION_KEY_ID: `${encM}:` } : {}),
          };
          const shown = shownText(env);
          expect(leakedPiece(shown, [jwtM, encM, pepperM, oldM])).toBeUndefined();
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('loopback is an address, not a prefix', () => {
  it('treats only real loopback hosts as local', () => {
    for (const host of [
      'localhost',
      'app.localhost',
      '127.0.0.1',
      '127.255.0.9',
      '[::1]',
      '[::ffff:7f00:1]',
    ]) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of [
      '127.0.0.1.example.com',
      '127.attacker.com',
      '1270.0.0.1',
      '128.0.0.1',
      '[::2]',
      'localhost.example.com',
      'example.com',
    ]) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });

  it('warns (and in production refuses) an http origin whose host merely starts with 127.', () => {
    const env: SecurityEnv = {
      JWT_SECRET_KEY: `base64url:${encodeBase64Url(new Uint8Array(32).map((_, i) => (i * 37 + 11) & 255))}`,
      ENCRYPTION_KEY: `hex:${encodeHex(new Uint8Array(32).map((_, i) => (i * 91 + 5) & 255))}`,
      CORS_ORIGINS: 'http://127.0.0.1.example.com,http://127.0.0.1:3000',
    };
    const dev = loadSecurityConfig(env, { mode: 'development' });
    expect(dev.ok && dev.value.warnings.map((w) => w.code)).toEqual(['CORS_ORIGIN_INSECURE']);
    expect(dev.ok && dev.value.warnings[0]!.message).toContain('http://127.0.0.1.example.com');
    const prod = loadSecurityConfig(env, { mode: 'production' });
    expect(!prod.ok && prod.error.issues.map((i) => i.code)).toEqual(['CORS_ORIGIN_INSECURE']);
  });

  it('property: a domain that starts with an IPv4 loopback address is never local', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)),
        fc.domain(),
        ([a, b, c], domain) => {
          const url = new URL(`http://127.${a}.${b}.${c}.${domain}`);
          fc.pre(url.hostname !== `127.${a}.${b}.${c}`);
          expect(isLoopbackHost(url.hostname)).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('production mode', () => {
  const secrets: SecurityEnv = {
    JWT_SECRET_KEY: `base64url:${encodeBase64Url(new Uint8Array(32).map((_, i) => (i * 37 + 11) & 255))}`,
    ENCRYPTION_KEY: `hex:${encodeHex(new Uint8Array(32).map((_, i) => (i * 91 + 5) & 255))}`,
  };

  it('makes an insecure origin an error where development only warns', () => {
    const env = { ...secrets, CORS_ORIGINS: 'http://app.example.com' };
    const dev = loadSecurityConfig(env);
    expect(dev.ok && dev.value.mode).toBe('development');
    expect(dev.ok && dev.value.warnings.map((w) => w.code)).toEqual(['CORS_ORIGIN_INSECURE']);
    const prod = loadSecurityConfig(env, { mode: 'production' });
    expect(!prod.ok && prod.error.issues.map((i) => `${i.variable}:${i.code}`)).toEqual([
      'CORS_ORIGINS:CORS_ORIGIN_INSECURE',
    ]);
  });

  it('requires the secrets even when `required` leaves them out', () => {
    expect(loadSecurityConfig({}, { required: [] }).ok).toBe(true);
    const prod = loadSecurityConfig({}, { required: [], mode: 'production' });
    expect(!prod.ok && prod.error.issues.map((i) => `${i.variable}:${i.code}`)).toEqual([
      'JWT_SECRET_KEY:CONFIG_MISSING',
      'ENCRYPTION_KEY:CONFIG_MISSING',
    ]);
  });

  it('follows NODE_ENV=production in the env map unless the mode is explicit', () => {
    const env = { ...secrets, NODE_ENV: 'production', CORS_ORIGINS: 'http://app.example.com' };
    const declared = loadSecurityConfig(env);
    expect(!declared.ok && declared.error.issues.map((i) => i.code)).toEqual([
      'CORS_ORIGIN_INSECURE',
    ]);
    const explicit = loadSecurityConfig(env, { mode: 'development' });
    expect(explicit.ok && explicit.value.mode).toBe('development');
    expect(loadSecurityConfig({ ...env, NODE_ENV: 'test' }).ok).toBe(true);
  });

  it('refuses an unknown mode or required list at the call, with the fix', () => {
    expect(() => loadSecurityConfig({}, { mode: 'prod' as never })).toThrow(
      /mode must be 'production' or 'development'/,
    );
    expect(() => loadSecurityConfig({}, { required: ['JWT'] as never })).toThrow(
      /required must be an array of JWT_SECRET_KEY, ENCRYPTION_KEY, API_KEY_PEPPER/,
    );
  });
});

describe('only the environment map own variables are read', () => {
  it('ignores values inherited from a (polluted) prototype', () => {
    const inherited = Object.create({
      CORS_ORIGINS: '*',
      CORS_CREDENTIALS: 'true',
      NODE_ENV: 'development',
      RATE_LIMIT_ENABLED: 'false',
    }) as Record<string, string>;
    inherited.NODE_ENV = 'production';
    const result = loadSecurityConfig(inherited, { required: [] });
    // Production from the own NODE_ENV; the inherited switches are not read.
    expect(!result.ok && result.error.issues.map((i) => i.code)).toEqual([
      'CONFIG_MISSING',
      'CONFIG_MISSING',
    ]);
    const dev = loadSecurityConfig(Object.create({ RATE_LIMIT_ENABLED: 'false' }), {
      required: [],
    });
    expect(dev.ok && dev.value.rateLimit.enabled).toBe(true);
    expect(dev.ok && dev.value.cors.origins).toEqual([]);
  });
});
