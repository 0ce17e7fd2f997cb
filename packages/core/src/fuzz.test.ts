// Issue 19: every exported verifier and parser, called with arbitrary JSON-like values
// (fast-check `anything()`) in place of its untrusted argument and with wrong types beside
// it, returns a result and never throws. Kept to a few seconds: each target gets a small
// number of runs, and the per-capability fuzz files go deeper on their own syntax.

import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from './audit/verify-audit-chain.js';
import { decodeConfigSecret } from './config/decode-config-secret.js';
import { loadSecurityConfig } from './config/load-security-config.js';
import { decryptGuideMessages } from './crypto/decrypt-guide-messages.js';
import { decryptMessages, isEncryptedMessage } from './crypto/encrypt-messages.js';
import { fernetDecrypt, fernetDecryptText, importFernetKey } from './crypto/fernet.js';
import { createKeyring, isValidKeyId, readEnvelopeKeyId } from './crypto/keyring.js';
import { decryptWithPassword } from './crypto/password.js';
import { parseJsonWithLimits } from './input/json-limits.js';
import { checkMetadataBounds, checkToolArguments } from './input/message-schema.js';
import { safeFileName, safeJoin } from './input/safe-path.js';
import { createMemoryKeyStore } from './keys/memory-key-store.js';
import { parseApiKey } from './keys/parse-api-key.js';
import { createApiKeyVerifier, verifyApiKey } from './keys/verify-api-key.js';
import { defineRetentionPolicy, evaluateRetention } from './privacy/retention.js';
import { parseForwardedHeader } from './shield/forwarded.js';
import { verifyContentDigest } from './signing/content-digest.js';
import {
  parseSfDictionary,
  parseSfInnerList,
  parseSfItem,
  parseSfList,
} from './signing/structured-fields.js';
import {
  createLegacySignatureVerifier,
  parseLegacyTimestamp,
} from './signing/verify-legacy-signature.js';
import { createRequestVerifier } from './signing/verify-request.js';
import { createWebhookVerifier } from './signing/webhooks.js';
import { createTokenVerifier } from './tokens/create-token-verifier.js';

const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/** A Result (`ok` true, or false with an UPPER_SNAKE code and a message), never thrown. */
function expectResult(out: unknown): void {
  expect(typeof out === 'object' && out !== null).toBe(true);
  const r = out as { ok: unknown; error?: { code: unknown; message: unknown } };
  expect(typeof r.ok).toBe('boolean');
  if (r.ok === false) {
    expect(String(r.error?.code)).toMatch(CODE);
    expect(typeof r.error?.message).toBe('string');
  }
}

/** Untrusted values: anything JSON-like, plus bytes, strings and the odd shapes. */
const untrusted = fc.oneof(
  { weight: 4, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: true }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 120 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      undefined,
      Number.NaN,
      -0,
      [],
      {},
      JSON.parse('{"__proto__":{"ok":true}}'),
      new Date(Number.NaN),
    ),
  },
);
const RUNS = { numRuns: 60 };

const hmacSecret = new Uint8Array(32).fill(7);
const fernetKey = importFernetKey('cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=');
const keyring = createKeyring({ keys: [{ id: 'k1', key: new Uint8Array(32).fill(9) }] });
const policy = defineRetentionPolicy({
  classes: { a: { days: 1, action: 'delete' }, b: { days: 1, action: 'anonymize' } },
});
const tokens = createTokenVerifier({ keys: [{ alg: 'HS256', secret: hmacSecret }] });
const store = createMemoryKeyStore();
const apiKeys = createApiKeyVerifier({ store });
const requests = createRequestVerifier({
  keys: [{ keyid: 'k1', algorithm: 'hmac-sha256', secret: hmacSecret }],
  clock: () => Date.UTC(2026, 0, 1),
});
const webhooks = createWebhookVerifier({
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  nonceStore: null,
});
const legacy = createLegacySignatureVerifier({ secret: 'guide-secret' });

