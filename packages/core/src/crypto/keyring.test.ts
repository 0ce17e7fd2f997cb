import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, encodeBase64Url, utf8 } from '../internal/bytes.js';
import { generateKey } from './generate-key.js';
import { createKeyring, readEnvelopeKeyId } from './keyring.js';

const key1 = new Uint8Array(32).fill(1);
const key2 = new Uint8Array(32).fill(2);

describe('createKeyring', () => {
  it('round-trips bytes and text under associated data', async () => {
    const keyring = createKeyring({ keys: [{ id: 'k1', key: key1 }] });
    const sealed = await keyring.encrypt('secret note', { aad: 'users/42/notes' });
    const opened = await keyring.decrypt(sealed, { aad: 'users/42/notes' });
    expect(opened.ok && decodeUtf8(opened.value)).toBe('secret note');
    const text = await keyring.encryptText('héllo ✓', { aad: utf8('x') });
    expect(await keyring.decryptText(text, { aad: 'x' })).toEqual({ ok: true, value: 'héllo ✓' });
  });

  it('writes the version, the key id and a 12-byte nonce in front of the ciphertext', async () => {
    const keyring = createKeyring({ keys: [{ id: 'k-2026.1', key: key1 }] });
    const sealed = await keyring.encrypt(new Uint8Array(5));
    expect(sealed[0]).toBe(1);
    expect(sealed[1]).toBe(8);
    expect(decodeUtf8(sealed.subarray(2, 10))).toBe('k-2026.1');
    expect(sealed.length).toBe(2 + 8 + 12 + 5 + 16);
    expect(readEnvelopeKeyId(sealed)).toEqual({ ok: true, value: 'k-2026.1' });
  });

  it('rejects other associated data, or none, with ENVELOPE_AUTH_FAILED', async () => {
    const keyring = createKeyring({ keys: [{ id: 'k1', key: key1 }] });
    const sealed = await keyring.encrypt('x', { aad: 'conversation-1/0' });
    for (const aad of ['conversation-1/1', 'conversation-2/0', undefined]) {
      const opened = await keyring.decrypt(sealed, { aad });
      expect(!opened.ok && opened.error.code).toBe('ENVELOPE_AUTH_FAILED');
    }
  });

  it('rejects a different key under the same id with ENVELOPE_AUTH_FAILED', async () => {
    const a = createKeyring({ keys: [{ id: 'k1', key: key1 }] });
    const b = createKeyring({ keys: [{ id: 'k1', key: key2 }] });
    const opened = await b.decrypt(await a.encrypt('x'));
    expect(!opened.ok && opened.error.code).toBe('ENVELOPE_AUTH_FAILED');
  });

  it('reports a key id that is not in the ring as ENVELOPE_KEY_UNKNOWN', async () => {
    const a = createKeyring({ keys: [{ id: 'old', key: key1 }] });
    const b = createKeyring({ keys: [{ id: 'new', key: key1 }] });
    const opened = await b.decrypt(await a.encrypt('x'));
    expect(!opened.ok && opened.error.code).toBe('ENVELOPE_KEY_UNKNOWN');
  });

  it('cannot be fooled by renaming the key id in the header (the header is authenticated)', async () => {
    const keyring = createKeyring({
      keys: [
        { id: 'k1', key: key1 },
        { id: 'k2', key: key1 },
      ],
    });
    const sealed = await keyring.encrypt('x');
    sealed[3] = '2'.charCodeAt(0);
    const opened = await keyring.decrypt(sealed);
    expect(!opened.ok && opened.error.code).toBe('ENVELOPE_AUTH_FAILED');
  });

  it('reports unknown versions, bad headers and bad base64url with stable codes', async () => {
    const keyring = createKeyring({ keys: [{ id: 'k1', key: key1 }] });
    const sealed = await keyring.encrypt('x');
    const v9 = sealed.slice();
    v9[0] = 9;
    expect(await keyring.decrypt(v9)).toMatchObject({
      error: { code: 'ENVELOPE_VERSION_UNSUPPORTED' },
    });
    const badId = sealed.slice();
    badId[2] = 0x20;
    expect(await keyring.decrypt(badId)).toMatchObject({ error: { code: 'ENVELOPE_MALFORMED' } });
    const zeroId = sealed.slice();
    zeroId[1] = 0;
    expect(await keyring.decrypt(zeroId)).toMatchObject({ error: { code: 'ENVELOPE_MALFORMED' } });
    expect(await keyring.decryptText('not base64url!')).toMatchObject({
      error: { code: 'ENVELOPE_MALFORMED' },
    });
    const notText = await keyring.encrypt(new Uint8Array([0xff, 0xfe]));
    expect(await keyring.decryptText(encodeBase64Url(notText))).toMatchObject({
      error: { code: 'ENVELOPE_NOT_TEXT' },
    });
  });

  it('rejects every single-bit flip of header, nonce, ciphertext and tag, and of the associated data', async () => {
    const keyring = createKeyring({ keys: [{ id: 'k1', key: key1 }] });
    const aad = utf8('conversation-7/3');
    const sealed = await keyring.encrypt('attack at dawn', { aad });
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const copy = sealed.slice();
      copy[bit >> 3]! ^= 1 << (bit & 7);
      const opened = await keyring.decrypt(copy, { aad });
      expect(opened.ok).toBe(false);
    }
    for (let bit = 0; bit < aad.length * 8; bit++) {
      const other = aad.slice();
      other[bit >> 3]! ^= 1 << (bit & 7);
      const opened = await keyring.decrypt(sealed, { aad: other });
      expect(!opened.ok && opened.error.code).toBe('ENVELOPE_AUTH_FAILED');
    }
  });

  it('rejects the envelope truncated at every length, and with bytes appended', async () => {
    const keyring = createKeyring({ keys: [{ id: 'k1', key: key1 }] });
    const sealed = await keyring.encrypt('attack at dawn');
    for (let n = 0; n < sealed.length; n++) {
      expect((await keyring.decrypt(sealed.subarray(0, n))).ok).toBe(false);
    }
    const longer = new Uint8Array(sealed.length + 1);
    longer.set(sealed);
    expect((await keyring.decrypt(longer)).ok).toBe(false);
  });

  it('never throws and never accepts arbitrary bytes', async () => {
    const keyring = createKeyring({ keys: [{ id: 'k1', key: key1 }] });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 80 }), async (bytes) => {
        const opened = await keyring.decrypt(bytes);
        expect(opened.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips any bytes under any associated data', async () => {
    const keyring = createKeyring({ keys: [{ id: 'k1', key: generateKey() }] });
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 40 }),
        async (pt, aad) => {
          const opened = await keyring.decrypt(await keyring.encrypt(pt, { aad }), { aad });
          expect(opened).toEqual({ ok: true, value: pt });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('uses a fresh nonce for every envelope', async () => {
    const keyring = createKeyring({ keys: [{ id: 'k', key: key1 }] });
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const sealed = await keyring.encrypt('');
      seen.add(encodeBase64Url(sealed.subarray(3, 15)));
    }
    expect(seen.size).toBe(5000);
  });

  it('rotates: decrypts with any key, seals with the primary, and re-encrypts old envelopes', async () => {
    const before = createKeyring({ keys: [{ id: 'k1', key: key1 }] });
    const old = await before.encrypt('data', { aad: 'row-1' });
    const after = createKeyring({
      keys: [
        { id: 'k2', key: key2 },
        { id: 'k1', key: key1 },
      ],
    });
    expect(after.primaryKeyId).toBe('k2');
    expect(after.keyIds).toEqual(['k2', 'k1']);
    expect(after.needsReencrypt(old)).toBe(true);
    const moved = await after.reencrypt(old, { aad: 'row-1' });
    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    expect(readEnvelopeKeyId(moved.value)).toEqual({ ok: true, value: 'k2' });
    expect(after.needsReencrypt(moved.value)).toBe(false);
    const opened = await after.decrypt(moved.value, { aad: 'row-1' });
    expect(opened.ok && decodeUtf8(opened.value)).toBe('data');
    // Once k1 is retired, only re-encrypted data stays readable.
    const retired = createKeyring({ keys: [{ id: 'k2', key: key2 }] });
    expect(await retired.decrypt(old, { aad: 'row-1' })).toMatchObject({
      error: { code: 'ENVELOPE_KEY_UNKNOWN' },
    });
    expect((await retired.decrypt(moved.value, { aad: 'row-1' })).ok).toBe(true);
    // A failed re-encryption reports why and produces nothing.
    expect(await after.reencrypt(old, { aad: 'row-2' })).toMatchObject({
      error: { code: 'ENVELOPE_AUTH_FAILED' },
    });
  });

  it('honours an explicit primary key id', async () => {
    const keyring = createKeyring({
      keys: [
        { id: 'a', key: key1 },
        { id: 'b', key: key2 },
      ],
      primary: 'b',
    });
    expect(readEnvelopeKeyId(await keyring.encrypt('x'))).toEqual({ ok: true, value: 'b' });
  });

  it('throws a fix-it message for misconfiguration', () => {
    expect(() => createKeyring({ keys: [] })).toThrow(/at least one key/);
    expect(() => createKeyring({ keys: [{ id: 'k', key: new Uint8Array(16) }] })).toThrow(
      /32 bytes/,
    );
    expect(() => createKeyring({ keys: [{ id: 'bad id', key: key1 }] })).toThrow(/key id/);
    expect(() =>
      createKeyring({
        keys: [
          { id: 'k', key: key1 },
          { id: 'k', key: key2 },
        ],
      }),
    ).toThrow(/repeated/);
    expect(() => createKeyring({ keys: [{ id: 'k', key: key1 }], primary: 'x' })).toThrow(
      /primary/,
    );
  });

  it('is not affected when the caller later overwrites its key buffer', async () => {
    const raw = key1.slice();
    const keyring = createKeyring({ keys: [{ id: 'k', key: raw }] });
    raw.fill(0);
    const reference = createKeyring({ keys: [{ id: 'k', key: key1 }] });
    expect((await reference.decrypt(await keyring.encrypt('x'))).ok).toBe(true);
  });
});
