// protect() benchmarks: the whole pipeline with authenticate + requirePermission per
// request, against verifying the same HS256 token alone with the same prepared verifier.
// Each comparison runs three times in rotated order; targets use the median ratio.
// Run: pnpm --filter @jaf-sec/core build && cd bench && node --expose-gc --import tsx protect.bench.ts
import { createApiKeyVerifier, createMemoryKeyStore, issueApiKey } from '@jaf-sec/core/keys';
import {
  authenticate,
  createSecurity,
  requirePermission,
  type SecurityRequest,
} from '@jaf-sec/core/protect';
import { JAF_ROLES } from '@jaf-sec/core/rbac';
import { createTokenIssuer, createTokenVerifier } from '@jaf-sec/core/tokens';
import { note, versionOf, writeSection } from './lib/harness.js';
import { ratio, rotated, target } from './lib/rotated.js';

const secret = 'bench-secret-bench-secret-bench-secret-0123456789';
const now = Date.now();
const issuer = createTokenIssuer({
  key: { alg: 'HS256', secret },
  issuer: 'jaf-system',
  expiresIn: 3600,
  jti: false,
  clock: () => now,
});
const token = await issuer.issue({
  sub: 'user-1234',
  permissions: ['chat:basic', 'chat:advanced'],
});
const roleToken = await issuer.issue({ sub: 'user-1234', roles: ['premium_user'] });
const verifier = createTokenVerifier({
  keys: [{ alg: 'HS256', secret }],
  issuer: 'jaf-system',
  clock: () => now,
});

const security = createSecurity({
  rules: [authenticate({ jwt: verifier }), requirePermission('chat:basic')],
  clock: () => now,
});
const withRoles = createSecurity({
  rules: [
    authenticate({ jwt: verifier }),
    requirePermission({ all: ['chat:basic', 'chat:advanced'] }, { rbac: JAF_ROLES }),
  ],
  clock: () => now,
});
const empty = createSecurity({ rules: [], clock: () => now });

// A minimal header view (what an adapter hands over), and the Web Headers class.
function plainRequest(headers: Record<string, string>): SecurityRequest {
  return {
    method: 'POST',
    url: 'https://api.example.com/chat',
    headers: { get: (name: string) => headers[name] ?? null },
  };
}
const authorization = `Bearer ${token}`;
const bearer = plainRequest({ authorization });
const bearerRoles = plainRequest({ authorization: `Bearer ${roleToken}` });
const bearerWeb: SecurityRequest = {
  method: 'POST',
  url: 'https://api.example.com/chat',
  headers: new Headers({ authorization }),
};

for (const [label, s, r] of [
  ['plain', security, bearer],
  ['roles', withRoles, bearerRoles],
  ['web', security, bearerWeb],
] as const) {
  const d = await s.protect(r);
  if (!d.allowed) throw new Error(`bench setup (${label}): denied with ${d.code}`);
}

const BASE = 'verifier.verify(token) alone (HS256)';
const PROTECT = 'protect(): authenticate + requirePermission';
const tokenRatios = await rotated(
  'HS256 bearer token: protect() vs verifying the token alone',
  [
    { name: BASE, fn: () => verifier.verify(token) },
    {
      name: 'by hand: verify(header.slice(7), { now })',
      fn: () => verifier.verify(authorization.slice(7), { now }),
    },
    { name: 'protect(): no rules (pipeline floor)', fn: () => empty.protect(bearer) },
    { name: PROTECT, fn: () => security.protect(bearer) },
    {
      name: 'protect(): + roles claim through JAF_ROLES (all of 2)',
      fn: () => withRoles.protect(bearerRoles),
    },
    { name: 'protect(): Web Headers request', fn: () => security.protect(bearerWeb) },
  ],
  { rounds: 21 },
);
target(
  'protect() with authenticate + requirePermission vs verifyToken alone (median of 3 runs)',
  ratio(tokenRatios, PROTECT),
  1.3,
);

// Cross-check in CPU time (process.cpuUsage), which other processes on a loaded machine do
// not inflate: alternating blocks of the baseline and protect(), median of 15 pairs.
async function cpuMicros(fn: () => Promise<unknown>, n: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}
const cpuRatios: number[] = [];
let cpuBase = 0;
let cpuProtect = 0;
for (let i = 0; i < 15; i++) {
  const b = await cpuMicros(() => verifier.verify(token), 3000);
  const p = await cpuMicros(() => security.protect(bearer), 3000);
  cpuRatios.push(p / b);
  cpuBase += b / 15;
  cpuProtect += p / 15;
}
cpuRatios.sort((a, b) => a - b);
note(
  `CPU-time cross-check: verify alone ${cpuBase.toFixed(2)} µs, protect() ${cpuProtect.toFixed(2)} µs of CPU per op (means); median ratio of 15 alternating blocks **${cpuRatios[7]!.toFixed(2)}x** (range ${cpuRatios[0]!.toFixed(2)}-${cpuRatios[14]!.toFixed(2)}x).`,
);
note('');

// The API key path: protect() against the key verifier alone, same store.
const store = createMemoryKeyStore();
const apiKey = await issueApiKey(store, { owner: 'svc', scopes: ['agent:*'], now });
const keyVerifier = createApiKeyVerifier({ store, clock: () => now });
const keySecurity = createSecurity({
  rules: [authenticate({ apiKey: { store } }), requirePermission('agent:manage')],
  clock: () => now,
});
const keyRequest = plainRequest({ 'x-api-key': apiKey.key });
if (!(await keySecurity.protect(keyRequest)).allowed) throw new Error('bench setup: key denied');
const KEY_BASE = 'createApiKeyVerifier().verify alone';
const KEY_PROTECT = 'protect(): authenticate(apiKey) + requirePermission';
const keyRatios = await rotated(
  'API key: protect() vs verifying the key alone',
  [
    { name: KEY_BASE, fn: () => keyVerifier.verify(apiKey.key) },
    { name: KEY_PROTECT, fn: () => keySecurity.protect(keyRequest) },
  ],
  { rounds: 21 },
);
note(
  `- informational: API key protect() vs the key verifier alone: ${ratio(keyRatios, KEY_PROTECT).toFixed(2)}x (median of 3 runs)`,
);

await writeSection('protect', 'protect() pipeline', {
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
});
