// Untrusted input never throws: arbitrary header values go through every verifier, which
// must resolve to a documented code (or, for the rare valid-looking case, ok).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyContentDigest } from './content-digest.js';
import { createLegacySignatureVerifier } from './verify-legacy-signature.js';
import { createRequestVerifier } from './verify-request.js';
import { createWebhookVerifier } from './webhooks.js';

const SIGNATURE_CODES = new Set([
  'SIGNATURE_MISSING',
  'SIGNATURE_MALFORMED',
  'SIGNATURE_DUPLICATE_LABEL',
  'SIGNATURE_MISMATCH',
  'SIGNATURE_EXPIRED',
  'SIGNATURE_NOT_YET_VALID',
  'SIGNATURE_PARAMETER_MISSING',
  'SIGNATURE_ALG_MISMATCH',
  'KEY_UNKNOWN',
  'COMPONENT_NOT_COVERED',
  'COMPONENT_MISSING',
  'COMPONENT_UNSUPPORTED',
  'COMPONENT_INVALID',
  'NONCE_REPLAYED',
  'DIGEST_MISSING',
  'DIGEST_MALFORMED',
  'DIGEST_MISMATCH',
]);

// Text biased toward structured-field syntax so the fuzzer reaches deep into the parser.
const sfText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({
    unit: fc.constantFrom(
      ...'sig1=("@method" "@path" "content-digest");created=1keyid"k":AB+/=?*%, \t\\',
    ),
    maxLength: 80,
  }),
  fc
    .tuple(
      fc.constantFrom('sig1', 'a', 'sig-b25'),
      fc.array(
        fc.constantFrom(
          '"@method"',
          '"@authority"',
          '"@path"',
          '"@query"',
          '"content-digest"',
          '"x";bs',
          '"@status"',
          '"@query-param";name="q"',
          '"d";key="a"',
          '"d";sf',
        ),
        { maxLength: 5 },
      ),
      fc.array(
        fc.constantFrom(
          ';created=1767225600',
          ';keyid="k1"',
          ';nonce="n"',
          ';alg="hmac-sha256"',
          ';alg="rsa"',
          ';expires=1',
          ';created="x"',
          ';tag="t"',
        ),
        { maxLength: 5 },
      ),
    )
    .map(([label, items, params]) => `${label}=(${items.join(' ')})${params.join('')}`),
);

describe('fuzzed untrusted input', () => {
  const key = {
    keyid: 'k1',
    algorithm: 'hmac-sha256' as const,
    secret: new Uint8Array(32).fill(1),
  };
  const verifier = createRequestVerifier({ keys: [key], clock: () => Date.UTC(2026, 0, 1) });

  it('verifyRequest resolves to a documented code for any Signature-Input / Signature / Content-Digest', async () => {
    await fc.assert(
      fc.asyncProperty(
        sfText,
        sfText,
        fc.option(sfText),
        fc.string({ maxLength: 20 }),
        async (input, sig, digest, body) => {
          const headers: Record<string, string> = {
            'signature-input': input,
            signature: sig,
            d: 'a=1',
          };
          if (digest !== null) headers['content-digest'] = digest;
          const r = await verifier.verify({
            method: 'POST',
            url: 'https://api.example.com/p?q=1',
            headers,
            body,
          });
          expect(r.ok).toBe(false);
          if (!r.ok) expect(SIGNATURE_CODES.has(r.error.code)).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('verifyContentDigest never throws', () => {
    fc.assert(
      fc.property(sfText, fc.string({ maxLength: 20 }), (field, body) => {
        const r = verifyContentDigest(field, body);
        expect(
          r.ok || ['DIGEST_MISSING', 'DIGEST_MALFORMED', 'DIGEST_MISMATCH'].includes(r.error.code),
        ).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('verifyWebhook and the legacy verifier never throw on arbitrary headers', async () => {
    const webhooks = createWebhookVerifier({
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      nonceStore: null,
    });
    const legacy = createLegacySignatureVerifier({ secret: 'guide-secret' });
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 60 }),
        async (a, b, c) => {
          const w = await webhooks.verify(
            {
              headers: { 'webhook-id': a, 'webhook-timestamp': b, 'webhook-signature': c },
              body: c,
            },
            { now: 0 },
          );
          expect(w.ok).toBe(false);
          const l = await legacy.verify({
            method: 'POST',
            url: a,
            headers: { 'x-signature': c, 'x-timestamp': b },
            body: a,
          });
          expect(l.ok).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
