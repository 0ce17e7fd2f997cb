import { describe, expect, it } from 'vitest';
import { createMemoryNonceStore } from './nonce-store.js';
import {
  createLegacySignatureVerifier,
  parseLegacyTimestamp,
  verifyLegacySignature,
} from './verify-legacy-signature.js';

// Computed with the guide's own Python code (hmac.new(secret.encode(), f"{method}\n{uri}\n{body}\n{timestamp}".encode(), sha256), base64).
const secret = 'guide-secret-key-used-in-python';
const request = {
  method: 'POST',
  url: 'https://api.example.com/api/secure/chat?x=1',
  body: '{"message": "héllo"}',
  headers: {
    'X-Signature': 'OCmlB/9lNEzyOlflTrWiSZlvu6Uo67hq5z11R9ZkuSA=',
    'X-Timestamp': '2026-01-01T12:00:00',
  },
};
const T = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('verifyLegacySignature (Python guide interop)', () => {
  it('accepts a signature made by the Python RequestSigner, over bytes or text', async () => {
    expect((await verifyLegacySignature(request, { secret, now: T })).ok).toBe(true);
    const bytes = { ...request, body: new TextEncoder().encode(request.body) };
    expect((await verifyLegacySignature(bytes, { secret, now: T + 1000 })).ok).toBe(true);
  });

  it('adds replay protection the guide lacked', async () => {
    const verifier = createLegacySignatureVerifier({
      secret,
      nonceStore: createMemoryNonceStore(),
    });
    expect((await verifier.verify(request, { now: T })).ok).toBe(true);
    const replay = await verifier.verify(request, { now: T + 5000 });
    expect(replay.ok || replay.error.code).toBe('NONCE_REPLAYED');
  });

  it('answers NONCE_STORE_UNAVAILABLE when its store rejects, instead of throwing', async () => {
    const verifier = createLegacySignatureVerifier({
      secret,
      nonceStore: {
        remember: () => {
          throw new Error('store exploded');
        },
      },
    });
    const r = await verifier.verify(request, { now: T });
    expect(r.ok || r.error.code).toBe('NONCE_STORE_UNAVAILABLE');
  });

  it('rejects a tampered body, method or URI', async () => {
    for (const over of [
      { body: '{"message": "hello"}' },
      { method: 'PUT' },
      { url: 'https://api.example.com/api/secure/chat?x=2' },
    ]) {
      const r = await verifyLegacySignature({ ...request, ...over }, { secret, now: T });
      expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
    }
  });

  it('enforces the five-minute window both ways', async () => {
    const late = await verifyLegacySignature(request, { secret, now: T + 301_000 });
    expect(late.ok || late.error.code).toBe('SIGNATURE_EXPIRED');
    const early = await verifyLegacySignature(request, { secret, now: T - 301_000 });
    expect(early.ok || early.error.code).toBe('SIGNATURE_NOT_YET_VALID');
  });

  it('reports missing and malformed headers with stable codes', async () => {
    const none = await verifyLegacySignature({ ...request, headers: {} }, { secret, now: T });
    expect(none.ok || none.error.code).toBe('SIGNATURE_MISSING');
    const badTs = await verifyLegacySignature(
      { ...request, headers: { ...request.headers, 'X-Timestamp': '1767268800' } },
      { secret, now: T },
    );
    expect(badTs.ok || badTs.error.code).toBe('SIGNATURE_MALFORMED');
    const badSig = await verifyLegacySignature(
      { ...request, headers: { ...request.headers, 'X-Signature': 'not base64!' } },
      { secret, now: T },
    );
    expect(badSig.ok || badSig.error.code).toBe('SIGNATURE_MALFORMED');
  });

  it('parses the timestamps Python isoformat produces, as UTC without an offset', () => {
    expect(parseLegacyTimestamp('2026-01-01T12:00:00')).toBe(T);
    expect(parseLegacyTimestamp('2026-01-01 12:00')).toBe(T);
    expect(parseLegacyTimestamp('2026-01-01T12:00:00.123456')).toBe(T + 123);
    expect(parseLegacyTimestamp('2026-01-01T13:00:00+01:00')).toBe(T);
    expect(parseLegacyTimestamp('2026-01-01T12:00:00Z')).toBe(T);
    for (const bad of [
      '2026-02-30T12:00:00',
      '2026-01-01T24:00:00',
      '2026-01-01T12:00:00.12',
      '2026-1-01T12:00',
      'x',
    ]) {
      expect(parseLegacyTimestamp(bad)).toBeUndefined();
    }
  });

  it('refuses an empty secret at construction', () => {
    expect(() => createLegacySignatureVerifier({ secret: '' })).toThrow(TypeError);
  });
});
