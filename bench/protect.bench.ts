// protect() benchmarks: the whole pipeline with authenticate + requirePermission per
// request, against verifying the same HS256 token alone with the same prepared verifier.
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
import { compare, note, type Row, versionOf, writeSection } from './lib/harness.js';

const ratio = (rows: Row[], name: string): number => rows.find((r) => r.name === name)!.ratio;
function target(label: string, value: number, limit: number): void {
  note(
    `- ${label}: **${value.toFixed(2)}x** (target <= ${limit}x) ${value <= limit ? 'met' : '**MISSED**'}`,
  );
}

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

// A minimal header view (what an adapter hands over), and the Web Headers class.
function plainRequest(headers: Record<string, string>): SecurityRequest {
  return {
    method: 'POST',
    url: 'https://api.example.com/chat',
    headers: { get: (name: string) => headers[name] ?? null },
  };
}
const bearer = plainRequest({ authorization: `Bearer ${token}` });
const bearerRoles = plainRequest({ authorization: `Bearer ${roleToken}` });
const bearerWeb: SecurityRequest = {
  method: 'POST',
  url: 'https://api.example.com/chat',
  headers: new Headers({ authorization: `Bearer ${token}` }),
};

for (const [label, s, r] of [
  ['plain', security, bearer],
  ['roles', withRoles, bearerRoles],
  ['web', security, bearerWeb],
] as const) {
  const d = await s.protect(r);
  if (!d.allowed) throw new Error(`bench setup (${label}): denied with ${d.code}`);
}

const empty = createSecurity({ rules: [], clock: () => now });
const authorization = `Bearer ${token}`;
const rows = await compare('HS256 bearer token: protect() vs verifying the token alone', [
  { name: 'verifier.verify(token) alone (HS256)', fn: () => verifier.verify(token) },
  {
    name: 'by hand: verify(header.slice(7), { now })',
    fn: () => verifier.verify(authorization.slice(7), { now }),
  },
  { name: 'protect(): no rules (pipeline floor)', fn: () => empty.protect(bearer) },
  {
    name: 'protect(): authenticate + requirePermission',
    fn: () => security.protect(bearer),
  },
  {
    name: 'protect(): + roles claim through JAF_ROLES (all of 2)',
    fn: () => withRoles.protect(bearerRoles),
  },
  {
    name: 'protect(): Web Headers request',
    fn: () => security.protect(bearerWeb),
  },
]);
note('');
target(
  'protect() with authenticate + requirePermission vs verifyToken alone',
  ratio(rows, 'protect(): authenticate + requirePermission'),
  1.3,
);

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
const keyRows = await compare('API key: protect() vs verifying the key alone', [
  { name: 'createApiKeyVerifier().verify alone', fn: () => keyVerifier.verify(apiKey.key) },
  {
    name: 'protect(): authenticate(apiKey) + requirePermission',
    fn: () => keySecurity.protect(keyRequest),
  },
]);
note('');
note(
  `- informational: API key protect() vs the key verifier alone: ${ratio(keyRows, 'protect(): authenticate(apiKey) + requirePermission').toFixed(2)}x`,
);

await writeSection('protect', 'protect() pipeline', {
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
});
