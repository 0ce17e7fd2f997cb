import v from '@vectors/rfc9421-b25-hmac-sha256.json';
import { describe, expect, it } from 'vitest';
import { decodeBase64 } from '../internal/bytes.js';
import { createMemoryNonceStore } from './nonce-store.js';
import { createRequestSigner, signRequest } from './sign-request.js';
import { createSignatureKey } from './signature-key.js';
import {
  createRequestVerifier,
  type RequestVerifierOptions,
  verifyRequest,
} from './verify-request.js';

const secret = decodeBase64(v.shared_secret.value)!;
const created = v.signature_params.created;
const NOW = created * 1000;
const URL_B2 = `https://${v.request.authority}${v.request.target}`;

const vectorHeaders = (overrides: Record<string, string> = {}) => ({
  ...v.request.headers,
  'Signature-Input': v.signature_input_header,
  Signature: v.signature_header,
  ...overrides,
});

// The B.2.5 signature covers no nonce, no @method and not the body: a policy for the
// vector itself has to allow that (the defaults would refuse it, see the tests below).
const vectorPolicy: RequestVerifierOptions = {
  keys: [{ keyid: v.shared_secret.keyid, algorithm: 'hmac-sha256', secret }],
  requiredComponents: ['@authority'],
  requireNonce: false,
  requireContentDigest: false,
};

const verifyVector = (
  headers: Record<string, string>,
  options: Partial<RequestVerifierOptions> & { now?: number } = {},
  body: string = v.request.body,
  url: string = URL_B2,
) =>
  verifyRequest(
    { method: v.request.method, url, headers, body },
    { ...vectorPolicy, now: NOW, ...options },
  );

