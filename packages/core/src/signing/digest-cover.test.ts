// Issue 15: a signature that covers one Content-Digest member (`"content-digest";key="sha-256"`)
// vouches for that member only. An attacker who swaps the body keeps the signed member and adds
// a fresh digest in another algorithm; the verifier must check the signed member, never let the
// unsigned one stand in for it, and never count a weak algorithm.
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../internal/bytes.js';
import {
  createContentDigest,
  createContentDigestHasher,
  verifyContentDigest,
} from './content-digest.js';
import { createRequestSigner } from './sign-request.js';
import { createSignatureKey } from './signature-key.js';
import { createRequestVerifier, type RequestVerifierOptions } from './verify-request.js';

const T = Date.UTC(2026, 0, 1);
const key = createSignatureKey({
  keyid: 'client-1',
  algorithm: 'hmac-sha256',
  secret: new Uint8Array(32).fill(1),
});
const key2 = createSignatureKey({
  keyid: 'proxy-1',
  algorithm: 'hmac-sha256',
  secret: new Uint8Array(32).fill(9),
});
const body = JSON.stringify({ message: 'pay 10 to alice' });
const evil = JSON.stringify({ message: 'pay 9999 to mallory' });
const url = 'https://api.example.com/pay';
const DERIVED = ['@method', '@authority', '@path', '@query'];

/** Signs `body` with a Content-Digest field `field`, covering `digestComponents`. */
async function signWith(
  field: string,
  digestComponents: readonly string[],
  label = 'sig1',
  k = key,
) {
  const req = { method: 'POST', url, headers: { 'content-digest': field }, body };
  const h = await createRequestSigner({
    key: k,
    label,
    clock: () => T,
    components: [...DERIVED, ...digestComponents],
  }).sign(req);
  return { ...req, headers: { ...req.headers, ...h } };
}

const verify = (
  req: { method: string; url: string; headers: Record<string, string>; body: string },
  options: Partial<RequestVerifierOptions> = {},
) => createRequestVerifier({ keys: [key, key2], clock: () => T, ...options }).verify(req);

const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'OK' : r.error!.code);