// Synchronous verifiers and parsers: the untrusted argument replaced by anything.
const SYNC: readonly [string, (x: unknown) => unknown][] = [
  ['parseApiKey', (x) => parseApiKey(x)],
  ['checkMetadataBounds', (x) => checkMetadataBounds(x)],
  ['checkToolArguments', (x) => checkToolArguments(x, v.object({ q: v.string() }))],
  ['parseForwardedHeader', (x) => parseForwardedHeader(x as string)],
  ['parseSfList', (x) => parseSfList(x as string)],
  ['parseSfDictionary', (x) => parseSfDictionary(x as string)],
  ['parseSfItem', (x) => parseSfItem(x as string)],
  ['parseSfInnerList', (x) => parseSfInnerList(x as string)],
  ['decodeConfigSecret', (x) => decodeConfigSecret(x as string)],
  // Paths arrive in tool-call arguments: any JSON value.
  ['safeFileName', (x) => safeFileName(x as string)],
  ['safeJoin (user path)', (x) => safeJoin('/srv/files', x as string)],
  ['loadSecurityConfig (env)', (x) => loadSecurityConfig(x as never, { required: [] })],
  [
    'loadSecurityConfig (each variable)',
    (x) =>
      loadSecurityConfig(
        { JWT_SECRET_KEY: x, ENCRYPTION_PREVIOUS_KEYS: x, CORS_ORIGINS: x } as never,
        { required: [] },
      ),
  ],
  ['verifyAuditChain', (x) => verifyAuditChain(x as never)],
  ['verifyAuditChain (each event)', (x) => verifyAuditChain([x, x] as never)],
  ['verifyContentDigest (field)', (x) => verifyContentDigest(x as string, 'body')],
  ['readEnvelopeKeyId', (x) => readEnvelopeKeyId(x as Uint8Array)],
  ['evaluateRetention', (x) => evaluateRetention(x as never, policy, Date.UTC(2026, 0, 1))],
  [
    'evaluateRetention (each field)',
    (x) =>
      evaluateRetention(
        { dataClass: 'b', createdAt: x, legalHold: x, anonymizedAt: x } as never,
        policy,
        Date.UTC(2026, 0, 1),
      ),
  ],
  ['parseJsonWithLimits', (x) => parseJsonWithLimits(x as Uint8Array)],
];

// Verifiers and parsers that answer a plain value instead of a Result: they must not throw.
const SYNC_PLAIN: readonly [string, (x: unknown) => unknown][] = [
  ['parseLegacyTimestamp', (x) => parseLegacyTimestamp(x as string)],
  ['isEncryptedMessage', (x) => isEncryptedMessage(x as never)],
  ['isValidKeyId', (x) => isValidKeyId(x as string)],
];

const ASYNC: readonly [string, (x: unknown) => Promise<unknown>][] = [
  ['tokens.verify', (x) => tokens.verify(x as string)],
  ['apiKeys.verify', (x) => apiKeys.verify(x as string)],
  ['verifyApiKey', (x) => verifyApiKey(x, store)],
  ['requests.verify', (x) => requests.verify(x as never)],
  [
    'requests.verify (each field)',
    (x) => requests.verify({ method: x, url: x, headers: x, body: x } as never),
  ],
  ['webhooks.verify', (x) => webhooks.verify(x as never, { now: 0 })],
  ['webhooks.verify (each field)', (x) => webhooks.verify({ headers: x, body: x } as never)],
  ['legacy.verify', (x) => legacy.verify(x as never)],
  [
    'legacy.verify (each field)',
    (x) => legacy.verify({ method: x, url: x, headers: x, body: x } as never),
  ],
  ['fernetDecrypt', (x) => fernetDecrypt(x as string, fernetKey)],
  ['fernetDecryptText', (x) => fernetDecryptText(x as string, fernetKey, { ttl: 60 })],
  ['decryptWithPassword', (x) => decryptWithPassword(x as Uint8Array, 'pw')],
  ['keyring.decrypt', (x) => keyring.decrypt(x as Uint8Array)],
  ['keyring.decryptText', (x) => keyring.decryptText(x as string)],
  ['decryptMessages', (x) => decryptMessages(x as never, keyring, { conversationId: 'c' })],
  [
    'decryptMessages (each message)',
    (x) =>
      decryptMessages([x, { role: 'user', content: x }] as never, keyring, {
        conversationId: 'c',
      }),
  ],
  ['decryptGuideMessages', (x) => decryptGuideMessages(x as never, fernetKey)],
  [
    'decryptGuideMessages (each message)',
    (x) => decryptGuideMessages([x, { role: 'user', content: x }] as never, fernetKey),
  ],
];