describe('RFC 9421 B.2.5 (hmac-sha256)', () => {
  it('signs the test request to exactly the published Signature-Input and Signature', async () => {
    const headers = await signRequest(
      { method: v.request.method, url: URL_B2, headers: v.request.headers, body: v.request.body },
      {
        key: { keyid: v.shared_secret.keyid, algorithm: 'hmac-sha256', secret },
        label: v.label,
        components: v.covered_components,
        nonce: false,
        contentDigest: false,
        now: NOW,
      },
    );
    expect(headers['signature-input']).toBe(v.signature_input_header);
    expect(headers.signature).toBe(v.signature_header);
    expect(headers['content-digest']).toBeUndefined();
  });

  it('verifies the published signature and reports the key and components', async () => {
    const r = await verifyVector(vectorHeaders());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.keyid).toBe('test-shared-secret');
    expect(r.value.signatures[0]).toMatchObject({
      label: 'sig-b25',
      algorithm: 'hmac-sha256',
      created,
      components: ['"date"', '"@authority"', '"content-type"'],
    });
  });

  it('rejects when the Date header changed (date-changed)', async () => {
    const r = await verifyVector(vectorHeaders({ Date: 'Tue, 20 Apr 2021 02:07:56 GMT' }));
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects when the authority changed (authority-changed)', async () => {
    const r = await verifyVector(
      vectorHeaders({ Host: 'example.org' }),
      {},
      v.request.body,
      `https://example.org${v.request.target}`,
    );
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects when a signed header changed (content-type-changed)', async () => {
    const r = await verifyVector(vectorHeaders({ 'Content-Type': 'text/plain' }));
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects a reordered component list (covered-list-reordered)', async () => {
    const input = v.signature_input_header.replace(
      '("date" "@authority" "content-type")',
      '("@authority" "date" "content-type")',
    );
    const r = await verifyVector(vectorHeaders({ 'Signature-Input': input }));
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects a component removed from Signature-Input (component-dropped)', async () => {
    const input = v.signature_input_header.replace(' "content-type"', '');
    const r = await verifyVector(vectorHeaders({ 'Signature-Input': input }));
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
    // And a policy requiring the dropped component names the problem before any crypto.
    const strict = await verifyVector(vectorHeaders({ 'Signature-Input': input }), {
      requiredComponents: ['@authority', 'content-type'],
    });
    expect(strict.ok || strict.error.code).toBe('COMPONENT_NOT_COVERED');
  });

  it('requires content-digest for a body: the B.2.5 signature leaves the body unsigned (body-changed-not-covered)', async () => {
    const tampered = '{"hello": "WORLD"}';
    const lax = await verifyVector(vectorHeaders(), {}, tampered);
    expect(lax.ok).toBe(true); // why the policy matters
    const r = await verifyVector(vectorHeaders(), { requireContentDigest: true }, tampered);
    expect(r.ok || r.error.code).toBe('COMPONENT_NOT_COVERED');
  });

  it('rejects a signature older than max-age (stale-created)', async () => {
    const r = await verifyVector(vectorHeaders(), { maxAge: 300, now: (created + 301) * 1000 });
    expect(r.ok || r.error.code).toBe('SIGNATURE_EXPIRED');
    const edge = await verifyVector(vectorHeaders(), { maxAge: 300, now: (created + 300) * 1000 });
    expect(edge.ok).toBe(true);
  });

  it('rejects created in the future beyond skew (future-created)', async () => {
    const r = await verifyVector(vectorHeaders(), { clockSkew: 300, now: (created - 301) * 1000 });
    expect(r.ok || r.error.code).toBe('SIGNATURE_NOT_YET_VALID');
    const within = await verifyVector(vectorHeaders(), {
      clockSkew: 300,
      now: (created - 300) * 1000,
    });
    expect(within.ok).toBe(true);
  });

  it('rejects under a different key with the same keyid (wrong-key)', async () => {
    const r = await verifyVector(vectorHeaders(), {
      keys: [
        {
          keyid: v.shared_secret.keyid,
          algorithm: 'hmac-sha256',
          secret: new Uint8Array(64).fill(7),
        },
      ],
    });
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects alg="ed25519" on an HMAC key: the algorithm is the key\'s (alg-mismatch)', async () => {
    const input = `${v.signature_input_header};alg="ed25519"`;
    const r = await verifyVector(vectorHeaders({ 'Signature-Input': input }));
    expect(r.ok || r.error.code).toBe('SIGNATURE_ALG_MISMATCH');
  });

  it('rejects a truncated signature (sig-truncated)', async () => {
    const r = await verifyVector(
      vectorHeaders({ Signature: 'sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIG:' }),
    );
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects a Signature whose label does not match Signature-Input (label-mismatch)', async () => {
    const r = await verifyVector(
      vectorHeaders({ Signature: v.signature_header.replace('sig-b25', 'sig-other') }),
    );
    expect(r.ok || r.error.code).toBe('SIGNATURE_MALFORMED');
  });

  it('accepts a nonce once and rejects its replay within the window (nonce-replay)', async () => {
    const key = { keyid: v.shared_secret.keyid, algorithm: 'hmac-sha256' as const, secret };
    const signed = await signRequest(
      { method: 'POST', url: URL_B2, headers: v.request.headers },
      {
        key,
        label: v.label,
        components: v.covered_components,
        nonce: false,
        contentDigest: false,
        now: NOW,
      },
    );
    // Same message with ;nonce="n1": re-sign with the nonce.
    const withNonce = await signRequest(
      { method: 'POST', url: URL_B2, headers: v.request.headers },
      {
        key,
        label: v.label,
        components: v.covered_components,
        contentDigest: false,
        now: NOW,
        nonce: 'n1',
      },
    );
    expect(withNonce['signature-input']).toContain(';nonce="n1"');
    expect(signed['signature-input']).not.toContain('nonce');
    const verifier = createRequestVerifier({
      ...vectorPolicy,
      requireNonce: true,
      nonceStore: createMemoryNonceStore(),
    });
    const request = {
      method: 'POST',
      url: URL_B2,
      headers: { ...v.request.headers, ...withNonce },
      body: v.request.body,
    };
    const first = await verifier.verify(request, { now: NOW });
    expect(first.ok).toBe(true);
    const replay = await verifier.verify(request, { now: NOW + 10_000 });
    expect(replay.ok || replay.error.code).toBe('NONCE_REPLAYED');
    // Without a nonce the policy refuses outright.
    const bare = await verifier.verify(
      { ...request, headers: { ...v.request.headers, ...signed } },
      { now: NOW },
    );
    expect(bare.ok || bare.error.code).toBe('SIGNATURE_PARAMETER_MISSING');
  });
});

