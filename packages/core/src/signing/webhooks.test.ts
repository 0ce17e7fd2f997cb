import v from '@vectors/standard-webhooks.json';
import { describe, expect, it } from 'vitest';
import { createMemoryNonceStore } from './nonce-store.js';
import {
  createWebhookSigner,
  createWebhookVerifier,
  signWebhook,
  verifyWebhook,
} from './webhooks.js';

interface Vec {
  id: string;
  secret?: string;
  msg_id?: string;
  timestamp?: number;
  payload?: string;
  expected_signature?: string;
  signature_header?: string;
}
const vectors = v.vectors as unknown as Vec[];
const fixed = vectors.find((x) => x.id === 'sign-fixed')!;
const T = fixed.timestamp! * 1000;
const headersFor = (signature: string, over: Record<string, string> = {}) => ({
  'webhook-id': fixed.msg_id!,
  'webhook-timestamp': String(fixed.timestamp),
  'webhook-signature': signature,
  ...over,
});
const verifyAt = (
  headers: Record<string, string>,
  now = T,
  payload: string = fixed.payload!,
  secret: string = fixed.secret!,
) => verifyWebhook({ headers, body: payload }, { secret, now, nonceStore: null });

describe('Standard Webhooks vectors', () => {
  it('signs the fixed vector exactly, with and without the whsec_ prefix (sign-fixed, secret-without-prefix)', () => {
    for (const id of ['sign-fixed', 'secret-without-prefix']) {
      const vec = vectors.find((x) => x.id === id)!;
      const h = signWebhook(
        { id: vec.msg_id!, timestamp: vec.timestamp!, payload: vec.payload! },
        vec.secret!,
      );
      expect(h['webhook-signature']).toBe(vec.expected_signature);
      expect(h['webhook-timestamp']).toBe('1614265330');
    }
  });

  it('verifies the fixed vector at its timestamp', async () => {
    const r = await verifyAt(headersFor(fixed.expected_signature!));
    expect(r.ok && r.value).toMatchObject({ id: fixed.msg_id, timestamp: fixed.timestamp });
  });

  for (const id of ['invalid-signature-last-char', 'foreign-signature']) {
    it(`rejects ${id}`, async () => {
      const vec = vectors.find((x) => x.id === id)!;
      const r = await verifyAt(headersFor(vec.signature_header!), T, vec.payload!, vec.secret!);
      expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
    });
  }

  it('accepts a list where one v1 signature is valid and ignores other versions (multi-signature-one-valid)', async () => {
    const vec = vectors.find((x) => x.id === 'multi-signature-one-valid')!;
    expect((await verifyAt(headersFor(vec.signature_header!))).ok).toBe(true);
  });

  it('rejects an empty v1 signature (empty-v1)', async () => {
    const r = await verifyAt(headersFor('v1,'));
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
  });

  it('rejects when any of the three headers is absent (missing-headers)', async () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const h: Record<string, string> = headersFor(fixed.expected_signature!);
      delete h[name];
      const r = await verifyAt(h);
      expect(r.ok || r.error.code).toBe('SIGNATURE_MISSING');
    }
  });

  it('rejects a timestamp that is not an integer (non-integer-timestamp)', async () => {
    const r = await verifyAt(
      headersFor(fixed.expected_signature!, { 'webhook-timestamp': 'hello' }),
    );
    expect(r.ok || r.error.code).toBe('SIGNATURE_MALFORMED');
  });

  it('refuses float, negative and textual timestamps when signing', () => {
    for (const ts of [161426533.5, -161426533, 'invalid timestamp' as unknown as number]) {
      expect(() =>
        signWebhook({ id: 'msg_1', timestamp: ts, payload: '{}' }, fixed.secret!),
      ).toThrow(TypeError);
    }
  });

  it('refuses an empty secret at construction (empty-secret)', () => {
    for (const secret of ['', 'whsec_']) {
      expect(() => createWebhookVerifier({ secret })).toThrow(TypeError);
      expect(() => signWebhook({ id: 'm', timestamp: 1, payload: '' }, secret)).toThrow(TypeError);
    }
  });

  it('applies the 300 s tolerance with ">" like the reference libraries (stale, edge-stale, future)', async () => {
    const sig = headersFor(fixed.expected_signature!);
    const stale = await verifyAt(sig, 1614265631 * 1000);
    expect(stale.ok || stale.error.code).toBe('SIGNATURE_EXPIRED');
    expect((await verifyAt(sig, 1614265630 * 1000)).ok).toBe(true);
    const future = await verifyAt(sig, 1614265029 * 1000);
    expect(future.ok || future.error.code).toBe('SIGNATURE_NOT_YET_VALID');
  });

  it('rejects a tampered payload, re-serialized JSON and a swapped id', async () => {
    const sig = headersFor(fixed.expected_signature!);
    for (const payload of ['{"test": 2432232315}', '{"test":2432232314}']) {
      const r = await verifyAt(sig, T, payload);
      expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
    }
    const r = await verifyAt(
      headersFor(fixed.expected_signature!, { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJeL' }),
    );
    expect(r.ok || r.error.code).toBe('SIGNATURE_MISMATCH');
  });

  it('de-duplicates a redelivered message id through the nonce store (replay-same-id)', async () => {
    const verifier = createWebhookVerifier({
      secret: fixed.secret!,
      nonceStore: createMemoryNonceStore(),
    });
    const input = { headers: headersFor(fixed.expected_signature!), body: fixed.payload! };
    expect((await verifier.verify(input, { now: T })).ok).toBe(true);
    const again = await verifier.verify(input, { now: T + 1000 });
    expect(again.ok || again.error.code).toBe('NONCE_REPLAYED');
  });
});

