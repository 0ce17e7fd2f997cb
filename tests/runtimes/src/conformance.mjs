// Conformance checks over the BUILT @jaf-sec/core, imported by package name as a user would.
// Plain ESM with no runtime-specific API, so the same file runs on Node, Bun, Deno and, bundled,
// in workerd. `runConformance()` never throws: it returns one { name, ok, detail } per check.
// Time is fixed per check (`now`), never read from the clock.
import {
  API_KEY_MESSAGES,
  bridgeWebRequest,
  buildRateLimitHeaders,
  clientIp,
  createAuditLog,
  createBanManager,
  createContentDigest,
  createCors,
  createKeyring,
  createMemoryKeyStore,
  createMemoryRateLimiter,
  createRedactionVault,
  createRedactor,
  createSecurity,
  createTokenIssuer,
  createTokenVerifier,
  defineRoles,
  deriveSubkey,
  detect,
  fernetDecryptText,
  fernetEncrypt,
  generateApiKey,
  generateKey,
  hashApiKey,
  hasPermission,
  issueApiKey,
  parseApiKey,
  protectBridged,
  redact,
  requirePermission,
  securityHeaders,
  shield,
  signRequest,
  signWebhook,
  unredact,
  verifyApiKey,
  verifyAuditChain,
  verifyContentDigest,
  verifyRequest,
  verifyWebhook,
  verifyWebhookRule,
} from '@jaf-sec/core';
import { authenticate } from '@jaf-sec/core/protect';
import fernetSpec from '../../../packages/core/test-vectors/fernet-spec.json' with { type: 'json' };
import rfc7515 from '../../../packages/core/test-vectors/rfc7515-a1-hs256.json' with {
  type: 'json',
};
import rfc9421 from '../../../packages/core/test-vectors/rfc9421-b25-hmac-sha256.json' with {
  type: 'json',
};
import rfc9530 from '../../../packages/core/test-vectors/rfc9530-content-digest.json' with {
  type: 'json',
};
import webhooks from '../../../packages/core/test-vectors/standard-webhooks.json' with {
  type: 'json',
};

/** The capabilities the issue lists; every one must have at least one check. */
export const CAPABILITIES = [
  'tokens',
  'keys',
  'rbac',
  'protect',
  'redact',
  'signing',
  'webhooks',
  'crypto',
  'ratelimit',
  'shield',
  'headers',
  'audit',
];

const NOW = Date.UTC(2026, 0, 1);
const enc = new TextEncoder();

class CheckFailed extends Error {}
function assert(condition, message) {
  if (!condition) throw new CheckFailed(message);
}
function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new CheckFailed(`${what}: expected ${e}, got ${a}`);
}
const codeOf = (r) => (r.ok ? 'OK' : r.error.code);
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const b64url = (text) =>
  btoa(String.fromCharCode(...enc.encode(text)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const headerReader = (record) => new Headers(record);

const checks = [];
const check = (capability, name, fn) => checks.push({ capability, name, fn });

// ---------------------------------------------------------------------------------- tokens
check('tokens', 'RFC 7515 A.1 HS256 token verifies before exp, expires at exp', async () => {
  const k = rfc7515.jwk.k.replace(/-/g, '+').replace(/_/g, '/');
  const secret = fromBase64(k + '='.repeat((4 - (k.length % 4)) % 4));
  const verifier = createTokenVerifier({ keys: [{ alg: 'HS256', secret }], issuer: 'joe' });
  const exp = 1300819380 * 1000;
  const r = await verifier.verify(rfc7515.jws_compact, { now: exp - 1000 });
  eq(
    r.ok && r.value.claims,
    { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true },
    'claims',
  );
  eq(codeOf(await verifier.verify(rfc7515.jws_compact, { now: exp })), 'TOKEN_EXPIRED', 'at exp');
  const [h, p] = rfc7515.jws_compact.split('.');
  const none = `${b64url('{"alg":"none"}')}.${p}.`;
  eq(codeOf(await verifier.verify(none, { now: exp - 1000 })), 'TOKEN_ALG_NOT_ALLOWED', 'alg none');
  const flipped = `${h}.${p}.eBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk`;
  eq(
    codeOf(await verifier.verify(flipped, { now: exp - 1000 })),
    'TOKEN_SIGNATURE_INVALID',
    'bitflip',
  );
});

// RFC 4231's keys (20 and 4 bytes) are below every public minimum (HS256 and peppers take 32,
// pseudonym keys 16) and no public function MACs raw data, so its vectors stay with core's own
// test of the internal primitive. The public HMAC paths are pinned here by the exact
// published outputs of RFC 7515, RFC 9421 B.2.5, Standard Webhooks and Fernet; SHA-256 by the
// FIPS 180-2 "abc" value through hashApiKey (plain SHA-256 without a pepper).
check('tokens', 'HS256 issue/verify round trip; a key one bit off is refused', async () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i);
  const issuer = createTokenIssuer({ key: { alg: 'HS256', secret: key }, expiresIn: 60 });
  const token = await issuer.issue({ sub: 'u-hs' }, { now: NOW });
  const ok = await createTokenVerifier({ keys: [{ alg: 'HS256', secret: key }] }).verify(token, {
    now: NOW,
  });
  eq(ok.ok && ok.value.claims.sub, 'u-hs', 'sub');
  const other = key.slice();
  other[0] ^= 1;
  const bad = await createTokenVerifier({ keys: [{ alg: 'HS256', secret: other }] }).verify(token, {
    now: NOW,
  });
  eq(codeOf(bad), 'TOKEN_SIGNATURE_INVALID', 'wrong key');
});

