import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuditLog, createJsonLinesSink } from '@jaf-sec/core/audit';
import { decodeConfigSecret } from '@jaf-sec/core/config';
import { hashApiKey, parseApiKey } from '@jaf-sec/core/keys';
import { createSignatureKey } from '@jaf-sec/core/signing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `jaf-sec` as a child process with only the given environment. */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function envLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('#')) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jaf-sec-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jaf-sec (usage)', () => {
  it('prints usage and exits 2 without a command, 0 for help', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: jaf-sec <command>/);
    const help = await run(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('audit-headers <url>');
  });

  it('exits 2 with a clear message for an unknown command or option', async () => {
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('jaf-sec: unknown command "frobnicate".');
    const option = await run(['keygen', '--colour']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/Unknown option '--colour'/);
  });
});

describe('jaf-sec keygen', () => {
  it('prints three 32-byte secrets and an API key whose hash uses the new pepper', async () => {
    const r = await run(['keygen']);
    expect(r.code).toBe(0);
    const env = envLines(r.stdout);
    for (const name of ['JWT_SECRET_KEY', 'ENCRYPTION_KEY', 'API_KEY_PEPPER']) {
      expect(env[name]).toMatch(/^base64url:[A-Za-z0-9_-]{43}$/);
      const decoded = decodeConfigSecret(env[name]!);
      expect(decoded.ok && decoded.value.bytes.length).toBe(32);
    }
    expect(new Set([env.JWT_SECRET_KEY, env.ENCRYPTION_KEY, env.API_KEY_PEPPER]).size).toBe(3);
    expect(parseApiKey(env.API_KEY!).ok).toBe(true);
    const pepper = decodeConfigSecret(env.API_KEY_PEPPER!);
    expect(pepper.ok).toBe(true);
    if (pepper.ok)
      expect(env.API_KEY_HASH).toBe(hashApiKey(env.API_KEY!, { pepper: pepper.value.bytes }));
    expect(env.API_KEY_ID).toMatch(/^key_/);
  });

  it('prints only the kind asked for, as JSON when asked', async () => {
    const jwt = await run(['keygen', 'jwt']);
    expect(Object.keys(envLines(jwt.stdout))).toEqual(['JWT_SECRET_KEY']);
    const json = await run(['keygen', 'encryption', '--format', 'json']);
    expect(Object.keys(JSON.parse(json.stdout))).toEqual(['ENCRYPTION_KEY']);
  });

  it('hashes an API key with the pepper from the environment', async () => {
    const pepper = `base64url:${Buffer.alloc(32, 9).toString('base64url')}`;
    const r = await run(['keygen', 'api-key', '--prefix', 'acme', '--environment', 'test'], {
      API_KEY_PEPPER: pepper,
    });
    expect(r.code).toBe(0);
    const env = envLines(r.stdout);
    expect(env.API_KEY).toMatch(/^acme_test_/);
    expect(env.API_KEY_HASH).toBe(hashApiKey(env.API_KEY!, { pepper: new Uint8Array(32).fill(9) }));
    expect(r.stdout).toContain('(from the environment)');
  });

  it('refuses a bad kind, format or prefix with exit 2', async () => {
    expect((await run(['keygen', 'rsa'])).stderr).toContain('unknown kind "rsa"');
    expect((await run(['keygen', '--format', 'yaml'])).code).toBe(2);
    const prefix = await run(['keygen', 'api-key', '--prefix', 'has space']);
    expect(prefix.code).toBe(2);
    expect(prefix.stderr).toMatch(/^jaf-sec: keygen: /);
  });
});

