// Token benchmarks: jaf-sec against the floor (bare node:crypto doing the same
// cryptography by hand) and against the libraries a user would pick instead.
// Run: pnpm --filter @jaf-sec/core build && cd bench && node --expose-gc --import tsx tokens.bench.ts
import {
  createHmac,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  verify as nodeVerify,
  timingSafeEqual,
  webcrypto,
} from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { createTokenIssuer, createTokenVerifier } from '@jaf-sec/core/tokens';
import { createSigner, createVerifier } from 'fast-jwt';
import { importJWK, jwtVerify, SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { compare, note, versionOf, writeSection } from './lib/harness.js';
import { ratio, target } from './lib/rotated.js';

const secret = Buffer.from('bench-secret-bench-secret-bench-secret-0123456789'.slice(0, 32));
const now = Date.now();
const claims = {
  sub: 'user-1234',
  iss: 'https://auth.example.com',
  aud: 'agent-api',
  permissions: ['chat:basic', 'chat:advanced'],
};

// Many short interleaved rounds: the machine is shared, and a median over many rounds of
// each candidate side by side is what survives other processes' bursts.
const ROUNDS = { rounds: 201, targetMs: 2 } as const;

/**
 * CPU-time cross-check (process.cpuUsage): on a loaded machine wall time also counts
 * waiting for a core. process.cpuUsage counts every thread of this process, the main
 * thread, V8's GC helper threads and the libuv thread pool alike, so it is used only for
 * candidates whose work runs on the main thread (node:crypto HMAC, jaf-sec's synchronous
 * verify); what it adds beyond the main thread is GC helper work, which the candidates'
 * own garbage causes. Rounds alternate between the two candidates; the figure is the
 * ratio of medians.
 */
async function cpuRatio(
  label: string,
  floor: () => unknown,
  candidate: () => unknown,
  opsPerRound: number,
): Promise<void> {
  const measure = async (fn: () => unknown): Promise<number> => {
    const isAsync = fn() instanceof Promise; // only promises are awaited, as in compare()
    const start = process.cpuUsage();
    if (isAsync) for (let i = 0; i < opsPerRound; i++) await fn();
    else for (let i = 0; i < opsPerRound; i++) fn();
    const used = process.cpuUsage(start);
    return ((used.user + used.system) * 1000) / opsPerRound;
  };
  await measure(floor);
  await measure(candidate);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < 21; r++) {
    a.push(await measure(floor));
    b.push(await measure(candidate));
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
  note(
    `- CPU-time cross-check (process CPU: main thread + GC helpers; both candidates single-threaded), ${label}: floor ${(med(a) / 1000).toFixed(2)} µs, jaf-sec ${(med(b) / 1000).toFixed(2)} µs CPU per op: **${(med(b) / med(a)).toFixed(2)}x**`,
  );
}

// ---------- HS256 verify ----------
const issuer = createTokenIssuer({
  key: { alg: 'HS256', secret },
  issuer: claims.iss,
  audience: claims.aud,
  expiresIn: 3600,
  jti: false,
});
const hsToken = await issuer.issue({ sub: claims.sub, permissions: claims.permissions }, { now });
const verifierOptions = {
  keys: [{ alg: 'HS256' as const, secret }],
  issuer: claims.iss,
  audience: claims.aud,
};
// The default: a 512-entry parsed-payload and MAC cache.
const verifier = createTokenVerifier(verifierOptions);
// No cache at all: every call decodes, parses and MACs.
const uncached = createTokenVerifier({ ...verifierOptions, claimsCacheSize: 0 });
const check = await verifier.verify(hsToken);
if (!check.ok) throw new Error(`bench token refused: ${check.error.code}`);

const secretKey = createSecretKey(secret);
/**
 * The floor: what any HS256 verifier must do at least. base64url-decode and JSON.parse of
 * the payload, node:crypto HMAC of the signing input, constant-time compare with the
 * decoded signature. No claim check at all (jaf-sec and the peers also check exp, iss, aud).
 */
function floorVerifyHs256(token: string): Record<string, unknown> | undefined {
  const dot1 = token.indexOf('.');
  const dot2 = token.lastIndexOf('.');
  const mac = createHmac('sha256', secretKey).update(token.slice(0, dot2)).digest();
  const sig = Buffer.from(token.slice(dot2 + 1), 'base64url');
  if (sig.length !== mac.length || !timingSafeEqual(mac, sig)) return undefined;
  return JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), 'base64url').toString('utf8'));
}
if (floorVerifyHs256(hsToken) === undefined) throw new Error('floor refused the token');
const FLOOR = 'floor: base64url + JSON.parse payload + node:crypto HMAC + timingSafeEqual';

