// Issue 19: a numeric option that is NaN, infinite or a string turns every comparison against
// a clock or a size into "false", which switches the check off. Every factory and call that
// takes one refuses it where it is configured, with a message naming the function and option.
import { describe, expect, it } from 'vitest';
import { createBatchingSink } from './audit/create-batching-sink.js';
import { deriveSubkey } from './crypto/derive-subkey.js';
import { encryptMessages } from './crypto/encrypt-messages.js';
import { deriveGuideFernetKey } from './crypto/fernet.js';
import { createKeyring } from './crypto/keyring.js';
import { createCors } from './headers/cors.js';
import { parseJsonWithLimits } from './input/json-limits.js';
import { checkMetadataBounds, createMessageSchema } from './input/message-schema.js';
import { createMemoryKeyStore } from './keys/memory-key-store.js';
import { createApiKeyVerifier } from './keys/verify-api-key.js';
import { createContentFilter, promptInjectionDetector } from './moderation/content-filter.js';
import { createMemoryDataTarget } from './privacy/memory-data-target.js';
import { defineRetentionPolicy, evaluateRetention } from './privacy/retention.js';
import { sweepRetention } from './privacy/sweep-retention.js';
import { createMemoryRateLimiter } from './ratelimit/limiter.js';
import { createMemoryRateLimitStore } from './ratelimit/memory-store.js';
import { createIncrementalRedactor } from './redact/stream.js';
import { createBanManager } from './shield/bans.js';
import { createClientIpResolver } from './shield/client-ip.js';
import { shield } from './shield/rule.js';
import { createMemoryNonceStore } from './signing/nonce-store.js';
import { createLegacySignatureVerifier } from './signing/verify-legacy-signature.js';
import { createRequestVerifier } from './signing/verify-request.js';
import { createWebhookVerifier } from './signing/webhooks.js';
import { createTokenIssuer } from './tokens/create-token-issuer.js';
import { createTokenVerifier } from './tokens/create-token-verifier.js';
import { createMemoryRevocationStore } from './tokens/revocation-store.js';

const BAD: readonly [string, unknown][] = [
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['a numeric string', '60'],
];
const secret = new Uint8Array(32).fill(5);
const policy = defineRetentionPolicy({ classes: { a: { days: 1, action: 'delete' } } });
const keyring = createKeyring({ keys: [{ id: 'k', key: secret }] });