check(
  'keys',
  'hashApiKey: FIPS 180-2 SHA-256("abc"); peppered hashes differ and need 32 bytes',
  () => {
    eq(
      hashApiKey('abc'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      'sha-256 abc',
    );
    const pepper = new Uint8Array(32).fill(7);
    const peppered = hashApiKey('abc', { pepper });
    assert(/^[0-9a-f]{64}$/.test(peppered) && peppered !== hashApiKey('abc'), 'peppered hash');
    let threw = false;
    try {
      hashApiKey('abc', { pepper: new Uint8Array(8) });
    } catch (error) {
      threw = error instanceof TypeError;
    }
    assert(threw, 'a short pepper is a construction error (TypeError)');
  },
);

check('tokens', 'ES256 issue and verify (Web Crypto keys as JWK)', async () => {
  const { privateJwk, publicJwk } = await es256Pair();
  const issuer = createTokenIssuer({ key: { alg: 'ES256', privateKey: privateJwk } });
  const verifier = createTokenVerifier({ keys: [{ alg: 'ES256', publicKey: publicJwk }] });
  await verifier.ready();
  const token = await issuer.issue({ sub: 'u1', exp: NOW / 1000 + 60 }, { now: NOW });
  const r = await verifier.verify(token, { now: NOW });
  eq(r.ok && r.value.claims.sub, 'u1', 'sub');
  eq(codeOf(await verifier.verify(token, { now: NOW + 61_000 })), 'TOKEN_EXPIRED', 'expired');
  eq(codeOf(await verifier.verify('not.a.token', { now: NOW })), 'TOKEN_MALFORMED', 'malformed');
});

let pairPromise;
function es256Pair() {
  pairPromise ??= (async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    return {
      privateJwk: await crypto.subtle.exportKey('jwk', pair.privateKey),
      publicJwk: await crypto.subtle.exportKey('jwk', pair.publicKey),
    };
  })();
  return pairPromise;
}

/**
 * Which variant of the hashing primitive the build gave this runtime. Observed through the
 * public API: with node:crypto an ES256 key is a KeyObject and `verifySync` answers at once;
 * with the @noble/Web Crypto variant the key is a CryptoKey and `verifySync` hands the token to
 * `verify` (returns undefined). See docs/tokens.md.
 */
export async function detectHashBackend() {
  const { privateJwk, publicJwk } = await es256Pair();
  const issuer = createTokenIssuer({ key: { alg: 'ES256', privateKey: privateJwk } });
  const verifier = createTokenVerifier({ keys: [{ alg: 'ES256', publicKey: publicJwk }] });
  await verifier.ready();
  const token = await issuer.issue({ sub: 'probe', exp: NOW / 1000 + 60 }, { now: NOW });
  const sync = verifier.verifySync(token, { now: NOW });
  if (sync === undefined) return 'noble';
  return sync.ok ? 'node' : `unexpected:${sync.error.code}`;
}