describe('webhook verification with a failing nonce store', () => {
  it('answers NONCE_STORE_UNAVAILABLE instead of throwing', async () => {
    const verifier = createWebhookVerifier({
      secret: fixed.secret!,
      nonceStore: { remember: () => Promise.reject(new Error('redis down')) },
    });
    const input = { headers: headersFor(fixed.expected_signature!), body: fixed.payload! };
    const r = await verifier.verify(input, { now: T });
    expect(r.ok || r.error.code).toBe('NONCE_STORE_UNAVAILABLE');
  });
});

describe('webhook verification details', () => {
  const secret = fixed.secret!;
  it('accepts any of several secrets during a rotation, and signs with each', async () => {
    const next = 'whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
    const h = signWebhook({ id: 'msg_2', timestamp: fixed.timestamp!, payload: 'x' }, [
      secret,
      next,
    ]);
    expect(h['webhook-signature'].split(' ')).toHaveLength(2);
    const onlyNext = signWebhook({ id: 'msg_2', timestamp: fixed.timestamp!, payload: 'x' }, next);
    const r = await verifyWebhook(
      { headers: onlyNext, body: 'x' },
      { secret: [secret, next], now: T },
    );
    expect(r.ok).toBe(true);
  });

  it('verifies raw bytes before parsing JSON, and reports unparseable JSON after a good signature', async () => {
    const body = new TextEncoder().encode('{"event":"ok"}');
    const h = signWebhook({ id: 'msg_3', timestamp: fixed.timestamp!, payload: body }, secret);
    const r = await verifyWebhook({ headers: h, body }, { secret, now: T, parse: 'json' });
    expect(r.ok && r.value.payload).toEqual({ event: 'ok' });
    const notJson = signWebhook(
      { id: 'msg_4', timestamp: fixed.timestamp!, payload: '{oops' },
      secret,
    );
    const bad = await verifyWebhook(
      { headers: notJson, body: '{oops' },
      { secret, now: T, parse: 'json' },
    );
    expect(bad.ok || bad.error.code).toBe('WEBHOOK_PAYLOAD_INVALID');
  });

  it('signs 1 MiB bodies the same as bytes or text', () => {
    const text = 'a'.repeat(1 << 20);
    const a = signWebhook({ id: 'm', timestamp: 1, payload: text }, secret);
    const b = signWebhook(
      { id: 'm', timestamp: 1, payload: new TextEncoder().encode(text) },
      secret,
    );
    expect(a).toEqual(b);
  });

  it('a prepared signer gives the same headers as the one-shot function', () => {
    const signer = createWebhookSigner(secret);
    const input = { id: fixed.msg_id!, timestamp: fixed.timestamp!, payload: fixed.payload! };
    expect(signer.sign(input)).toEqual(signWebhook(input, secret));
    expect(signer.sign(input)['webhook-signature']).toBe(fixed.expected_signature);
    expect(() => signer.sign({ ...input, timestamp: 1.5 })).toThrow(TypeError);
  });

  it('refuses a short secret and an id with a dot', () => {
    expect(() => createWebhookVerifier({ secret: 'whsec_AAAA' })).toThrow(/at least 24/);
    expect(() => signWebhook({ id: 'a.b', timestamp: 1, payload: '' }, secret)).toThrow(
      /without "."/,
    );
  });
});
