import { describe, expect, it } from 'vitest';
import { decodeUtf8, encodeHex, utf8 } from '../internal/bytes.js';
import { createKeyring } from './keyring.js';
import { decryptWithPassword, deriveKeyFromPassword, encryptWithPassword } from './password.js';
import { pbkdf2Sha256 } from './web-crypto.js';

const SCRYPT_LIGHT = { kdf: 'scrypt', N: 2 ** 14, r: 8, p: 4 } as const; // N*r*p = 2^19, the floor

// Real KDF costs (600,000 PBKDF2 iterations, scrypt at the OWASP floor) take seconds on a busy CI machine.
describe('password-derived keys', { timeout: 30_000 }, () => {
  it('runs PBKDF2-HMAC-SHA256 to RFC 7914 section 11 (c=1 and c=80000)', async () => {
    expect(encodeHex(await pbkdf2Sha256(utf8('passwd'), utf8('salt'), 1, 64))).toBe(
      '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc' +
        '49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783',
    );
    expect(encodeHex(await pbkdf2Sha256(utf8('Password'), utf8('NaCl'), 80000, 64))).toBe(
      '4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56' +
        'a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d',
    );
  });

  it('defaults to PBKDF2 with 600,000 iterations and a stored 16-byte salt, and re-derives from the params', async () => {
    const first = await deriveKeyFromPassword('hunter2');
    expect(first.params).toMatchObject({ kdf: 'pbkdf2-sha256', iterations: 600_000 });
    expect(first.key.length).toBe(32);
    const again = await deriveKeyFromPassword('hunter2', JSON.parse(JSON.stringify(first.params)));
    expect(encodeHex(again.key)).toBe(encodeHex(first.key));
    const other = await deriveKeyFromPassword('hunter3', first.params);
    expect(encodeHex(other.key)).not.toBe(encodeHex(first.key));
    // Usable directly as a keyring key.
    const keyring = createKeyring({ keys: [{ id: 'pw', key: again.key }] });
    expect((await keyring.decrypt(await keyring.encrypt('x'))).ok).toBe(true);
  });

  it('derives with scrypt and stores N, r, p and the salt', async () => {
    const first = await deriveKeyFromPassword('hunter2', SCRYPT_LIGHT);
    expect(first.params).toMatchObject({ kdf: 'scrypt', N: 2 ** 14, r: 8, p: 4 });
    const again = await deriveKeyFromPassword('hunter2', first.params);
    expect(encodeHex(again.key)).toBe(encodeHex(first.key));
  });

  it('refuses costs below the OWASP floor and bad salts', async () => {
    await expect(deriveKeyFromPassword('x', { iterations: 100_000 })).rejects.toThrow(/600000/);
    await expect(deriveKeyFromPassword('x', { kdf: 'scrypt', N: 2 ** 10 })).rejects.toThrow(
      /2\^19/,
    );
    await expect(deriveKeyFromPassword('x', { kdf: 'scrypt', N: 1000 })).rejects.toThrow(
      /power of two/,
    );
    await expect(deriveKeyFromPassword('x', { salt: new Uint8Array(8) })).rejects.toThrow(/salt/);
  });
});

describe('password envelopes', { timeout: 30_000 }, () => {
  it('round-trips with PBKDF2 and carries the parameters so nothing else is needed', async () => {
    const sealed = await encryptWithPassword('backup data', 'correct horse', { aad: 'backup/1' });
    expect(sealed[0]).toBe(2);
    expect(sealed[1]).toBe(1);
    const opened = await decryptWithPassword(sealed, 'correct horse', { aad: 'backup/1' });
    expect(opened.ok && decodeUtf8(opened.value)).toBe('backup data');
    const wrong = await decryptWithPassword(sealed, 'incorrect horse', { aad: 'backup/1' });
    expect(!wrong.ok && wrong.error.code).toBe('ENVELOPE_AUTH_FAILED');
    const otherAad = await decryptWithPassword(sealed, 'correct horse', { aad: 'backup/2' });
    expect(!otherAad.ok && otherAad.error.code).toBe('ENVELOPE_AUTH_FAILED');
  });

  it('round-trips with scrypt', async () => {
    const sealed = await encryptWithPassword(new Uint8Array([1, 2, 3]), 'pw', SCRYPT_LIGHT);
    expect(sealed[1]).toBe(2);
    expect(await decryptWithPassword(sealed, 'pw')).toEqual({
      ok: true,
      value: new Uint8Array([1, 2, 3]),
    });
  });

  it('refuses headers asking for more work than allowed, before running the KDF', async () => {
    const sealed = await encryptWithPassword('x', 'pw');
    const costly = sealed.slice();
    new DataView(costly.buffer).setUint32(2, 0xffffffff);
    expect(await decryptWithPassword(costly, 'pw')).toMatchObject({
      error: { code: 'ENVELOPE_KDF_TOO_COSTLY' },
    });
    expect(await decryptWithPassword(sealed, 'pw', { maxIterations: 1000 })).toMatchObject({
      error: { code: 'ENVELOPE_KDF_TOO_COSTLY' },
    });
    const scryptSealed = await encryptWithPassword('x', 'pw', SCRYPT_LIGHT);
    const huge = scryptSealed.slice();
    huge[2] = 30;
    expect(await decryptWithPassword(huge, 'pw')).toMatchObject({
      error: { code: 'ENVELOPE_KDF_TOO_COSTLY' },
    });
  });

  it('authenticates the header: a lowered iteration count fails authentication', async () => {
    const sealed = await encryptWithPassword('x', 'pw');
    const lowered = sealed.slice();
    new DataView(lowered.buffer).setUint32(2, 1000);
    expect(await decryptWithPassword(lowered, 'pw')).toMatchObject({
      error: { code: 'ENVELOPE_AUTH_FAILED' },
    });
  });

  it('reports malformed, unknown-format and unknown-KDF envelopes, truncated at every header length', async () => {
    const sealed = await encryptWithPassword('x', 'pw');
    const headerAndMore = 2 + 4 + 1 + 16 + 12 + 16;
    for (let n = 0; n < headerAndMore; n++) {
      const r = await decryptWithPassword(sealed.subarray(0, n), 'pw', { maxIterations: 1 });
      expect(r.ok).toBe(false);
    }
    const v1 = sealed.slice();
    v1[0] = 1;
    expect(await decryptWithPassword(v1, 'pw')).toMatchObject({
      error: { code: 'ENVELOPE_VERSION_UNSUPPORTED' },
    });
    const kdf9 = sealed.slice();
    kdf9[1] = 9;
    expect(await decryptWithPassword(kdf9, 'pw')).toMatchObject({
      error: { code: 'ENVELOPE_KDF_UNSUPPORTED' },
    });
  });
});