// ------------------------------------------------------------------------------------ keys
check('keys', 'issue, verify with scopes, refuse a typo and an unknown key', async () => {
  const store = createMemoryKeyStore();
  const { key } = await issueApiKey(store, {
    owner: 'svc',
    scopes: ['analytics:view'],
    environment: 'test',
    maxUses: 2,
  });
  const r = await verifyApiKey(key, store, { requiredScopes: ['analytics:view'] });
  eq(r.ok && r.value.owner, 'svc', 'owner');
  const scoped = await verifyApiKey(key, store, { requiredScopes: ['system:admin'] });
  assert(!scoped.ok, 'a missing scope must be refused');
  const typo = key.slice(0, -1) + (key.endsWith('x') ? 'y' : 'x');
  eq(codeOf(await verifyApiKey(typo, store)), 'API_KEY_MALFORMED', 'typo');
  const stranger = generateApiKey({ environment: 'test' }).key;
  const unknown = await verifyApiKey(stranger, store);
  assert(!unknown.ok && unknown.error.code in API_KEY_MESSAGES, `unknown: ${codeOf(unknown)}`);
  const parsed = parseApiKey(generateApiKey({ prefix: 'acme', environment: 'live' }).key, {
    prefix: 'acme',
  });
  eq(parsed.ok && parsed.value.environment, 'live', 'parse');
});

// ------------------------------------------------------------------------------------ rbac
check('rbac', 'roles with inheritance, wildcards and deny; permission queries', () => {
  const roles = defineRoles({
    viewer: ['docs:read'],
    editor: { inherits: ['viewer'], permissions: ['docs:*'], deny: ['docs:delete'] },
    owner: { inherits: ['editor'], permissions: ['billing:manage'] },
  });
  eq(roles.can({ roles: ['editor'] }, 'docs:write'), true, 'editor docs:write');
  eq(roles.can({ roles: ['owner'] }, 'docs:delete'), false, 'inherited deny');
  eq(roles.can({ roles: ['ghost'] }, 'docs:read'), false, 'unknown role');
  eq(hasPermission(['chat:*'], 'chat:advanced'), true, 'wildcard');
  eq(hasPermission(['chat:basic'], { all: ['chat:basic', 'analytics:view'] }), false, 'all');
  eq(hasPermission(['analytics:view'], { any: ['system:admin', 'analytics:view'] }), true, 'any');
});

// --------------------------------------------------------------------------------- protect
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
check(
  'protect',
  'authenticate + requirePermission: 401, 403, 200 through bridgeWebRequest',
  async () => {
    const secret = enc.encode('0123456789abcdef0123456789abcdef');
    const security = createSecurity({
      rules: [
        authenticate({ jwt: { keys: [{ alg: 'HS256', secret }] } }),
        requirePermission('chat:basic'),
      ],
      clock: () => NOW,
    });
    const issuer = createTokenIssuer({ key: { alg: 'HS256', secret }, expiresIn: 60 });
    const run = async (token) => {
      const headers = token ? { authorization: `Bearer ${token}` } : {};
      const req = new Request('https://api.example.test/chat', { method: 'POST', headers });
      return protectBridged(security, bridgeWebRequest(req, { bodyLimit: 1024 }));
    };
    const none = await run();
    eq([none.status, none.code], [401, 'AUTH_MISSING'], 'no credentials');
    const weak = await run(
      await issuer.issue({ sub: 'u', permissions: ['docs:read'] }, { now: NOW }),
    );
    eq([weak.status, weak.code], [403, 'INSUFFICIENT_PERMISSIONS'], 'no permission');
    const good = await run(await issuer.issue({ sub: 'u', permissions: ['chat:*'] }, { now: NOW }));
    eq([good.allowed, good.principal?.id], [true, 'u'], 'allowed');
  },
);

check(
  'protect',
  'body rule (verifyWebhookRule): signed body allowed, tampered 401, over limit 413',
  async () => {
    const now = NOW;
    const security = createSecurity({
      rules: [verifyWebhookRule({ secret: WEBHOOK_SECRET, parse: 'json' })],
      clock: () => now,
    });
    const body = '{"event":"ping","n":1}';
    const signed = signWebhook(
      { id: 'msg_1', timestamp: now / 1000, payload: body },
      WEBHOOK_SECRET,
    );
    const run = (payload, headers, bodyLimit = 1024) =>
      protectBridged(
        security,
        bridgeWebRequest(
          new Request('https://api.example.test/hooks', { method: 'POST', headers, body: payload }),
          { bodyLimit },
        ),
      );
    const ok = await run(body, signed);
    eq([ok.allowed, ok.state.webhook?.payload], [true, { event: 'ping', n: 1 }], 'signed');
    const resigned = signWebhook(
      { id: 'msg_2', timestamp: now / 1000, payload: body },
      WEBHOOK_SECRET,
    );
    const tampered = await run(body.replace('1', '2'), resigned);
    eq([tampered.allowed, tampered.status], [false, 401], 'tampered');
    const again = signWebhook(
      { id: 'msg_3', timestamp: now / 1000, payload: body },
      WEBHOOK_SECRET,
    );
    const big = await run(body, again, 8);
    eq([big.status, big.code], [413, 'BODY_TOO_LARGE'], 'over the body limit');
  },
);

