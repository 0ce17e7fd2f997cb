import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, encodeHex, utf8 } from '../internal/bytes.js';
import { createKeyring } from './keyring.js';
import { decryptWithPassword, deriveKeyFromPassword, encryptWithPassword } from './password.js';
import { pbkdf2Sha256 } from './web-crypto.js';

// OWASP's (2^13, 8, 10) row (8 MiB): the cheapest setting at the floor.
const SCRYPT_LIGHT = { kdf: 'scrypt', N: 2 ** 13, r: 8, p: 10 } as const;

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
    expect(first.params).toMatchObject({ kdf: 'scrypt', N: 2 ** 13, r: 8, p: 10 });
    const again = await deriveKeyFromPassword('hunter2', first.params);
    expect(encodeHex(again.key)).toBe(encodeHex(first.key));
  });

  it('refuses costs below the OWASP floor and bad salts', async () => {
    await expect(deriveKeyFromPassword('x', { iterations: 100_000 })).rejects.toThrow(/600000/);
    await expect(deriveKeyFromPassword('x', { kdf: 'scrypt', N: 2 ** 10 })).rejects.toThrow(
      /closest compliant setting is N=2\^13, r=8, p=10/,
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

  it('authenticates the header: a changed iteration count fails authentication', async () => {
    const sealed = await encryptWithPassword('x', 'pw');
    const lowered = sealed.slice();
    // Below 600,000 is refused unread (ENVELOPE_KDF_TOO_WEAK); just above derives and fails.
    new DataView(lowered.buffer).setUint32(2, 600_001);
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

// OWASP 2023's scrypt table at r = 8: the smallest p for each N.
const owaspP = (log2N: number) => ({ 13: 10, 14: 5, 15: 3, 16: 2 })[log2N] ?? 1;

describe('scrypt floor (issue 19: OWASP 2023 pairs at r = 8)', { timeout: 30_000 }, () => {
  it('refuses settings the old N*r*p >= 2^19 rule admitted, naming the closest compliant one', async () => {
    const cases: [Record<string, number>, RegExp][] = [
      // Large p with a small N is not memory-hard (1 MiB).
      [{ N: 2 ** 10, r: 8, p: 64 }, /closest compliant setting is N=2\^13, r=8, p=64/],
      // Large r instead of the OWASP block size.
      [{ N: 2 ** 14, r: 32, p: 1 }, /closest compliant setting is N=2\^14, r=8, p=5/],
      // N*r*p = 2^19, but below the table's p for N = 2^14.
      [{ N: 2 ** 14, r: 8, p: 4 }, /closest compliant setting is N=2\^14, r=8, p=5/],
      [{ N: 2 ** 16, r: 8, p: 1 }, /closest compliant setting is N=2\^16, r=8, p=2/],
      [{ N: 2 ** 13, r: 8, p: 9 }, /closest compliant setting is N=2\^13, r=8, p=10/],
    ];
    for (const [params, message] of cases) {
      await expect(deriveKeyFromPassword('x', { kdf: 'scrypt', ...params })).rejects.toThrow(
        message,
      );
      await expect(encryptWithPassword('x', 'pw', { kdf: 'scrypt', ...params })).rejects.toThrow(
        RangeError,
      );
    }
  });

  it('accepts every row of the OWASP 2023 table', async () => {
    for (const [log2N, p] of [
      [17, 1],
      [16, 2],
      [15, 3],
      [14, 5],
      [13, 10],
    ] as const) {
      const derived = await deriveKeyFromPassword('x', { kdf: 'scrypt', N: 2 ** log2N, r: 8, p });
      expect(derived.key.length).toBe(32);
      expect(derived.params).toMatchObject({ kdf: 'scrypt', N: 2 ** log2N, r: 8, p });
    }
  });

  it('property: every setting outside the rule is refused, and the setting named instead meets it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 255 }),
        async (log2N, r, p) => {
          const N = 2 ** log2N;
          fc.pre(!(r === 8 && log2N >= 13 && p >= owaspP(log2N)));
          const error = await deriveKeyFromPassword('x', { kdf: 'scrypt', N, r, p }).catch(
            (e: Error) => e,
          );
          expect(error).toBeInstanceOf(RangeError);
          const named = /closest compliant setting is N=2\^(\d+), r=(\d+), p=(\d+)/.exec(
            (error as Error).message,
          );
          expect(named).not.toBeNull();
          const [cN, cr, cp] = [2 ** Number(named![1]), Number(named![2]), Number(named![3])];
          expect(cr).toBe(8);
          expect(cN).toBeGreaterThanOrEqual(2 ** 13);
          expect(cp).toBeGreaterThanOrEqual(owaspP(Math.log2(cN)));
          expect(cp).toBeLessThanOrEqual(255);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('password envelope headers are untrusted (issue 19)', { timeout: 30_000 }, () => {
  const scryptHeader = (log2N: number, r: number, p: number): Uint8Array => {
    const e = new Uint8Array(5 + 1 + 16 + 12 + 16 + 1);
    e.set([2, 2, log2N, r, p, 16]);
    return e;
  };
  const pbkdf2Header = (iterations: number): Uint8Array => {
    const e = new Uint8Array(6 + 1 + 16 + 12 + 16 + 1);
    e.set([2, 1]);
    new DataView(e.buffer).setUint32(2, iterations);
    e[6] = 16;
    return e;
  };

  it('refuses weak parameters the encrypt side never writes, without deriving', async () => {
    for (const weak of [
      scryptHeader(10, 8, 1),
      scryptHeader(14, 8, 4),
      scryptHeader(14, 16, 8),
      scryptHeader(1, 255, 255),
    ]) {
      expect(await decryptWithPassword(weak, 'pw')).toMatchObject({
        ok: false,
        error: { code: 'ENVELOPE_KDF_TOO_WEAK' },
      });
    }
    expect(await decryptWithPassword(pbkdf2Header(1000), 'pw')).toMatchObject({
      error: { code: 'ENVELOPE_KDF_TOO_WEAK' },
    });
  });

  it('refuses costly headers at the default bound (2^24 work, 256 MiB, 10M iterations)', async () => {
    for (const costly of [
      scryptHeader(30, 8, 1),
      scryptHeader(18, 8, 255),
      scryptHeader(19, 8, 1),
    ]) {
      expect(await decryptWithPassword(costly, 'pw')).toMatchObject({
        error: { code: 'ENVELOPE_KDF_TOO_COSTLY' },
      });
    }
    expect(await decryptWithPassword(pbkdf2Header(10_000_001), 'pw')).toMatchObject({
      error: { code: 'ENVELOPE_KDF_TOO_COSTLY' },
    });
  });

  it('returns a code, never throws, when the platform refuses parameters within raised limits', async () => {
    // 2^30 * 8 * 128 bytes = 1 TiB: within the raised limits, beyond any runtime.
    const r = await decryptWithPassword(scryptHeader(30, 8, 1), 'pw', {
      maxScryptMemory: 2 ** 50,
      maxScryptWork: 2 ** 50,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'ENVELOPE_KDF_TOO_COSTLY' } });
  });

  it('refuses NaN or string limits, which would lift the bound', async () => {
    const sealed = pbkdf2Header(0xffffffff);
    for (const name of ['maxIterations', 'maxScryptMemory', 'maxScryptWork']) {
      for (const bad of [Number.NaN, '1e9', Number.POSITIVE_INFINITY, 0]) {
        await expect(decryptWithPassword(sealed, 'pw', { [name]: bad } as never)).rejects.toThrow(
          `decryptWithPassword: ${name} must be`,
        );
      }
    }
  });
});