describe('fuzz: every verifier and parser returns a result for any input', () => {
  for (const [name, call] of SYNC) {
    it(name, () => {
      fc.assert(
        fc.property(untrusted, (x) => expectResult(call(x))),
        RUNS,
      );
    });
  }
  for (const [name, call] of SYNC_PLAIN) {
    it(`${name} (plain answer)`, () => {
      fc.assert(
        fc.property(untrusted, (x) => {
          call(x);
        }),
        RUNS,
      );
    });
  }
  for (const [name, call] of ASYNC) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(untrusted, async (x) => expectResult(await call(x))),
        RUNS,
      );
    });
  }
});

/**
 * A developer argument of the wrong type is a misconfiguration: the call either works or
 * throws a TypeError/RangeError whose message names the function (a fix-it message), never a
 * stray "cannot read properties of undefined".
 */
async function expectResultOrFixIt(where: string, call: () => unknown): Promise<void> {
  let out: unknown;
  try {
    out = await call();
  } catch (error) {
    expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
    expect((error as Error).message.startsWith(`${where}: `)).toBe(true);
    return;
  }
  expectResult(out);
}

const developer = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.record(
    {
      ttl: fc.anything({ maxDepth: 0 }),
      clockSkew: fc.anything({ maxDepth: 0 }),
      now: fc.anything({ maxDepth: 0 }),
      maxIterations: fc.anything({ maxDepth: 0 }),
      maxScryptMemory: fc.anything({ maxDepth: 0 }),
      maxScryptWork: fc.anything({ maxDepth: 0 }),
      mode: fc.anything({ maxDepth: 0 }),
      required: fc.anything({ maxDepth: 1 }),
      startAfter: fc.anything({ maxDepth: 0 }),
      lastHash: fc.anything({ maxDepth: 0 }),
    },
    { requiredKeys: [] },
  ),
);

describe('fuzz: wrong types for the developer arguments', () => {
  it('verifyContentDigest body (checked against a well-formed sha-256 field)', async () => {
    // A field of the right length, so the body is really hashed (a short one stops at
    // DIGEST_MALFORMED before the body is read).
    const field = `sha-256=:${btoa(String.fromCharCode(...new Uint8Array(32)))}:`;
    await fc.assert(
      fc.asyncProperty(fc.anything({ maxDepth: 2 }), (x) =>
        expectResultOrFixIt('verifyContentDigest', () => verifyContentDigest(field, x as string)),
      ),
      RUNS,
    );
    expect(verifyContentDigest(field, 'body')).toMatchObject({
      ok: false,
      error: { code: 'DIGEST_MISMATCH' },
    });
  });

  it('fernetDecrypt options', async () => {
    const token =
      'gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==';
    await fc.assert(
      fc.asyncProperty(developer, async (o) =>
        expectResultOrFixIt('fernetDecrypt', () => fernetDecrypt(token, fernetKey, o as never)),
      ),
      RUNS,
    );
  });

  it('decryptWithPassword password and options', async () => {
    const sealed = new Uint8Array([2, 1, 0xff, 0xff, 0xff, 0xff, 16, ...new Uint8Array(44)]);
    await fc.assert(
      fc.asyncProperty(untrusted, developer, async (pw, o) =>
        expectResultOrFixIt('decryptWithPassword', () =>
          decryptWithPassword(sealed, pw as string, o as never),
        ),
      ),
      RUNS,
    );
  });

  it('loadSecurityConfig options', async () => {
    await fc.assert(
      fc.asyncProperty(untrusted, developer, async (env, o) =>
        expectResultOrFixIt('loadSecurityConfig', () =>
          loadSecurityConfig(env as never, o as never),
        ),
      ),
      RUNS,
    );
  });

  it('verifyAuditChain options', async () => {
    await fc.assert(
      fc.asyncProperty(untrusted, developer, async (events, o) =>
        expectResultOrFixIt('verifyAuditChain', () =>
          verifyAuditChain(events as never, o as never),
        ),
      ),
      RUNS,
    );
  });
});

describe('a __proto__ key in untrusted headers is just a name', () => {
  it('reads the other headers and changes no prototype', async () => {
    const headers = JSON.parse(
      '{"__proto__":{"webhook-id":"x"},"webhook-timestamp":"1","webhook-signature":"v1,AA=="}',
    );
    const r = await webhooks.verify({ headers, body: '' }, { now: 0 });
    // The id inside __proto__ is not read as the webhook-id header.
    expect(r).toMatchObject({ ok: false, error: { code: 'SIGNATURE_MISSING' } });
    expect(({} as Record<string, unknown>)['webhook-id']).toBeUndefined();
  });
});