// ---------------------------------------------------------------------------------- redact
check('redact', 'detect, tag, mask, last4, keyed pseudonyms and the vault', () => {
  eq(
    detect('mail me: ana@example.com'),
    [{ type: 'EMAIL', start: 9, end: 24, value: 'ana@example.com' }],
    'detect',
  );
  eq(
    redact('mail ana@example.com, card 4111 1111 1111 1111'),
    'mail [EMAIL], card [CREDIT_CARD]',
    'tag',
  );
  eq(
    redact('card 4111 1111 1111 1111', { strategy: 'last4' }),
    'card **** **** **** 1111',
    'last4',
  );
  const key = new Uint8Array(32).fill(9);
  const pseudo = createRedactor({ strategy: 'pseudonym', pseudonymKey: key });
  const a = pseudo.redact('card 4111 1111 1111 1111');
  eq(a, pseudo.redact('card 4111111111111111'), 'pseudonym is stable');
  assert(/^card \[CREDIT_CARD_[0-9a-f]+\]$/.test(a), `pseudonym shape: ${a}`);
  const vault = createRedactionVault({ maxEntries: 10 });
  const safe = redact('write to ana@example.com', { strategy: 'vault', vault });
  eq(safe, 'write to [EMAIL_1]', 'vault');
  eq(unredact('I wrote to [EMAIL_1].', vault), 'I wrote to ana@example.com.', 'unredact');
});

// --------------------------------------------------------------------------------- signing
check('signing', 'RFC 9421 B.2.5: signs to the published signature and verifies it', async () => {
  const v = rfc9421;
  const secret = fromBase64(v.shared_secret.value);
  const url = `https://${v.request.authority}${v.request.target}`;
  const now = v.signature_params.created * 1000;
  const headers = await signRequest(
    { method: v.request.method, url, headers: v.request.headers, body: v.request.body },
    {
      key: { keyid: v.shared_secret.keyid, algorithm: 'hmac-sha256', secret },
      label: v.label,
      components: v.covered_components,
      nonce: false,
      contentDigest: false,
      now,
    },
  );
  eq(
    [headers['signature-input'], headers.signature],
    [v.signature_input_header, v.signature_header],
    'signature',
  );
  const policy = {
    keys: [{ keyid: v.shared_secret.keyid, algorithm: 'hmac-sha256', secret }],
    requiredComponents: ['@authority'],
    requireNonce: false,
    requireContentDigest: false,
    now,
  };
  const request = (sig) => ({
    method: v.request.method,
    url,
    headers: { ...v.request.headers, 'Signature-Input': v.signature_input_header, Signature: sig },
    body: v.request.body,
  });
  eq((await verifyRequest(request(v.signature_header), policy)).ok, true, 'verifies');
  const flipped = v.signature_header.replace(/:(.)/, (_, c) => `:${c === 'A' ? 'B' : 'A'}`);
  assert(!(await verifyRequest(request(flipped), policy)).ok, 'a changed signature is refused');
});

check('signing', 'RFC 9530 Content-Digest vectors', () => {
  for (const vec of rfc9530.vectors) {
    const field = vec.field.replace(/^Content-Digest: /, '');
    const alg = field.startsWith('sha-512') ? 'sha-512' : 'sha-256';
    eq(createContentDigest(vec.content_utf8, [alg]), field, vec.id);
    const r = verifyContentDigest(field, enc.encode(vec.content_utf8));
    eq(r.ok && r.value.algorithms, [alg], `${vec.id} verify`);
    assert(!verifyContentDigest(field, enc.encode(`${vec.content_utf8}x`)).ok, `${vec.id} tamper`);
  }
});

