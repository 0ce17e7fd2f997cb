import { describe, expect, it } from 'vitest';
import { decodeHex, encodeHex } from '../internal/bytes.js';
import { deriveSubkey } from './derive-subkey.js';

describe('deriveSubkey (HKDF-SHA256)', () => {
  it('matches RFC 5869 test case 1', () => {
    const okm = deriveSubkey(new Uint8Array(22).fill(0x0b), decodeHex('f0f1f2f3f4f5f6f7f8f9')!, {
      salt: decodeHex('000102030405060708090a0b0c')!,
      length: 42,
    });
    expect(encodeHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('matches RFC 5869 test case 3 (no salt, no info)', () => {
    const okm = deriveSubkey(new Uint8Array(22).fill(0x0b), new Uint8Array(0), { length: 42 });
    expect(encodeHex(okm)).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    );
  });

  it('gives independent keys per purpose and the same key for the same purpose', () => {
    const master = new Uint8Array(32).fill(9);
    expect(encodeHex(deriveSubkey(master, 'messages/v1'))).toBe(
      encodeHex(deriveSubkey(master, 'messages/v1')),
    );
    expect(encodeHex(deriveSubkey(master, 'messages/v1'))).not.toBe(
      encodeHex(deriveSubkey(master, 'pseudonyms/v1')),
    );
  });

  it('refuses short master keys and impossible lengths', () => {
    expect(() => deriveSubkey(new Uint8Array(8), 'x')).toThrow(/16 bytes/);
    expect(() => deriveSubkey(new Uint8Array(32), 'x', { length: 9000 })).toThrow(/length/);
  });
});
