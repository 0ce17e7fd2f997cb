import v from '@vectors/rfc9530-content-digest.json';
import { describe, expect, it } from 'vitest';
import {
  createContentDigest,
  createContentDigestHasher,
  verifyContentDigest,
} from './content-digest.js';

const fieldValue = (field: string) => field.replace(/^Content-Digest: /, '');

describe('Content-Digest (RFC 9530)', () => {
  for (const vec of v.vectors) {
    it(`creates and verifies ${vec.id}`, () => {
      const field = fieldValue(vec.field);
      const alg = field.startsWith('sha-512') ? 'sha-512' : 'sha-256';
      expect(createContentDigest(vec.content_utf8, [alg])).toBe(field);
      const r = verifyContentDigest(field, new TextEncoder().encode(vec.content_utf8));
      expect(r.ok && r.value.algorithms).toEqual([alg]);
    });
  }

  it('matches the derived no-LF sha-256 case', () => {
    const c = v.derived_cases.cases.find((x) => x.id === 'no-lf-sha256')!;
    expect(createContentDigest(c.content_utf8!)).toBe(fieldValue(c.field));
  });

  it('rejects content that does not match (mismatch)', () => {
    const c = v.derived_cases.cases.find((x) => x.id === 'mismatch')!;
    const r = verifyContentDigest(fieldValue(c.field), c.content_utf8!);
    expect(r.ok || r.error.code).toBe('DIGEST_MISMATCH');
  });

  it('treats a field with only an unknown algorithm as missing (unknown-algorithm-only)', () => {
    const c = v.derived_cases.cases.find((x) => x.id === 'unknown-algorithm-only')!;
    const r = verifyContentDigest(fieldValue(c.field), '');
    expect(r.ok || r.error.code).toBe('DIGEST_MISSING');
  });

  it('rejects a byte sequence with bad padding as malformed (bad-sf-binary)', () => {
    const c = v.derived_cases.cases.find((x) => x.id === 'bad-sf-binary')!;
    const r = verifyContentDigest(fieldValue(c.field), '{"hello": "world"}\n');
    expect(r.ok || r.error.code).toBe('DIGEST_MALFORMED');
  });

  it('reports an absent field as DIGEST_MISSING and a wrong-length digest as malformed', () => {
    const missing = verifyContentDigest(null, '');
    expect(missing.ok || missing.error.code).toBe('DIGEST_MISSING');
    const r = verifyContentDigest('sha-256=:AAAA:', '');
    expect(r.ok || r.error.code).toBe('DIGEST_MALFORMED');
  });

  it('checks every accepted digest, so a correct sha-256 cannot hide a wrong sha-512', () => {
    const body = 'payload';
    const good256 = createContentDigest(body, ['sha-256']);
    const wrong512 = createContentDigest('other', ['sha-512']);
    const r = verifyContentDigest(`${good256}, ${wrong512}`, body);
    expect(r.ok || r.error.code).toBe('DIGEST_MISMATCH');
    const only256 = verifyContentDigest(`${good256}, ${wrong512}`, body, {
      algorithms: ['sha-256'],
    });
    expect(only256.ok).toBe(true);
  });

  it('computes the same digest incrementally over chunks', () => {
    const body = new Uint8Array(200_000).map((_, i) => i & 0xff);
    const h = createContentDigestHasher(['sha-256', 'sha-512']);
    for (let o = 0; o < body.length; o += 65_536) h.update(body.subarray(o, o + 65_536));
    const field = h.digest();
    expect(field).toBe(createContentDigest(body, ['sha-256', 'sha-512']));
    const check = createContentDigestHasher(['sha-256']).update(body.subarray(0, 10));
    expect(check.verify(createContentDigest(body.subarray(0, 10))).ok).toBe(true);
  });

  it('refuses unsupported algorithms at configuration', () => {
    expect(() => createContentDigest('x', ['md5' as 'sha-256'])).toThrow(TypeError);
  });
});