// -------------------------------------------------------------------------------- webhooks
check(
  'webhooks',
  'Standard Webhooks vectors: sign exactly, verify, refuse foreign signatures',
  async () => {
    const vectors = webhooks.vectors;
    const fixed = vectors.find((x) => x.id === 'sign-fixed');
    for (const id of ['sign-fixed', 'secret-without-prefix']) {
      const vec = vectors.find((x) => x.id === id);
      const h = signWebhook(
        { id: vec.msg_id, timestamp: vec.timestamp, payload: vec.payload },
        vec.secret,
      );
      eq(h['webhook-signature'], vec.expected_signature, id);
    }
    const headersFor = (signature) => ({
      'webhook-id': fixed.msg_id,
      'webhook-timestamp': String(fixed.timestamp),
      'webhook-signature': signature,
    });
    const at = (headers, vec = fixed) =>
      verifyWebhook(
        { headers, body: vec.payload ?? fixed.payload },
        { secret: vec.secret ?? fixed.secret, now: fixed.timestamp * 1000, nonceStore: null },
      );
    const ok = await at(headersFor(fixed.expected_signature));
    eq(ok.ok && ok.value.id, fixed.msg_id, 'verify');
    for (const id of ['invalid-signature-last-char', 'foreign-signature']) {
      const vec = vectors.find((x) => x.id === id);
      eq(codeOf(await at(headersFor(vec.signature_header), vec)), 'SIGNATURE_MISMATCH', id);
    }
    const multi = vectors.find((x) => x.id === 'multi-signature-one-valid');
    eq((await at(headersFor(multi.signature_header))).ok, true, 'multi-signature-one-valid');
  },
);

// ---------------------------------------------------------------------------------- crypto
check('crypto', 'Fernet spec vectors: generate byte for byte, verify, refuse invalid', async () => {
  const at = (s) => Date.parse(s);
  for (const v of fernetSpec.generate) {
    const token = await fernetEncrypt(v.src, v.secret, {
      now: at(v.now),
      iv: new Uint8Array(v.iv),
    });
    eq(token, v.token, `generate ${v.src}`);
  }
  for (const v of fernetSpec.verify) {
    const opened = await fernetDecryptText(v.token, v.secret, { ttl: v.ttl_sec, now: at(v.now) });
    eq(opened, { ok: true, value: v.src }, `verify ${v.src}`);
  }
  for (const v of fernetSpec.invalid) {
    const opened = await fernetDecryptText(v.token, v.secret, { ttl: v.ttl_sec, now: at(v.now) });
    assert(!opened.ok && /^FERNET_[A-Z_]+$/.test(opened.error.code), `invalid ${v.desc}`);
  }
});

check('crypto', 'keyring AES-GCM round trip with AAD, rotation, wrong AAD refused', async () => {
  const oldRing = createKeyring({ keys: [{ id: 'k1', key: generateKey() }] });
  const sealed = await oldRing.encryptText('ada@example.com', { aad: 'users/42' });
  eq(
    await oldRing.decryptText(sealed, { aad: 'users/42' }),
    { ok: true, value: 'ada@example.com' },
    'open',
  );
  const wrong = await oldRing.decryptText(sealed, { aad: 'users/43' });
  assert(!wrong.ok, 'a wrong AAD must be refused');
  assert(!JSON.stringify(wrong).includes('ada@'), 'no plaintext in the error');
  const bytes = await oldRing.encrypt(enc.encode('x'), { aad: 'a' });
  const opened = await oldRing.decrypt(bytes, { aad: 'a' });
  eq(opened.ok && new TextDecoder().decode(opened.value), 'x', 'bytes');
});

check('crypto', 'deriveSubkey is deterministic, bound to its info, of the asked length', () => {
  const master = new Uint8Array(32).fill(1);
  const a = deriveSubkey(master, 'tokens/v1');
  const b = deriveSubkey(master, 'tokens/v1');
  const c = deriveSubkey(master, 'redact/v1');
  eq([a.length, hex(a) === hex(b), hex(a) === hex(c)], [32, true, false], 'subkeys');
  eq(deriveSubkey(master, 'tokens/v1', { length: 16 }).length, 16, 'length');
  let threw = false;
  try {
    deriveSubkey(new Uint8Array(8), 'x');
  } catch (error) {
    threw = error instanceof TypeError;
  }
  assert(threw, 'a short master key is a construction error (TypeError)');
});

// ------------------------------------------------------------------------------- ratelimit
check(
  'ratelimit',
  'memory token bucket: allows the limit, denies the next, refills in time',
  () => {
    const limiter = createMemoryRateLimiter({ policy: { limit: 3, windowMs: 60_000 } });
    const seen = [1, 2, 3, 4].map(() => limiter.limit('user:1', { now: NOW }).allowed);
    eq(seen, [true, true, true, false], 'decisions');
    const denied = limiter.limit('user:1', { now: NOW });
    assert(denied.retryAfterMs > 0 && denied.remaining === 0, 'retry-after on a denial');
    eq(limiter.limit('user:2', { now: NOW }).allowed, true, 'keys are separate');
    eq(limiter.limit('user:1', { now: NOW + 60_000 }).allowed, true, 'refilled');
    const headers = buildRateLimitHeaders(denied, ['legacy'], NOW);
    assert(Object.values(headers).includes('0'), `remaining 0 in ${JSON.stringify(headers)}`);
  },
);

