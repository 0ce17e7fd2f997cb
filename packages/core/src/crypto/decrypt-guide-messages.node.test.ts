// Builds ciphertext exactly as the Python guide's SecureMemoryProvider does, independently,
// with node:crypto (PBKDF2 -> Fernet by hand), and checks jaf-sec reads it back.
import { createCipheriv, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptGuideMessages } from './decrypt-guide-messages.js';
import { decryptMessages, encryptMessages } from './encrypt-messages.js';
import { deriveGuideFernetKey } from './fernet.js';
import { createKeyring } from './keyring.js';
import python from './test-vectors/fernet-python.json';

/** Python's Fernet(key).encrypt(data), written from the spec with node:crypto. */
function fernetByHand(fernetKey: string, data: string): string {
  const raw = Buffer.from(fernetKey, 'base64url');
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-128-cbc', raw.subarray(16, 32), iv);
  const ciphertext = Buffer.concat([cipher.update(data, 'utf8'), cipher.final()]);
  const head = Buffer.alloc(9);
  head[0] = 0x80;
  head.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000)), 1);
  const body = Buffer.concat([head, iv, ciphertext]);
  const mac = createHmac('sha256', raw.subarray(0, 16)).update(body).digest();
  // Python's urlsafe_b64encode keeps the '=' padding.
  const b64 = Buffer.concat([body, mac]).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return b64;
}

/** The guide's SecureMemoryProvider.store_conversation, in TypeScript. */
function storeLikeTheGuide(
  password: string,
  salt: Buffer,
  messages: { role: string; content: string }[],
) {
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 100_000, 32, 'sha256');
  const fernetKey = key.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  return messages.map((m) =>
    m.role === 'user'
      ? {
          ...m,
          content: Buffer.from(fernetByHand(fernetKey, m.content), 'ascii').toString('base64'),
          encrypted: true,
        }
      : m,
  );
}

describe("reading the guide's SecureMemoryProvider conversations", () => {
  const conversation = [
    { role: 'system', content: 'You are a travel agent.' },
    { role: 'user', content: 'Passport X1234567, born 1990-02-03 ✈' },
    { role: 'assistant', content: 'Thanks.' },
    { role: 'user', content: 'Email me at grace@example.org' },
  ];

  it('decrypts a conversation encrypted the guide way, given its password and salt', async () => {
    const salt = randomBytes(16);
    const stored = storeLikeTheGuide('s3cret-password', salt, conversation);
    expect(JSON.stringify(stored)).not.toContain('X1234567');
    const key = await deriveGuideFernetKey('s3cret-password', new Uint8Array(salt));
    expect(await decryptGuideMessages(stored, key)).toEqual({ ok: true, value: conversation });
    const wrong = await deriveGuideFernetKey('s3cret-password', new Uint8Array(16));
    expect(await decryptGuideMessages(stored, wrong)).toMatchObject({
      error: { code: 'FERNET_SIGNATURE_INVALID' },
    });
  });

  it('decrypts the conversation Python itself stored, and migrates it to per-position encryption', async () => {
    const g = python.guide;
    const key = await deriveGuideFernetKey(
      g.password,
      new Uint8Array(Buffer.from(g.salt_hex, 'hex')),
    );
    const plain = await decryptGuideMessages(python.guide_conversation.stored, key);
    expect(plain).toEqual({ ok: true, value: python.guide_conversation.plaintext });
    if (!plain.ok) return;
    const keyring = createKeyring({ keys: [{ id: 'new', key: new Uint8Array(32).fill(1) }] });
    const migrated = await encryptMessages(plain.value, keyring, { conversationId: 'legacy-1' });
    expect(await decryptMessages(migrated, keyring, { conversationId: 'legacy-1' })).toEqual({
      ok: true,
      value: python.guide_conversation.plaintext,
    });
  });

  it('reports a damaged guide message without throwing', async () => {
    const key = await deriveGuideFernetKey('pw', new Uint8Array(16));
    expect(
      await decryptGuideMessages([{ role: 'user', content: '%%%', encrypted: true }], key),
    ).toMatchObject({
      error: { code: 'GUIDE_MESSAGE_MALFORMED' },
    });
  });
});