describe('a signature covering one Content-Digest member', () => {
  const sha256 = createContentDigest(body, ['sha-256']);
  const sha512 = createContentDigest(body, ['sha-512']);

  it('verifies the intact request', async () => {
    const req = await signWith(sha256, ['"content-digest";key="sha-256"']);
    expect(code(await verify(req))).toBe('OK');
    const r = await verify(req, { digestAlgorithms: ['sha-256'] });
    expect(r.ok).toBe(true);
  });

  it('refuses a swapped body carrying the signed member plus a fresh digest in the verifier algorithm', async () => {
    const req = await signWith(sha256, ['"content-digest";key="sha-256"']);
    const forged = {
      ...req,
      body: evil,
      headers: {
        ...req.headers,
        'content-digest': `${sha256}, ${createContentDigest(evil, ['sha-512'])}`,
      },
    };
    // The member the signature covers is unchanged, so the signature itself still verifies.
    expect(code(await verify(forged, { digestAlgorithms: ['sha-512'] }))).toBe('DIGEST_MISMATCH');
    expect(code(await verify(forged))).toBe('DIGEST_MISMATCH');
    // The fresh digest placed first changes nothing.
    const first = {
      ...forged,
      headers: {
        ...forged.headers,
        'content-digest': `${createContentDigest(evil, ['sha-512'])}, ${sha256}`,
      },
    };
    expect(code(await verify(first, { digestAlgorithms: ['sha-512'] }))).toBe('DIGEST_MISMATCH');
  });

  it('does not let an uncovered member of an accepted algorithm count when the covered one is not accepted', async () => {
    // Intact body: the sha-256 member is signed, the sha-512 one (matching) is not.
    const req = await signWith(sha256, ['"content-digest";key="sha-256"']);
    const withUnsigned = {
      ...req,
      headers: { ...req.headers, 'content-digest': `${sha256}, ${sha512}` },
    };
    expect(code(await verify(withUnsigned, { digestAlgorithms: ['sha-512'] }))).toBe(
      'DIGEST_MISSING',
    );
    // With sha-256 accepted too, the signed member is the evidence.
    const r = await verify(withUnsigned);
    expect(r.ok).toBe(true);
  });

  it('checks the sha-512 member when that is the one signed (and the verifier wants sha-256)', async () => {
    const req = await signWith(sha512, ['"content-digest";key="sha-512"']);
    expect(code(await verify(req))).toBe('OK');
    const forged = {
      ...req,
      body: evil,
      headers: {
        ...req.headers,
        'content-digest': `${sha512}, ${createContentDigest(evil, ['sha-256'])}`,
      },
    };
    expect(code(await verify(forged, { digestAlgorithms: ['sha-256'] }))).toBe('DIGEST_MISMATCH');
  });

  it('refuses a signature that covers only a weak or unknown member, whatever the options', async () => {
    const md5 = `md5=:${encodeBase64(new Uint8Array(16))}:`;
    const sha1 = `sha=:${encodeBase64(new Uint8Array(20))}:`;
    for (const [member, field] of [
      ['md5', md5],
      ['sha', sha1],
      ['unixsum', 'unixsum=:AAAA:'],
      ['sha-384', `sha-384=:${encodeBase64(new Uint8Array(48))}:`],
    ] as const) {
      const req = await signWith(`${field}, ${sha256}`, [`"content-digest";key="${member}"`]);
      expect(code(await verify(req))).toBe('DIGEST_MISSING');
      expect(code(await verify(req, { digestAlgorithms: ['sha-256'] }))).toBe('DIGEST_MISSING');
      // A body swap with a fresh uncovered sha-256 is refused the same way.
      const forged = {
        ...req,
        body: evil,
        headers: {
          ...req.headers,
          'content-digest': `${field}, ${createContentDigest(evil, ['sha-256'])}`,
        },
      };
      expect(code(await verify(forged))).toBe('DIGEST_MISSING');
    }
  });

  it('refuses a member name in another case: the covered member is then absent', async () => {
    const req = await signWith(sha256, ['"content-digest";key="sha-256"']);
    const upper = {
      ...req,
      headers: {
        ...req.headers,
        'signature-input': req.headers['signature-input'].replace('key="sha-256"', 'key="SHA-256"'),
      },
    };
    expect(code(await verify(upper))).toBe('COMPONENT_MISSING');
    const upperMember = {
      ...req,
      headers: { ...req.headers, 'content-digest': sha256.toUpperCase() },
    };
    expect(code(await verify(upperMember))).not.toBe('OK');
  });

  it('refuses a field that repeats a member (ambiguous between parsers)', async () => {
    const wrong = createContentDigest(evil, ['sha-256']);
    // The signer saw the last value (RFC 8941 semantics); a first-wins reader sees the other.
    const req = await signWith(`${wrong}, ${sha256}`, ['"content-digest";key="sha-256"']);
    expect(code(await verify(req))).toBe('DIGEST_MALFORMED');
    const whole = await signWith(`${wrong}, ${sha256}`, ['content-digest']);
    expect(code(await verify(whole))).toBe('DIGEST_MALFORMED');
  });

  it('with several signatures, checks every member any of them covers', async () => {
    const field = `${sha256}, ${sha512}`;
    const first = await signWith(field, ['"content-digest";key="sha-256"']);
    const second = await createRequestSigner({
      key: key2,
      label: 'proxy',
      clock: () => T,
      components: [...DERIVED, '"content-digest";key="sha-512"'],
    }).sign(first);
    const req = { ...first, headers: { ...first.headers, ...second } };
    const r = await verify(req);
    expect(r.ok && r.value.signatures.length).toBe(2);
    // Only sha-512 accepted: the second signature's member is the evidence and it matches.
    expect(code(await verify(req, { digestAlgorithms: ['sha-512'] }))).toBe('OK');
    // Swap the body, refresh the sha-512 member: the second signature breaks.
    const forged = {
      ...req,
      body: evil,
      headers: {
        ...req.headers,
        'content-digest': `${sha256}, ${createContentDigest(evil, ['sha-512'])}`,
      },
    };
    expect(code(await verify(forged))).toBe('SIGNATURE_MISMATCH');
    // Drop the second signature and the first alone still refuses the swap.
    const onlyFirst = {
      ...forged,
      headers: {
        ...forged.headers,
        'signature-input': first.headers['signature-input'],
        signature: first.headers.signature,
      },
    };
    expect(code(await verify(onlyFirst, { digestAlgorithms: ['sha-512'] }))).toBe(
      'DIGEST_MISMATCH',
    );
  });

  it('a signature over the whole field still checks every accepted member', async () => {
    const req = await signWith(`${sha256}, ${sha512}`, ['content-digest']);
    expect(code(await verify(req))).toBe('OK');
    expect(code(await verify({ ...req, body: evil }))).toBe('DIGEST_MISMATCH');
  });

  it('a signature over the whole field vouches for every member: a wrong one fails even if not accepted', async () => {
    const wrong512 = createContentDigest(evil, ['sha-512']);
    const req = await signWith(`${sha256}, ${wrong512}`, ['content-digest']);
    expect(code(await verify(req, { digestAlgorithms: ['sha-256'] }))).toBe('DIGEST_MISMATCH');
  });
});