// [where, option, call with the option set to the bad value]
const CONFIGURED: readonly [string, string, (bad: never) => unknown][] = [
  [
    'createTokenVerifier',
    'clockTolerance',
    (b) => createTokenVerifier({ keys: [{ alg: 'HS256', secret }], clockTolerance: b }),
  ],
  [
    'createTokenVerifier',
    'maxAge',
    (b) => createTokenVerifier({ keys: [{ alg: 'HS256', secret }], maxAge: b }),
  ],
  [
    'createTokenVerifier',
    'maxTokenLength',
    (b) => createTokenVerifier({ keys: [{ alg: 'HS256', secret }], maxTokenLength: b }),
  ],
  [
    'createTokenVerifier',
    'claimsCacheSize',
    (b) => createTokenVerifier({ keys: [{ alg: 'HS256', secret }], claimsCacheSize: b }),
  ],
  [
    'createTokenIssuer',
    'expiresIn',
    (b) => createTokenIssuer({ key: { alg: 'HS256', secret }, expiresIn: b }),
  ],
  [
    'createMemoryRevocationStore',
    'maxEntries',
    (b) => createMemoryRevocationStore({ maxEntries: b }),
  ],
  ['createMemoryKeyStore', 'maxEntries', (b) => createMemoryKeyStore({ maxEntries: b })],
  ['createMemoryKeyStore', 'retainExpiredMs', (b) => createMemoryKeyStore({ retainExpiredMs: b })],
  ['createMemoryNonceStore', 'maxEntries', (b) => createMemoryNonceStore({ maxEntries: b })],
  [
    'createRequestVerifier',
    'maxAge',
    (b) =>
      createRequestVerifier({
        keys: [{ keyid: 'k', algorithm: 'hmac-sha256', secret }],
        maxAge: b,
      }),
  ],
  [
    'createRequestVerifier',
    'maxSignatures',
    (b) =>
      createRequestVerifier({
        keys: [{ keyid: 'k', algorithm: 'hmac-sha256', secret }],
        maxSignatures: b,
      }),
  ],
  [
    'createWebhookVerifier',
    'tolerance',
    (b) =>
      createWebhookVerifier({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', tolerance: b }),
  ],
  [
    'createLegacySignatureVerifier',
    'maxAge',
    (b) => createLegacySignatureVerifier({ secret: 's', maxAge: b }),
  ],
  ['createMemoryRateLimitStore', 'maxKeys', (b) => createMemoryRateLimitStore({ maxKeys: b })],
  [
    'createMemoryRateLimiter',
    'limit',
    (b) => createMemoryRateLimiter({ name: 'n', policy: { limit: b, windowMs: 1000 } }),
  ],
  [
    'createMemoryRateLimiter',
    'windowMs',
    (b) => createMemoryRateLimiter({ name: 'n', policy: { limit: 5, windowMs: b } }),
  ],
  ['createBanManager', 'threshold', (b) => createBanManager({ threshold: b })],
  ['createBanManager', 'windowMs', (b) => createBanManager({ windowMs: b })],
  ['createBanManager', 'banMs', (b) => createBanManager({ banMs: b })],
  ['shield', 'burst.limit', (b) => shield({ burst: { limit: b } })],
  ['shield', 'burst.windowMs', (b) => shield({ burst: { windowMs: b } })],
  ['createClientIpResolver', 'ipv4Prefix', (b) => createClientIpResolver({ ipv4Prefix: b })],
  [
    'createContentFilter',
    'timeoutMs',
    (b) =>
      createContentFilter({
        provider: {
          name: 'p',
          check: async () => ({ flagged: false, categories: [], scores: {} }),
        },
        onProviderError: 'allow',
        timeoutMs: b,
      } as never),
  ],
  ['promptInjectionDetector', 'threshold', (b) => promptInjectionDetector({ threshold: b })],
  [
    'createBatchingSink',
    'maxBatchSize',
    (b) => createBatchingSink({ send: async () => {}, maxBatchSize: b }),
  ],
  [
    'createBatchingSink',
    'maxBufferSize',
    (b) => createBatchingSink({ send: async () => {}, maxBufferSize: b }),
  ],
  [
    'createBatchingSink',
    'maxDelayMs',
    (b) => createBatchingSink({ send: async () => {}, maxDelayMs: b }),
  ],
  ['createCors', 'maxAge', (b) => createCors({ origins: ['https://a.example'], maxAge: b })],
  [
    'createIncrementalRedactor',
    'maxHoldBack',
    (b) => createIncrementalRedactor({ maxHoldBack: b }),
  ],
  ['createMessageSchema', 'maxLength', (b) => createMessageSchema({ maxLength: b })],
  ['checkMetadataBounds', 'maxDepth', (b) => checkMetadataBounds({}, { maxDepth: b })],
  [
    'parseJsonWithLimits',
    'maxBytes',
    (b) => parseJsonWithLimits(new Uint8Array(2), { maxBytes: b }),
  ],
  ['deriveSubkey', 'length', (b) => deriveSubkey(secret, 'info', { length: b })],
  [
    'encryptMessages',
    'startIndex',
    (b) => encryptMessages([], keyring, { conversationId: 'c', startIndex: b }),
  ],
  [
    'createMemoryDataTarget',
    'maxRecords',
    (b) => createMemoryDataTarget({ name: 'n', maxRecords: b }),
  ],
  [
    'evaluateRetention',
    'now',
    (b) => evaluateRetention({ dataClass: 'a', createdAt: 0 }, policy, b),
  ],
  [
    'sweepRetention',
    'now',
    (b) => sweepRetention(createMemoryDataTarget({ name: 'n' }), policy, { now: b }),
  ],
  [
    'sweepRetention',
    'batchSize',
    (b) => sweepRetention(createMemoryDataTarget({ name: 'n' }), policy, { batchSize: b }),
  ],
  [
    'deriveGuideFernetKey',
    'iterations',
    (b) => deriveGuideFernetKey('pw', secret, { iterations: b }),
  ],
];

// Per-call `now`: a NaN clock makes every token, signature and key look current.
const tokens = createTokenVerifier({ keys: [{ alg: 'HS256', secret }] });
const issuer = createTokenIssuer({ key: { alg: 'HS256', secret } });
const bans = createBanManager();
const limiter = createMemoryRateLimiter({ name: 'n', policy: { limit: 5, windowMs: 1000 } });
const apiKeys = createApiKeyVerifier({ store: createMemoryKeyStore() });
const webhooks = createWebhookVerifier({
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  nonceStore: null,
});
const requests = createRequestVerifier({
  keys: [{ keyid: 'k', algorithm: 'hmac-sha256', secret }],
});
const legacy = createLegacySignatureVerifier({ secret: 's' });
const PER_CALL: readonly [string, (bad: never) => unknown][] = [
  ['verify', async (b) => tokens.verify(await issuer.issue({ sub: 'a' }), { now: b })],
  ['issue', (b) => issuer.issue({ sub: 'a' }, { now: b })],
  ['verify', (b) => apiKeys.verify('sk_x', { now: b })],
  ['verify', (b) => webhooks.verify({ headers: {}, body: '' }, { now: b })],
  [
    'verify',
    (b) => requests.verify({ method: 'GET', url: 'https://a.example/', headers: {} }, { now: b }),
  ],
  [
    'verify',
    (b) =>
      legacy.verify(
        {
          method: 'GET',
          url: '/',
          headers: { 'x-signature': 'AAAA', 'x-timestamp': '2026-01-01T00:00:00Z' },
          body: '',
        },
        { now: b },
      ),
  ],
  ['limit', (b) => limiter.limit('k', { now: b })],
  ['isBanned', (b) => bans.isBanned('k', b)],
  ['recordFailure', (b) => bans.recordFailure('k', b)],
  ['evaluateRetention', (b) => evaluateRetention({ dataClass: 'a', createdAt: 0 }, policy, b)],
];

async function thrown(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('numeric options are finite and in range, or refused where configured', () => {
  for (const [where, option, call] of CONFIGURED) {
    it(`${where}: ${option}`, async () => {
      for (const [, bad] of BAD) {
        const error = await thrown(() => call(bad as never));
        expect(error, `${where} ${option}=${String(bad)}`).toBeInstanceOf(Error);
        expect(error instanceof TypeError || error instanceof RangeError).toBe(true);
        expect((error as Error).message).toContain(option.split('.').pop()!);
      }
    });
  }
  for (const [index, [, call]] of PER_CALL.entries()) {
    it(`per-call now #${index}`, async () => {
      for (const [, bad] of BAD) {
        if (bad === null) continue;
        const error = await thrown(() => call(bad as never));
        expect(error, `now=${String(bad)}`).toBeInstanceOf(Error);
        expect((error as Error).message).toContain('now');
      }
    });
  }
});
