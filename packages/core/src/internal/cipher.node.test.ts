// Both variants of the block-cipher primitive must be interchangeable: data sealed on Node
// (node:crypto) opens on an edge runtime (Web Crypto) and the other way round.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as web from './cipher.js';
import * as native from './cipher.node.js';

describe('#cipher variants', () => {
  it('reports which implementation each variant is', () => {
    expect(native.CIPHER_BACKEND).toBe('node');
    expect(web.CIPHER_BACKEND).toBe('webcrypto');
  });

  it('open what the other variant sealed (AES-256-GCM, any message and AAD)', async () => {
    const raw = new Uint8Array(32).fill(9);
    const a = native.importAesGcmKey(raw);
    const b = web.importAesGcmKey(raw);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ minLength: 12, maxLength: 12 }),
        async (msg, aad, nonce) => {
          const prefix = new Uint8Array([7]);
          const fromNode = await a.seal(nonce, msg, aad, prefix);
          const fromWeb = await b.seal(nonce, msg, aad, prefix);
          expect(fromNode).toEqual(fromWeb);
          expect(await b.open(nonce, fromNode.subarray(1), aad)).toEqual(msg);
          expect(await a.open(nonce, fromWeb.subarray(1), aad)).toEqual(msg);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('agree on AES-128-CBC with PKCS#7 padding, and both refuse bad padding', async () => {
    const raw = new Uint8Array(16).fill(3);
    const a = native.importAesCbcKey(raw);
    const b = web.importAesCbcKey(raw);
    const iv = new Uint8Array(16).fill(1);
    for (const n of [0, 1, 15, 16, 17, 100]) {
      const msg = new Uint8Array(n).fill(n);
      const ct = await a.encrypt(iv, msg);
      expect(await b.encrypt(iv, msg)).toEqual(ct);
      expect(await b.decrypt(iv, ct)).toEqual(msg);
      const broken = ct.slice();
      broken[broken.length - 1]! ^= 0xff;
      // Flipping the last byte garbles the final block and so its padding, in both.
      expect(await a.decrypt(iv, broken)).toEqual(await b.decrypt(iv, broken));
    }
  });
});