describe('weak digest algorithms in the verifier options', () => {
  it('are refused at construction with a fix-it message', () => {
    for (const alg of ['md5', 'sha', 'sha-1', 'SHA-256']) {
      expect(() =>
        createRequestVerifier({ keys: [key], digestAlgorithms: [alg as 'sha-256'] }),
      ).toThrow(/use 'sha-256' or 'sha-512'/);
    }
  });
});

describe('verifyContentDigest covered members', () => {
  const sha256 = createContentDigest(body, ['sha-256']);
  const fresh512 = createContentDigest(evil, ['sha-512']);

  it('checks a covered member even when its algorithm is not accepted', () => {
    const field = `${sha256}, ${fresh512}`;
    const r = verifyContentDigest(field, evil, { algorithms: ['sha-512'], covered: ['sha-256'] });
    expect(code(r)).toBe('DIGEST_MISMATCH');
    // Without `covered` (no signature in play) the accepted algorithm alone decides.
    expect(code(verifyContentDigest(field, evil, { algorithms: ['sha-512'] }))).toBe('OK');
  });

  it('counts only covered members as evidence', () => {
    const field = `${sha256}, ${createContentDigest(body, ['sha-512'])}`;
    const r = verifyContentDigest(field, body, { covered: ['sha-512'] });
    expect(r.ok && r.value.algorithms).toEqual(['sha-512']);
    expect(code(verifyContentDigest(field, body, { covered: [] }))).toBe('DIGEST_MISSING');
    expect(code(verifyContentDigest(field, body, { covered: ['md5'] }))).toBe('DIGEST_MISSING');
  });

  it('the incremental hasher applies the same rule', () => {
    const field = `${sha256}, ${fresh512}`;
    const h = createContentDigestHasher(['sha-256', 'sha-512']).update(evil);
    expect(code(h.verify(field, { covered: ['sha-256'] }))).toBe('DIGEST_MISMATCH');
    const only512 = createContentDigestHasher(['sha-512']).update(evil);
    // sha-256 is not computed by this hasher: the covered member cannot be evidence.
    expect(code(only512.verify(field, { covered: ['sha-256'] }))).toBe('DIGEST_MISSING');
  });

  it('refuses a misconfigured covered list at call time with a fix-it message', () => {
    expect(() => verifyContentDigest(sha256, body, { covered: 'sha-256' as never })).toThrow(
      /member names/,
    );
  });
});