// jose on Node verifies HMAC with Web Crypto: its fastest form is a CryptoKey imported once
// (importJWK of an `oct` key returns a Uint8Array, which jose imports again on every call).
const joseHsKey = await webcrypto.subtle.importKey(
  'raw',
  secret,
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['sign', 'verify'],
);
// jsonwebtoken's fast path is a KeyObject: given a Buffer or string secret it first tries
// createPublicKey on it, which throws, on every call.
const jwtKeyObject = createSecretKey(secret);
const fastVerify = createVerifier({ key: secret.toString('latin1'), algorithms: ['HS256'] });
const fastVerifyCached = createVerifier({
  key: secret.toString('latin1'),
  algorithms: ['HS256'],
  cache: true,
});
fastVerify(hsToken);
// Web Crypto runs every HMAC on the libuv thread pool: one round trip per op. Its batches
// run 50 ms instead of 2 ms, so the pool's wake-up is amortised rather than timed.
const THREAD_POOL_MS = 50;

note(
  `Load average at start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ', ',
    )} on ${cpus().length} cores (other work shares the machine; the CPU-time cross-checks are the steadier figures).`,
);
note(
  `HS256 token of ${hsToken.length} characters; jaf-sec checks the signature, exp, iss, aud, permissions; jose, fast-jwt and jsonwebtoken check the signature and exp (jose also iss/aud, as configured). Every candidate is given the key form its docs make fastest: jose a CryptoKey imported once, jsonwebtoken a KeyObject, fast-jwt a string secret in a verifier built once.`,
);

// The headline: a token never seen before on every call (4,096 distinct tokens cycled, more
// than any candidate's cache holds), and every cache off.
const POOL = 4096;
const pool = await Promise.all(
  Array.from({ length: POOL }, (_, i) =>
    issuer.issue({ sub: `user-${i}`, permissions: claims.permissions }, { now }),
  ),
);
const cycler = () => {
  let i = 0;
  return (): string => {
    i = (i + 1) & (POOL - 1);
    return pool[i]!;
  };
};
const [p0, p1, p2, p3, p4, p5, p6] = Array.from({ length: 7 }, cycler) as (() => string)[];
const hsVerifyCold = await compare(
  'HS256 verify of a never-seen token (a different token each call, no cache on)',
  [
    { name: FLOOR, fn: () => floorVerifyHs256(p0!()) },
    {
      name: 'jaf-sec verifier.verify (claimsCacheSize: 0)',
      fn: () => uncached.verify(p1!()),
    },
    {
      name: 'jaf-sec verifier.verifySync (claimsCacheSize: 0)',
      fn: () => uncached.verifySync(p2!()),
    },
    {
      name: 'jaf-sec verifier.verify (default 512-entry cache, always missing)',
      fn: () => verifier.verify(p3!()),
    },
    {
      name: 'jose jwtVerify (CryptoKey imported once; thread pool, 50 ms batches)',
      fn: () => jwtVerify(p4!(), joseHsKey, { issuer: claims.iss, audience: claims.aud }),
      targetMs: THREAD_POOL_MS,
    },
    { name: 'fast-jwt createVerifier (cache off, its default)', fn: () => fastVerify(p5!()) },
    {
      name: 'jsonwebtoken verify (KeyObject)',
      fn: () => jsonwebtoken.verify(p6!(), jwtKeyObject, { algorithms: ['HS256'] }),
    },
  ],
  { ...ROUNDS, baseline: FLOOR },
);
const coldJaf = ratio(hsVerifyCold, 'jaf-sec verifier.verify (claimsCacheSize: 0)');
target('jaf-sec HS256 verify of a never-seen token vs floor', coldJaf, 1.3);
const vsFast = ratio(hsVerifyCold, 'fast-jwt createVerifier (cache off, its default)') / coldJaf;
note(
  `- vs fast-jwt uncached: **${vsFast.toFixed(2)}x** faster (target >= 1.5x) ${vsFast >= 1.5 ? 'met' : '**MISSED**'}`,
);
const missVsNone =
  ratio(hsVerifyCold, 'jaf-sec verifier.verify (default 512-entry cache, always missing)') /
  coldJaf;
note(
  `- an always-missing cache vs no cache: **${missVsNone.toFixed(2)}x** the time (target <= 1.00x, within noise) ${missVsNone <= 1.05 ? 'met' : '**MISSED**'}`,
);
const cpuPick = cycler();
const cpuPick2 = cycler();
await cpuRatio(
  'HS256 verify of a never-seen token, uncached',
  () => floorVerifyHs256(cpuPick()),
  () => uncached.verifySync(cpuPick2()),
  20_000,
);

// Cached figures, only beside peers' own caches: the same token on every call.
const hsVerifyCached = await compare(
  'HS256 verify, the same token every call (caches on: jaf-sec default, fast-jwt cache: true)',
  [
    { name: FLOOR, fn: () => floorVerifyHs256(hsToken) },
    { name: 'jaf-sec verifier.verify (default cache, hit)', fn: () => verifier.verify(hsToken) },
    {
      name: 'jaf-sec verifier.verifySync (default cache, hit)',
      fn: () => verifier.verifySync(hsToken),
    },
    { name: 'fast-jwt createVerifier (cache: true, hit)', fn: () => fastVerifyCached(hsToken) },
  ],
  { ...ROUNDS, baseline: FLOOR },
);
note(
  `- cached, the same token each call (a cache hit, not the headline): jaf-sec ${ratio(hsVerifyCached, 'jaf-sec verifier.verify (default cache, hit)').toFixed(2)}x the floor, fast-jwt with its cache ${ratio(hsVerifyCached, 'fast-jwt createVerifier (cache: true, hit)').toFixed(2)}x.`,
);

