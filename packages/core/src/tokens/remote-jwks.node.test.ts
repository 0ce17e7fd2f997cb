// Remote JWKS against a real HTTP server on 127.0.0.1 (port 0), counting fetches.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenIssuer, createTokenVerifier, type TokenResult } from './index.js';
import { createKeyPair, type KeyPairFixture, NOW } from './test-utils/token-fixtures.js';

const codeOf = (r: TokenResult): string => (r.ok ? 'OK' : r.error.code);

let server: Server;
let url: string;
let fetches = 0;
let published: object[] = [];
let ec: KeyPairFixture;
let ed: KeyPairFixture;
let ec2: KeyPairFixture;

beforeAll(async () => {
  [ec, ed, ec2] = await Promise.all([
    createKeyPair('ES256'),
    createKeyPair('EdDSA'),
    createKeyPair('ES256'),
  ]);
  published = [
    { ...ec.publicJwk, kid: 'ec-1', use: 'sig' },
    { ...ed.publicJwk, kid: 'ed-1' },
  ];
  server = createServer((req, res) => {
    fetches++;
    if (req.url === '/broken') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const issue = (pair: KeyPairFixture, alg: 'ES256' | 'EdDSA', kid?: string) =>
  createTokenIssuer({ key: { alg, privateKey: pair.privatePem, ...(kid && { kid }) } }).issue(
    { sub: 'svc' },
    { now: NOW },
  );

describe('remote JWKS', () => {
  it('verifies tokens by kid and fetches the set once while it is cached', async () => {
    fetches = 0;
    const verifier = createTokenVerifier({
      jwks: { url: `${url}/jwks`, algorithms: ['ES256', 'EdDSA'] },
    });
    const a = await issue(ec, 'ES256', 'ec-1');
    const b = await issue(ed, 'EdDSA', 'ed-1');
    for (let i = 0; i < 5; i++) {
      expect(codeOf(await verifier.verify(a, { now: NOW }))).toBe('OK');
      expect(codeOf(await verifier.verify(b, { now: NOW }))).toBe('OK');
    }
    expect(fetches).toBe(1);
  });

  it('refetches once for an unknown kid after the cooldown, and finds a rotated key', async () => {
    fetches = 0;
    const verifier = createTokenVerifier({
      jwks: { url: `${url}/jwks`, algorithms: ['ES256'], cooldownDuration: 0 },
    });
    const rotated = await issue(ec2, 'ES256', 'ec-2');
    expect(codeOf(await verifier.verify(rotated, { now: NOW }))).toBe('TOKEN_KEY_UNKNOWN');
    expect(fetches).toBe(2); // first load, then one refetch for the unknown kid
    published = [...published, { ...ec2.publicJwk, kid: 'ec-2' }];
    expect(codeOf(await verifier.verify(rotated, { now: NOW }))).toBe('OK');
    expect(fetches).toBe(3);
  });

  it('does not refetch for unknown kids during the cooldown', async () => {
    fetches = 0;
    const verifier = createTokenVerifier({ jwks: { url: `${url}/jwks`, algorithms: ['ES256'] } });
    const stranger = await issue(await createKeyPair('ES256'), 'ES256', 'nobody');
    for (let i = 0; i < 3; i++) {
      expect(codeOf(await verifier.verify(stranger, { now: NOW }))).toBe('TOKEN_KEY_UNKNOWN');
    }
    expect(fetches).toBe(1);
  });

  it('tries every matching key for a token without kid', async () => {
    const verifier = createTokenVerifier({ jwks: { url: `${url}/jwks`, algorithms: ['ES256'] } });
    expect(codeOf(await verifier.verify(await issue(ec2, 'ES256'), { now: NOW }))).toBe('OK');
    expect(codeOf(await verifier.verify(await issue(ec, 'ES256'), { now: NOW }))).toBe('OK');
    const forged = await issue(await createKeyPair('ES256'), 'ES256');
    expect(codeOf(await verifier.verify(forged, { now: NOW }))).toBe('TOKEN_SIGNATURE_INVALID');
  });

  it('refuses algorithms the set is not configured for', async () => {
    const verifier = createTokenVerifier({ jwks: { url: `${url}/jwks`, algorithms: ['ES256'] } });
    expect(codeOf(await verifier.verify(await issue(ed, 'EdDSA', 'ed-1'), { now: NOW }))).toBe(
      'TOKEN_ALG_NOT_ALLOWED',
    );
    expect(() =>
      createTokenVerifier({ jwks: { url: `${url}/jwks`, algorithms: ['HS256' as 'ES256'] } }),
    ).toThrow(/HMAC keys never come from a JWKS/);
    expect(() =>
      createTokenVerifier({ jwks: { url: 'not a url', algorithms: ['ES256'] } }),
    ).toThrow(/absolute URL/);
  });

  it('gives JWKS_UNAVAILABLE without throwing when the set is unreachable or broken', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const token = await issue(ec, 'ES256', 'ec-1');
    const unreachable = createTokenVerifier({
      jwks: {
        url: `http://127.0.0.1:${deadPort}/jwks`,
        algorithms: ['ES256'],
        timeoutDuration: 2000,
      },
    });
    expect(codeOf(await unreachable.verify(token, { now: NOW }))).toBe('JWKS_UNAVAILABLE');
    const broken = createTokenVerifier({ jwks: { url: `${url}/broken`, algorithms: ['ES256'] } });
    expect(codeOf(await broken.verify(token, { now: NOW }))).toBe('JWKS_UNAVAILABLE');
    const failingFetch = createTokenVerifier({
      jwks: {
        url: `${url}/jwks`,
        algorithms: ['ES256'],
        fetch: () => Promise.reject(new TypeError('network down')),
      },
    });
    expect(codeOf(await failingFetch.verify(token, { now: NOW }))).toBe('JWKS_UNAVAILABLE');
  });

  it('uses static keys first and the JWKS for other kids', async () => {
    fetches = 0;
    const local = await createKeyPair('ES256');
    const verifier = createTokenVerifier({
      keys: [{ alg: 'ES256', kid: 'local', publicKey: local.publicPem }],
      jwks: { url: `${url}/jwks`, algorithms: ['ES256'] },
    });
    expect(codeOf(await verifier.verify(await issue(local, 'ES256', 'local'), { now: NOW }))).toBe(
      'OK',
    );
    expect(fetches).toBe(0);
    expect(codeOf(await verifier.verify(await issue(ec, 'ES256', 'ec-1'), { now: NOW }))).toBe(
      'OK',
    );
    expect(fetches).toBe(1);
  });
});
