import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsClientOptions, createTlsOptions } from './create-tls-options.js';

// A throwaway CA, a server certificate for localhost/127.0.0.1 and a client certificate,
// generated with the openssl CLI for this run only.
let dir: string;
const pem: Record<string, string> = {};

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function issue(name: string, subject: string, ext: string, ca: string): void {
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
  openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  );
}

function makeCa(name: string): void {
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
  openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    `${name}.key`,
    '-subj',
    `/CN=${name}`,
    '-days',
    '1',
    '-sha256',
    '-out',
    `${name}.crt`,
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jaf-tls-'));
  makeCa('ca');
  makeCa('rogue');
  issue(
    'server',
    '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
    'ca',
  );
  issue('client', '/CN=agent-client', 'extendedKeyUsage=clientAuth\n', 'ca');
  issue('intruder', '/CN=intruder', 'extendedKeyUsage=clientAuth\n', 'rogue');
  for (const f of [
    'ca.crt',
    'server.crt',
    'server.key',
    'client.crt',
    'client.key',
    'intruder.crt',
    'intruder.key',
  ]) {
    pem[f] = readFileSync(join(dir, f), 'utf8');
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function listen(
  options: object,
): Promise<{ server: Server; port: number; errors: string[] }> {
  const errors: string[] = [];
  const server = createServer(options, (req, res) => {
    const socket = req.socket as TLSSocket;
    res.end(`${socket.getProtocol()} ${socket.getCipher().name}`);
  });
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, errors };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function get(
  port: number,
  options: object,
): Promise<{ ok: true; body: string } | { ok: false; code: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, ...options }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ ok: true, body }));
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ ok: false, code: err.code ?? err.message }),
    );
    req.end();
  });
}

/** A raw TLS handshake limited to TLS 1.1 (security level 0 so OpenSSL 3 will offer it). */
function handshakeTls11(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      minVersion: 'TLSv1.1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
      ca: pem['ca.crt'],
      servername: 'localhost',
      cert: pem['client.crt'],
      key: pem['client.key'],
    });
    socket.on('secureConnect', () => {
      resolve(`connected ${socket.getProtocol()}`);
      socket.destroy();
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      resolve(`refused ${err.code ?? err.message}`),
    );
  });
}

describe('createTlsOptions on a real https server', () => {
  it('returns plain data with a TLS 1.2 floor and only forward-secret AEAD suites', () => {
    const o = createTlsOptions({ cert: 'C', key: 'K' });
    expect(o.minVersion).toBe('TLSv1.2');
    for (const suite of o.ciphers.split(':')) {
      expect(suite).toMatch(
        /^(TLS_(AES_\d+_GCM|CHACHA20_POLY1305)_SHA\d+|ECDHE-(ECDSA|RSA)-(AES\d+-GCM-SHA\d+|CHACHA20-POLY1305))$/,
      );
    }
    expect(() =>
      createTlsOptions({ cert: 'C', key: 'K', minVersion: 'TLSv1.1' as 'TLSv1.2' }),
    ).toThrow(/TLS 1.0 and 1.1/);
  });

  it('refuses a TLS 1.1 client that a permissive server would have accepted', async () => {
    const strict = await listen(
      createTlsOptions({ cert: pem['server.crt']!, key: pem['server.key']! }),
    );
    const permissive = await listen({
      cert: pem['server.crt'],
      key: pem['server.key'],
      minVersion: 'TLSv1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    });
    try {
      expect(await handshakeTls11(permissive.port)).toBe('connected TLSv1.1'); // the client can speak 1.1
      expect(await handshakeTls11(strict.port)).toMatch(/^refused /);
      expect(strict.errors.join(' ')).toMatch(/UNSUPPORTED_PROTOCOL|VERSION/);
    } finally {
      await close(strict.server);
      await close(permissive.server);
    }
  });

  it('with clientCa, refuses a client without a certificate or with one from another CA, and serves a proper client', async () => {
    const s = await listen(
      createTlsOptions({
        cert: pem['server.crt']!,
        key: pem['server.key']!,
        clientCa: pem['ca.crt']!,
      }),
    );
    try {
      const proper = await get(
        s.port,
        createTlsClientOptions({
          ca: pem['ca.crt'],
          cert: pem['client.crt'],
          key: pem['client.key'],
          servername: 'localhost',
        }),
      );
      expect(proper.ok && proper.body).toMatch(/^TLSv1\.3 TLS_AES_128_GCM_SHA256$/);
      const anonymous = await get(
        s.port,
        createTlsClientOptions({ ca: pem['ca.crt'], servername: 'localhost' }),
      );
      expect(anonymous.ok).toBe(false);
      const intruder = await get(
        s.port,
        createTlsClientOptions({
          ca: pem['ca.crt'],
          cert: pem['intruder.crt'],
          key: pem['intruder.key'],
          servername: 'localhost',
        }),
      );
      expect(intruder.ok).toBe(false);
      expect(s.errors.length).toBeGreaterThanOrEqual(1);
    } finally {
      await close(s.server);
    }
  });

  it('negotiates a TLS 1.2 AEAD suite with a client capped at 1.2', async () => {
    const s = await listen(createTlsOptions({ cert: pem['server.crt']!, key: pem['server.key']! }));
    try {
      const r = await get(s.port, {
        ...createTlsClientOptions({ ca: pem['ca.crt'] }),
        maxVersion: 'TLSv1.2',
        servername: 'localhost',
      });
      expect(r.ok && r.body).toBe('TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256');
    } finally {
      await close(s.server);
    }
  });
});

describe('createTlsClientOptions', () => {
  it('verifies the server: an untrusted certificate and a wrong host name are refused', async () => {
    const s = await listen(createTlsOptions({ cert: pem['server.crt']!, key: pem['server.key']! }));
    try {
      const untrusted = await get(s.port, createTlsClientOptions());
      expect(untrusted.ok || untrusted.code).toMatch(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
      );
      const wrongName = await get(
        s.port,
        createTlsClientOptions({ ca: pem['ca.crt'], servername: 'api.example.com' }),
      );
      expect(wrongName.ok || wrongName.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      const good = await get(s.port, createTlsClientOptions({ ca: pem['ca.crt'] }));
      expect(good.ok).toBe(true);
      expect(createTlsClientOptions().rejectUnauthorized).toBe(true);
    } finally {
      await close(s.server);
    }
  });
});