// ---------- HS256 sign ----------
const headerB64 = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
function floorSignHs256(): string {
  const t = Math.floor(Date.now() / 1000);
  const payload = JSON.stringify({
    iss: claims.iss,
    aud: claims.aud,
    iat: t,
    exp: t + 3600,
    sub: claims.sub,
    permissions: claims.permissions,
  });
  const input = `${headerB64}.${Buffer.from(payload).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secretKey).update(input).digest('base64url')}`;
}
const issuerWithJti = createTokenIssuer({
  key: { alg: 'HS256', secret },
  issuer: claims.iss,
  audience: claims.aud,
  expiresIn: 3600,
});
const fastSign = createSigner({
  key: secret.toString('latin1'),
  algorithm: 'HS256',
  expiresIn: 3600_000,
});
const signClaims = { sub: claims.sub, permissions: claims.permissions };
const hsSign = await compare(
  'HS256 sign',
  [
    { name: 'floor: JSON + base64url + node:crypto HMAC', fn: floorSignHs256 },
    { name: 'jaf-sec issuer.issue', fn: () => issuer.issue(signClaims) },
    {
      name: 'jaf-sec issuer.issue (+ random jti, the default)',
      fn: () => issuerWithJti.issue(signClaims),
    },
    {
      name: 'jose SignJWT (CryptoKey imported once; thread pool, 50 ms batches)',
      fn: () =>
        new SignJWT(signClaims)
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuer(claims.iss)
          .setAudience(claims.aud)
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(joseHsKey),
      targetMs: THREAD_POOL_MS,
    },
    {
      name: 'fast-jwt createSigner',
      fn: () => fastSign({ ...signClaims, iss: claims.iss, aud: claims.aud }),
    },
    {
      name: 'jsonwebtoken sign (KeyObject)',
      fn: () =>
        jsonwebtoken.sign(signClaims, jwtKeyObject, {
          algorithm: 'HS256',
          expiresIn: 3600,
          issuer: claims.iss,
          audience: claims.aud,
        }),
    },
  ],
  { ...ROUNDS, baseline: 'floor: JSON + base64url + node:crypto HMAC' },
);
target('jaf-sec HS256 sign vs floor', ratio(hsSign, 'jaf-sec issuer.issue'), 1.5);
await cpuRatio('HS256 sign', floorSignHs256, () => issuer.issue(signClaims), 20_000);

// ---------- ES256 and EdDSA verify ----------
async function asymmetric(alg: 'ES256' | 'EdDSA'): Promise<void> {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519');
  const privatePem = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const publicPem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const token = await createTokenIssuer({ key: { alg, privateKey: privatePem }, jti: false }).issue(
    claims,
    { now },
  );
  const jafVerifier = createTokenVerifier({ keys: [{ alg, publicKey: publicPem }] });
  const ok = await jafVerifier.verify(token);
  if (!ok.ok) throw new Error(`${alg} bench token refused: ${ok.error.code}`);
  const keyObject: KeyObject = createPublicKey(publicPem);
  const keyInput =
    alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' as const } : keyObject;
  const digest = alg === 'ES256' ? 'sha256' : null;
  const floor = (t: string): boolean => {
    const dot = t.lastIndexOf('.');
    return nodeVerify(
      digest,
      Buffer.from(t.slice(0, dot)),
      keyInput,
      Buffer.from(t.slice(dot + 1), 'base64url'),
    );
  };
  if (!floor(token)) throw new Error('floor refused');
  const joseKey = await importJWK(keyObject.export({ format: 'jwk' }), alg);
  const rows = await compare(
    `${alg} verify`,
    [
      { name: 'floor: node:crypto verify (KeyObject imported once)', fn: () => floor(token) },
      {
        // The same token each call: the default cache reuses the parsed payload; the
        // signature is verified on every call (no MAC-style cache for asymmetric keys).
        name: 'jaf-sec verifier.verify (same token; default cache: payload reused, signature checked)',
        fn: () => jafVerifier.verify(token),
      },
      {
        name: 'jose jwtVerify (CryptoKey imported once; thread pool, 50 ms batches)',
        fn: () => jwtVerify(token, joseKey),
        targetMs: THREAD_POOL_MS,
      },
    ],
    { ...ROUNDS, baseline: 'floor: node:crypto verify (KeyObject imported once)' },
  );
  target(
    `jaf-sec ${alg} verify vs floor`,
    ratio(
      rows,
      'jaf-sec verifier.verify (same token; default cache: payload reused, signature checked)',
    ),
    1.1,
  );
  await cpuRatio(
    `${alg} verify`,
    () => floor(token),
    () => jafVerifier.verify(token),
    400,
  );
}
await asymmetric('ES256');
await asymmetric('EdDSA');

await writeSection('tokens', 'Tokens (JWT issue and verify)', {
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
  jose: await versionOf('jose'),
  'fast-jwt': await versionOf('fast-jwt'),
  jsonwebtoken: await versionOf('jsonwebtoken'),
});
