import { describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import type { SecurityRequest } from '../protect/types.js';
import { verifyLegacySignatureRule, verifySignatureRule, verifyWebhookRule } from './rules.js';
import { createRequestSigner } from './sign-request.js';
import { createSignatureKey } from './signature-key.js';
import { signWebhook } from './webhooks.js';

const T = Date.UTC(2026, 0, 1);
const enc = new TextEncoder();

function request(
  method: string,
  url: string,
  headers: Record<string, string>,
  body = '',
): SecurityRequest {
  const h = new Headers(headers);
  return { method, url, headers: h, body: async () => enc.encode(body) };
}

describe('verifySignatureRule', () => {
  const key = createSignatureKey({
    keyid: 'c1',
    algorithm: 'hmac-sha256',
    secret: new Uint8Array(32).fill(3),
  });
  const security = createSecurity({
    rules: [verifySignatureRule({ keys: [key] })],
    clock: () => T,
  });

  it('allows a signed request, reading the raw body, and publishes the verified signature', async () => {
    const body = '{"q":"hi"}';
    const url = 'https://api.example.com/chat';
    const h = await createRequestSigner({ key, clock: () => T }).sign({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      body,
    });
    const d = await security.protect(
      request('POST', url, { 'content-type': 'application/json', ...h }, body),
    );
    expect(d.allowed).toBe(true);
    expect((d.state.signature as { keyid: string }).keyid).toBe('c1');
    const tampered = await security.protect(
      request('POST', url, { 'content-type': 'application/json', ...h }, '{"q":"HI"}'),
    );
    expect([tampered.status, tampered.code]).toEqual([401, 'DIGEST_MISMATCH']);
  });

  it('denies an unsigned request with 401 SIGNATURE_MISSING', async () => {
    const d = await security.protect(request('GET', 'https://api.example.com/x', {}));
    expect([d.allowed, d.status, d.code]).toEqual([false, 401, 'SIGNATURE_MISSING']);
  });
});

describe('verifyWebhookRule', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const security = createSecurity({
    rules: [verifyWebhookRule({ secret, parse: 'json' })],
    clock: () => T,
  });
  const body = '{"type":"agent.completed"}';
  const headers = signWebhook({ id: 'msg_1', timestamp: T / 1000, payload: body }, secret);

  it('verifies the raw body, publishes the parsed payload, and acknowledges a redelivery without running the handler', async () => {
    const d = await security.protect(
      request('POST', 'https://app.example.com/hooks', headers, body),
    );
    expect(d.allowed).toBe(true);
    expect((d.state.webhook as { payload: unknown }).payload).toEqual({ type: 'agent.completed' });
    const again = await security.protect(
      request('POST', 'https://app.example.com/hooks', headers, body),
    );
    expect([again.allowed, again.status, again.code]).toEqual([false, 200, 'NONCE_REPLAYED']);
  });

  it('denies a forged webhook with 401', async () => {
    const d = await security.protect(
      request('POST', 'https://app.example.com/hooks', headers, '{"type":"forged"}'),
    );
    expect([d.status, d.code]).toEqual([401, 'SIGNATURE_MISMATCH']);
  });

  it('answers 503 NONCE_STORE_UNAVAILABLE when its nonce store is down (fails closed)', async () => {
    const down = createSecurity({
      rules: [
        verifyWebhookRule({
          secret,
          nonceStore: { remember: () => Promise.reject(new Error('ECONNREFUSED')) },
        }),
      ],
      clock: () => T,
    });
    const d = await down.protect(request('POST', 'https://app.example.com/hooks', headers, body));
    expect([d.allowed, d.status, d.code]).toEqual([false, 503, 'NONCE_STORE_UNAVAILABLE']);
  });

  it('can reject redeliveries with 409 instead', async () => {
    const strict = createSecurity({
      rules: [verifyWebhookRule({ secret, onDuplicate: 'reject' })],
      clock: () => T,
    });
    await strict.protect(request('POST', 'https://app.example.com/hooks', headers, body));
    const d = await strict.protect(request('POST', 'https://app.example.com/hooks', headers, body));
    expect([d.status, d.code]).toEqual([409, 'NONCE_REPLAYED']);
  });
});

describe('verifyLegacySignatureRule', () => {
  it('checks the guide scheme over the request URL', async () => {
    const security = createSecurity({
      rules: [verifyLegacySignatureRule({ secret: 'guide-secret-key-used-in-python' })],
      clock: () => Date.UTC(2026, 0, 1, 12),
    });
    const ok = await security.protect(
      request(
        'POST',
        'https://api.example.com/api/secure/chat?x=1',
        {
          'x-signature': 'OCmlB/9lNEzyOlflTrWiSZlvu6Uo67hq5z11R9ZkuSA=',
          'x-timestamp': '2026-01-01T12:00:00',
        },
        '{"message": "héllo"}',
      ),
    );
    expect(ok.allowed).toBe(true);
    const missing = await security.protect(
      request('POST', 'https://api.example.com/api/secure/chat', {}),
    );
    expect([missing.status, missing.code]).toEqual([401, 'SIGNATURE_MISSING']);
  });
});