describe('jaf-sec check-config', () => {
  it('passes a configuration made by keygen, from a .env file, and prints it masked', async () => {
    const keys = await run(['keygen']);
    const file = join(dir, 'good.env');
    await writeFile(file, `${keys.stdout}\nCORS_ORIGINS="https://app.example.com"\n`);
    const r = await run(['check-config', '--file', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OK: the security configuration');
    expect(r.stdout).toContain('JWT_SECRET_KEY            = ******** (32 bytes, base64url)');
    const secret = envLines(keys.stdout).JWT_SECRET_KEY!.slice('base64url:'.length);
    expect(r.stdout).not.toContain(secret);
  });

  it('fails with exit 1 and lists every problem with its fix, from the environment', async () => {
    const r = await run(['check-config'], {
      JWT_SECRET_KEY: 'changeme',
      CORS_ORIGINS: '*',
      CORS_CREDENTIALS: 'true',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAIL: 4 problems in the security configuration (the environment)');
    for (const code of [
      'SECRET_TOO_SHORT',
      'SECRET_PLACEHOLDER',
      'CONFIG_MISSING',
      'CORS_WILDCARD_WITH_CREDENTIALS',
    ]) {
      expect(r.stderr).toContain(`[${code}]`);
    }
    expect(r.stderr).toMatch(/fix: Set ENCRYPTION_KEY\./);
  });

  it('reports unreadable lines of a .env file as problems', async () => {
    const keys = await run(['keygen']);
    const file = join(dir, 'broken.env');
    await writeFile(file, `${keys.stdout}\nthis is not a variable\nLOG_LEVEL="info\n`);
    const r = await run(['check-config', '--file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.env:\d+: expected KEY=value/);
    expect(r.stderr).toMatch(/broken\.env:\d+: unterminated quote/);
  });

  it('fails on warnings under --strict and speaks JSON under --json', async () => {
    const keys = envLines((await run(['keygen'])).stdout);
    const env = { ...keys, SECURITY_HEADERS_ENABLED: 'false' };
    expect((await run(['check-config'], env)).code).toBe(0);
    const strict = await run(['check-config', '--strict', '--json'], env);
    expect(strict.code).toBe(1);
    const body = JSON.parse(strict.stdout);
    expect(body.ok).toBe(false);
    expect(body.issues.map((i: { code: string }) => i.code)).toEqual([
      'CORS_ORIGINS_EMPTY',
      'FEATURE_DISABLED',
    ]);
  });

  it('takes --require and refuses an unknown name', async () => {
    expect(
      (
        await run(['check-config', '--require', 'JWT_SECRET_KEY'], {
          JWT_SECRET_KEY: `base64url:${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')}`,
        })
      ).code,
    ).toBe(0);
    const bad = await run(['check-config', '--require', 'DATABASE_URL']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--require takes JWT_SECRET_KEY, ENCRYPTION_KEY, API_KEY_PEPPER');
  });

  it('exits 2 when the .env file cannot be read', async () => {
    const r = await run(['check-config', '--file', join(dir, 'nope.env')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*nope\.env: ENOENT/);
  });
});

describe('jaf-sec audit-headers', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/hardened') {
        res.setHeader(
          'Content-Security-Policy',
          "default-src 'self'; script-src 'self' 'nonce-abc'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        );
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
        res.setHeader('Permissions-Policy', 'camera=(), microphone=()');
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        res.setHeader('X-XSS-Protection', '0');
        res.setHeader('Set-Cookie', 'sid=1; HttpOnly; SameSite=Lax; Path=/');
      } else if (req.url === '/redirect') {
        res.statusCode = 302;
        res.setHeader('Location', '/hardened');
      } else {
        res.setHeader('X-Powered-By', 'Express');
        res.setHeader('X-XSS-Protection', '1; mode=block');
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Access-Control-Allow-Credentials', 'true');
        res.setHeader('Set-Cookie', 'sid=1; Path=/');
      }
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('grades a hardened response A+ and exits 0', async () => {
    const r = await run(['audit-headers', `${base}/hardened`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Grade: A+ (100/100)');
    expect(r.stdout).toMatch(/N\/A\s+Strict-Transport-Security/);
    expect(r.stdout.trim().endsWith('PASS')).toBe(true);
  });

  it('follows redirects and grades the final response', async () => {
    const r = await run(['audit-headers', `${base}/redirect`, '--json']);
    const report = JSON.parse(r.stdout);
    expect(report.url).toBe(`${base}/hardened`);
    expect(report.grade).toBe('A+');
  });

  it('grades a bare response F, says what to change, and exits 1', async () => {
    const r = await run(['audit-headers', `${base}/bare`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Grade: F');
    expect(r.stdout).toMatch(/FAIL\s+Content-Security-Policy\s+missing/);
    expect(r.stdout).toContain("-> Add a policy such as \"default-src 'self'");
    expect(r.stdout).toMatch(/WARN\s+X-XSS-Protection\s+1; mode=block/);
    expect(r.stdout).toMatch(/FAIL\s+CORS/);
    expect(r.stdout).toContain('sid lacks HttpOnly, SameSite');
    expect(r.stdout).toContain('FAIL: grade F is below B.');
  });

  it('passes a weak grade when --min-grade allows it', async () => {
    expect((await run(['audit-headers', `${base}/bare`, '--min-grade', 'F'])).code).toBe(0);
  });

  it('exits 2 for a bad URL or option, 3 when the server cannot be reached', async () => {
    const bad = await run(['audit-headers', 'example.com']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an absolute URL (include https://)');
    expect((await run(['audit-headers', 'ftp://example.com/'])).code).toBe(2);
    expect((await run(['audit-headers', base, '--min-grade', 'E'])).code).toBe(2);
    expect((await run(['audit-headers'])).code).toBe(2);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const refused = await run(['audit-headers', `http://127.0.0.1:${port}/`]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/could not fetch .*ECONNREFUSED/);
  });
});

describe('jaf-sec verify-audit', () => {
  async function writeLog(name: string, edit?: (lines: string[]) => string[]) {
    let text = '';
    const audit = createAuditLog({
      sink: createJsonLinesSink({ write: (s: string) => (text += s) }),
      clock: () => Date.UTC(2026, 0, 1),
      chain: true,
    });
    for (let i = 0; i < 4; i++) audit.record('authn_login_fail', { principal: `u${i}` });
    const lines = text.trim().split('\n');
    const file = join(dir, name);
    await writeFile(file, `${(edit ? edit(lines) : lines).join('\n')}\n`);
    return { file, lastHash: audit.lastHash! };
  }

  it('passes an intact log and exits 0', async () => {
    const { file, lastHash } = await writeLog('ok.log');
    const r = await run(['verify-audit', file, '--last-hash', lastHash]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`OK: 4 events, chain intact; last hash ${lastHash}\n`);
  });

  it('finds an edited, a removed and a truncated log, exit 1', async () => {
    const edited = await writeLog('edited.log', (l) =>
      l.map((x, i) => (i === 1 ? x.replace('"u1"', '"admin"') : x)),
    );
    const r1 = await run(['verify-audit', edited.file]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('FAIL: AUDIT_EVENT_ALTERED at event 2 of 4');
    const removed = await writeLog('removed.log', (l) => [l[0]!, l[2]!, l[3]!]);
    expect((await run(['verify-audit', removed.file])).stderr).toContain(
      'FAIL: AUDIT_CHAIN_BROKEN at event 2 of 3',
    );
    const cut = await writeLog('cut.log', (l) => l.slice(0, 3));
    const r3 = await run(['verify-audit', cut.file, '--last-hash', cut.lastHash]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('AUDIT_CHAIN_TRUNCATED');
    const garbage = await writeLog('garbage.log', (l) => [l[0]!, 'not json', ...l.slice(1)]);
    expect((await run(['verify-audit', garbage.file])).stderr).toContain(
      'garbage.log:2 is not JSON',
    );
  });

  it('exits 2 without a readable file', async () => {
    expect((await run(['verify-audit'])).code).toBe(2);
    expect((await run(['verify-audit', join(dir, 'missing.log')])).stderr).toMatch(/ENOENT/);
  });

  it('refuses a line with a duplicated member placed first, though its hash matches', async () => {
    const dup = await writeLog('dup.log', (l) =>
      l.map((x, i) => (i === 2 ? `{"principal":"admin",${x.slice(1)}` : x)),
    );
    const r = await run(['verify-audit', dup.file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAIL: AUDIT_LINE_DUPLICATE_KEY at ${dup.file}:3`);
  });

  it('checks a keyed chain with the key from the environment, and signed checkpoints', async () => {
    const key = new Uint8Array(32).fill(7);
    const pair = (await crypto.subtle.generateKey('Ed25519', true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const signer = createSignatureKey({
      keyid: 'audit-1',
      algorithm: 'ed25519',
      privateKey: pair.privateKey,
    });
    let text = '';
    const anchors: string[] = [];
    const audit = createAuditLog({
      sink: createJsonLinesSink({ write: (s: string) => (text += s) }),
      clock: () => Date.UTC(2026, 0, 1),
      chain: {
        key,
        checkpoints: {
          key: signer,
          everyEvents: 2,
          onCheckpoint: (c) => anchors.push(JSON.stringify(c)),
        },
      },
    });
    for (let i = 0; i < 5; i++) audit.record('authn_login_fail', { principal: `u${i}` });
    await audit.flush();
    const file = join(dir, 'keyed.log');
    await writeFile(file, text);
    const anchorFile = join(dir, 'anchors.log');
    await writeFile(anchorFile, `${anchors.join('\n')}\n`);
    const env = { AUDIT_KEY: `base64url:${Buffer.from(key).toString('base64url')}` };
    const pub = `base64url:${Buffer.from(raw).toString('base64url')}`;
    const ok = await run(
      ['verify-audit', file, '--key-env', 'AUDIT_KEY', '--public-key', pub, '--anchor', anchorFile],
      env,
    );
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('OK: 5 events, chain intact (keyed)');
    expect(ok.stdout).toContain('4 checkpoints verified (up to seq 3)');
    // Without the key, a keyed log is not taken as verified.
    const nokey = await run(['verify-audit', file]);
    expect(nokey.code).toBe(1);
    expect(nokey.stderr).toContain('AUDIT_KEY_MISSING');
    // The tail and its checkpoints removed: the anchors kept elsewhere still see it.
    const lines = text
      .trimEnd()
      .split('\n')
      .filter((l) => !l.includes('audit_checkpoint'));
    const cut = join(dir, 'keyed-cut.log');
    await writeFile(cut, `${lines.slice(0, 2).join('\n')}\n`);
    const r = await run(
      ['verify-audit', cut, '--key-env', 'AUDIT_KEY', '--public-key', pub, '--anchor', anchorFile],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAIL: AUDIT_CHAIN_TRUNCATED');
    expect(
      (
        await run(
          [
            'verify-audit',
            cut,
            '--key-env',
            'AUDIT_KEY',
            '--public-key',
            pub,
            '--require-checkpoint',
          ],
          env,
        )
      ).stderr,
    ).toContain('AUDIT_CHECKPOINT_MISSING');
    expect((await run(['verify-audit', file, '--key-env', 'NOPE'], env)).code).toBe(2);
  });
});