// ---------------------------------------------------------------------------------- shield
check('shield', 'client IP behind trusted proxies; deny list and bans in protect', async () => {
  const req = {
    method: 'GET',
    url: 'https://api.example.test/',
    headers: headerReader({ 'x-forwarded-for': '203.0.113.7, 10.0.0.2' }),
    ip: '10.0.0.1',
  };
  eq(clientIp(req, { trustedProxies: ['10.0.0.0/8'] }), '203.0.113.7', 'client ip');
  eq(clientIp(req), '10.0.0.1', 'no trusted proxy: the socket address');
  const bans = createBanManager({ threshold: 2, windowMs: 60_000, banMs: 60_000 });
  const security = createSecurity({
    rules: [shield({ deny: ['198.51.100.0/24'], bans, burst: false })],
    clock: () => NOW,
  });
  const from = (ip) =>
    security.protect({
      method: 'GET',
      url: 'https://api.example.test/',
      headers: headerReader({}),
      ip,
    });
  eq((await from('198.51.100.9')).allowed, false, 'deny list');
  eq((await from('192.0.2.1')).allowed, true, 'allowed address');
  await bans.recordFailure('ip:192.0.2.50', NOW);
  await bans.recordFailure('ip:192.0.2.50', NOW);
  eq((await from('192.0.2.50')).allowed, false, 'banned after two failures');
});

// --------------------------------------------------------------------------------- headers
check('headers', 'security headers with a CSP nonce; CORS allow-list', () => {
  const headers = securityHeaders({ contentSecurityPolicy: { nonce: true } });
  const out = headers.forRequest(true, 'bm9uY2UxMjM0NTY3ODkwMTI=');
  const lower = Object.fromEntries(Object.entries(out).map(([k, v]) => [k.toLowerCase(), v]));
  assert(
    lower['content-security-policy']?.includes("'nonce-bm9uY2UxMjM0NTY3ODkwMTI='"),
    'CSP nonce',
  );
  eq(lower['x-content-type-options'], 'nosniff', 'nosniff');
  const cors = createCors({ origins: ['https://app.example.test'] });
  const from = (origin) =>
    cors.decide({
      method: 'GET',
      headers: headerReader({ origin }),
      origin: 'https://api.example.test',
    });
  const allowed = from('https://app.example.test');
  eq(
    [allowed.kind, allowed.headers['access-control-allow-origin']],
    ['allowed', 'https://app.example.test'],
    'allowed',
  );
  const refused = from('https://evil.example.test');
  eq([refused.kind, refused.code], ['rejected', 'CORS_ORIGIN_NOT_ALLOWED'], 'foreign origin');
});

// ----------------------------------------------------------------------------------- audit
check('audit', 'hash-chained audit log verifies; a tampered event is caught', () => {
  const events = [];
  const audit = createAuditLog({
    sink: (e) => events.push(e),
    app: 'conformance',
    chain: true,
    clock: () => NOW,
  });
  audit.record('authn_login_fail', { account: 'alice', details: { method: 'password' } });
  audit.record('authn_login_success', { principal: 'alice' });
  eq(events.length, 2, 'events written');
  const r = verifyAuditChain(events);
  eq(r.ok && r.value.count, 2, 'chain verifies');
  const tampered = events.map((e, i) => (i === 0 ? { ...e, type: 'authn_login_success' } : e));
  const bad = verifyAuditChain(tampered);
  assert(!bad.ok && /^AUDIT_[A-Z_]+$/.test(bad.error.code), `tampered: ${codeOf(bad)}`);
});

/** Runs every check; never throws. */
export async function runConformance() {
  const results = [];
  for (const { capability, name, fn } of checks) {
    try {
      await fn();
      results.push({ name: `${capability}: ${name}`, capability, ok: true, detail: '' });
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      results.push({ name: `${capability}: ${name}`, capability, ok: false, detail });
    }
  }
  let backend;
  try {
    backend = await detectHashBackend();
  } catch (error) {
    backend = `error:${error instanceof Error ? error.message : String(error)}`;
  }
  return { results, hashBackend: backend };
}