// A full policy with defaults: @method @authority @path @query, content-digest, nonce.
const key = createSignatureKey({
  keyid: 'client-1',
  algorithm: 'hmac-sha256',
  secret: new Uint8Array(32).fill(1),
});
const T = Date.UTC(2026, 0, 1);
const signer = createRequestSigner({ key, clock: () => T });
const body = JSON.stringify({ message: 'hello agent' });
const baseRequest = {
  method: 'POST',
  url: 'https://api.example.com/chat?session=42',
  headers: { 'content-type': 'application/json' },
  body,
};

async function signed(over: Partial<typeof baseRequest> = {}) {
  const req = { ...baseRequest, ...over };
  const h = await signer.sign(req);
  return { ...req, headers: { ...req.headers, ...h } };
}

describe('verifyRequest with the default policy', () => {
  const verifier = () => createRequestVerifier({ keys: [key], clock: () => T });

  it('round-trips a signed POST with Content-Digest, nonce and created', async () => {
    const req = await signed();
    expect(req.headers['content-digest']).toMatch(/^sha-256=:/);
    expect(req.headers['signature-input']).toContain(
      '("@method" "@authority" "@path" "@query" "content-type" "content-digest")',
    );
    const r = await verifier().verify(req);
    expect(r.ok).toBe(true);
  });

  it('rejects body tampering through the digest', async () => {
    const req = await signed();
    const r = await verifier().verify({ ...req, body: body.replace('hello', 'HELLO') });
    expect(r.ok || r.error.code).toBe('DIGEST_MISMATCH');
  });

  it('rejects a replayed request inside the window', async () => {
    const req = await signed();
    const ver = verifier();
    expect((await ver.verify(req)).ok).toBe(true);
    const again = await ver.verify(req, { now: T + 60_000 });
    expect(again.ok || again.error.code).toBe('NONCE_REPLAYED');
  });

  it('answers a nonce store, key lookup or body reader that fails with a code, never a throw', async () => {
    const req = await signed();
    const down = {
      remember: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')),
    };
    const r1 = await createRequestVerifier({ keys: [key], nonceStore: down }).verify(req, {
      now: T,
    });
    expect(r1.ok || r1.error.code).toBe('NONCE_STORE_UNAVAILABLE');
    expect(r1.ok || r1.error.message).not.toContain('ECONNREFUSED');
    const throwingKeys = createRequestVerifier({
      keys: () => {
        throw new Error('key store down');
      },
    });
    const r2 = await throwingKeys.verify(req, { now: T });
    expect(r2.ok || r2.error.code).toBe('KEY_UNAVAILABLE');
    const tooLarge = () => Promise.reject(new Error('BODY_TOO_LARGE'));
    const r3 = await verifier().verify({ ...req, body: tooLarge }, { now: T });
    expect(r3.ok || r3.error.code).toBe('BODY_UNAVAILABLE');
  });

  it('fails closed with NONCE_STORE_UNAVAILABLE when the memory store is full of live nonces', async () => {
    const nonceStore = createMemoryNonceStore({ maxEntries: 1 });
    const ver = createRequestVerifier({ keys: [key], nonceStore });
    expect((await ver.verify(await signed(), { now: T })).ok).toBe(true);
    const second = await ver.verify(await signed(), { now: T + 1000 });
    expect(second.ok || second.error.code).toBe('NONCE_STORE_UNAVAILABLE');
    expect(nonceStore.refused).toBe(1);
    // Once the first nonce's window has passed, its slot is free again.
    const laterSigner = createRequestSigner({ key, clock: () => T + 400_000 });
    const laterReq = { ...baseRequest, headers: { ...baseRequest.headers } };
    Object.assign(laterReq.headers, await laterSigner.sign(laterReq));
    expect((await ver.verify(laterReq, { now: T + 400_000 })).ok).toBe(true);
  });

  it('does not burn a nonce when the signature fails', async () => {
    const req = await signed();
    const ver = verifier();
    const forged = await ver.verify({ ...req, method: 'PUT' });
    expect(forged.ok || forged.error.code).toBe('SIGNATURE_MISMATCH');
    expect((await ver.verify(req)).ok).toBe(true);
  });

  it('rejects a changed path or query', async () => {
    const req = await signed();
    const r1 = await verifier().verify({ ...req, url: 'https://api.example.com/admin?session=42' });
    expect(r1.ok || r1.error.code).toBe('SIGNATURE_MISMATCH');
    const r2 = await verifier().verify({ ...req, url: 'https://api.example.com/chat?session=43' });
    expect(r2.ok || r2.error.code).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects an expired signature (past expires) and one created too long ago', async () => {
    const short = createRequestSigner({ key, clock: () => T, expiresIn: 10 });
    const h = await short.sign(baseRequest);
    const req = { ...baseRequest, headers: { ...baseRequest.headers, ...h } };
    const late = await createRequestVerifier({ keys: [key], clockSkew: 0 }).verify(req, {
      now: T + 11_000,
    });
    expect(late.ok || late.error.code).toBe('SIGNATURE_EXPIRED');
    const old = await createRequestVerifier({ keys: [key] }).verify(await signed(), {
      now: T + 301_000,
    });
    expect(old.ok || old.error.code).toBe('SIGNATURE_EXPIRED');
  });

  it('rejects an unknown keyid', async () => {
    const other = createSignatureKey({
      keyid: 'client-2',
      algorithm: 'hmac-sha256',
      secret: new Uint8Array(32).fill(2),
    });
    const r = await createRequestVerifier({ keys: [other], clock: () => T }).verify(await signed());
    expect(r.ok || r.error.code).toBe('KEY_UNKNOWN');
  });

  it('rejects duplicate signature labels', async () => {
    const req = await signed();
    const input = req.headers['signature-input'];
    const dup = { ...req, headers: { ...req.headers, 'signature-input': `${input}, ${input}` } };
    const r = await verifier().verify(dup);
    expect(r.ok || r.error.code).toBe('SIGNATURE_DUPLICATE_LABEL');
  });

  it('rejects a request without signature headers', async () => {
    const r = await verifier().verify(baseRequest);
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISSING');
  });

  it('rejects a signature that omits a required derived component', async () => {
    const narrow = createRequestSigner({
      key,
      clock: () => T,
      components: ['@authority', 'content-digest'],
    });
    const h = await narrow.sign(baseRequest);
    const r = await verifier().verify({
      ...baseRequest,
      headers: { ...baseRequest.headers, ...h },
    });
    expect(r.ok || r.error.code).toBe('COMPONENT_NOT_COVERED');
  });

  it('counts @target-uri as covering authority, path and query', async () => {
    const wide = createRequestSigner({
      key,
      clock: () => T,
      components: ['@method', '@target-uri', 'content-digest'],
    });
    const h = await wide.sign(baseRequest);
    const r = await verifier().verify({
      ...baseRequest,
      headers: { ...baseRequest.headers, ...h },
    });
    expect(r.ok).toBe(true);
  });

  it('rejects a covered header that is absent from the request', async () => {
    const req = await signed();
    const { 'content-type': _, ...rest } = req.headers;
    const r = await verifier().verify({ ...req, headers: rest });
    expect(r.ok || r.error.code).toBe('COMPONENT_MISSING');
  });

  it('carries several signatures and verifies every one made by a known key', async () => {
    const key2 = createSignatureKey({
      keyid: 'proxy-1',
      algorithm: 'hmac-sha256',
      secret: new Uint8Array(32).fill(9),
    });
    const first = await signed();
    const second = await createRequestSigner({ key: key2, label: 'proxy', clock: () => T }).sign(
      first,
    );
    const req = { ...first, headers: { ...first.headers, ...second } };
    expect(req.headers['signature-input']).toMatch(/^sig1=\(.*"client-1", proxy=\(/);
    const both = await createRequestVerifier({ keys: [key, key2], clock: () => T }).verify(req);
    expect(both.ok && both.value.signatures.map((s) => s.label)).toEqual(['sig1', 'proxy']);
    // A verifier that knows only one key checks that one and ignores the other.
    const one = await createRequestVerifier({ keys: [key2], clock: () => T }).verify(req);
    expect(one.ok && one.value.keyid).toBe('proxy-1');
    // A label can be picked explicitly.
    const picked = await createRequestVerifier({
      keys: [key, key2],
      label: 'sig1',
      clock: () => T,
    }).verify(req);
    expect(picked.ok && picked.value.signatures.length).toBe(1);
  });

  it('refuses to add a signature under a label the request already has', async () => {
    const first = await signed();
    await expect(signer.sign(first)).rejects.toThrow(/already has a signature labelled "sig1"/);
  });

  it('selects by tag and reports a missing tag as SIGNATURE_MISSING', async () => {
    const tagged = createRequestSigner({ key, clock: () => T, tag: 'agent-api' });
    const h = await tagged.sign(baseRequest);
    const req = { ...baseRequest, headers: { ...baseRequest.headers, ...h } };
    expect(
      (await createRequestVerifier({ keys: [key], tag: 'agent-api', clock: () => T }).verify(req))
        .ok,
    ).toBe(true);
    const r = await createRequestVerifier({ keys: [key], tag: 'other', clock: () => T }).verify(
      req,
    );
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISSING');
  });

  it('signs and verifies @query-param and a dictionary member (key parameter)', async () => {
    const s = createRequestSigner({
      key,
      clock: () => T,
      components: [
        '@method',
        '@authority',
        '@path',
        '@query',
        '"@query-param";name="session"',
        '"example-dict";key="a"',
      ],
      contentDigest: false,
    });
    const req = {
      method: 'GET',
      url: 'https://api.example.com/chat?session=a%20b',
      headers: { 'example-dict': 'a=1, b=2' },
    };
    const h = await s.sign(req);
    const signedReq = { ...req, headers: { ...req.headers, ...h } };
    expect((await verifier().verify(signedReq)).ok).toBe(true);
    const changed = await verifier().verify({
      ...signedReq,
      headers: { ...signedReq.headers, 'example-dict': 'a=2, b=2' },
    });
    expect(changed.ok || changed.error.code).toBe('SIGNATURE_MISMATCH');
    const otherMember = await verifier().verify({
      ...signedReq,
      headers: { ...signedReq.headers, 'example-dict': 'b=3, a=1' },
    });
    expect(otherMember.ok).toBe(true);
  });

  it('refuses unsupported component parameters instead of ignoring them', async () => {
    const req = await signed();
    const input = req.headers['signature-input'].replace('"content-type"', '"content-type";bs');
    const r = await verifier().verify({
      ...req,
      headers: { ...req.headers, 'signature-input': input },
    });
    expect(r.ok || r.error.code).toBe('COMPONENT_UNSUPPORTED');
  });

  it('returns SIGNATURE_MALFORMED for malformed structured fields', async () => {
    for (const bad of [
      'sig1=("@method"',
      'sig1=:not base64:',
      '1sig=("a")',
      'sig1=("@method");created=x1',
    ]) {
      const r = await verifier().verify({
        ...baseRequest,
        headers: { 'signature-input': bad, signature: 'sig1=:AAAA:' },
      });
      expect(r.ok || r.error.code).toBe('SIGNATURE_MALFORMED');
    }
  });
});

describe('ed25519 through Web Crypto', () => {
  it('signs and verifies, and the HMAC key with the same keyid is refused', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const signingKey = createSignatureKey({
      keyid: 'ed-1',
      algorithm: 'ed25519',
      privateKey: pair.privateKey,
    });
    const verifyKey = createSignatureKey({
      keyid: 'ed-1',
      algorithm: 'ed25519',
      publicKey: pair.publicKey,
    });
    const h = await createRequestSigner({ key: signingKey, clock: () => T, alg: true }).sign(
      baseRequest,
    );
    expect(h['signature-input']).toContain(';alg="ed25519"');
    const req = { ...baseRequest, headers: { ...baseRequest.headers, ...h } };
    const r = await createRequestVerifier({ keys: [verifyKey], clock: () => T }).verify(req);
    expect(r.ok && r.value.signatures[0]!.algorithm).toBe('ed25519');
    const hmacSameId = createSignatureKey({
      keyid: 'ed-1',
      algorithm: 'hmac-sha256',
      secret: new Uint8Array(32),
    });
    const wrong = await createRequestVerifier({ keys: [hmacSameId], clock: () => T }).verify(req);
    expect(wrong.ok || wrong.error.code).toBe('SIGNATURE_ALG_MISMATCH');
  });
});

describe('configuration errors throw once, at construction', () => {
  it('refuses a short HMAC secret and an empty key list', () => {
    expect(() =>
      createSignatureKey({ keyid: 'k', algorithm: 'hmac-sha256', secret: new Uint8Array(16) }),
    ).toThrow(/at least 32/);
    expect(() => createRequestVerifier({ keys: [] })).toThrow(/at least one key/);
    expect(() => createRequestSigner({ key, components: ['@nope'] })).toThrow(/not supported/);
    expect(() => createRequestSigner({ key, label: 'Bad Label' })).toThrow(/label/);
  });
});
