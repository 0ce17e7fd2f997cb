import { describe, expect, it } from 'vitest';
import { scrypt } from '#kdf';
import { encodeHex, utf8 } from './bytes.js';

describe('#kdf primitive', () => {
  it('matches RFC 7914 section 12 (scrypt, N=1024, r=8, p=16)', async () => {
    const key = await scrypt(utf8('password'), utf8('NaCl'), { N: 1024, r: 8, p: 16, dkLen: 64 });
    expect(encodeHex(key)).toBe(
      'fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162' +
        '2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
    );
  });

  it('matches RFC 7914 section 12 with an empty password and salt (N=16, r=1, p=1)', async () => {
    const key = await scrypt(new Uint8Array(0), new Uint8Array(0), {
      N: 16,
      r: 1,
      p: 1,
      dkLen: 64,
    });
    expect(encodeHex(key)).toBe(
      '77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442' +
        'fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906',
    );
  });
});
