// API key benchmarks: jaf-sec's verifyApiKey (parse, checksum, hash, memory-store lookup,
// use recorded) against the floor: a bare node:crypto SHA-256 of the key plus a Map lookup.
// Each comparison runs three times in rotated order; targets use the median ratio.
// Run: pnpm --filter @jaf-sec/core build && cd bench && node --expose-gc --import tsx keys.bench.ts
import { createHash, hash as oneShotHash } from 'node:crypto';
import {
  createApiKeyVerifier,
  createMemoryKeyStore,
  issueApiKey,
  parseApiKey,
  verifyApiKey,
} from '@jaf-sec/core/keys';
import { note, versionOf, writeSection } from './lib/harness.js';
import { ratio, rotated, target } from './lib/rotated.js';

const now = Date.now();
// A store with 10,000 keys, as a service with many clients would hold.
const store = createMemoryKeyStore({ maxEntries: 20_000 });
const floorMap = new Map<string, { owner: string; scopes: string[] }>();
let key = '';
for (let i = 0; i < 10_000; i++) {
  const issued = await issueApiKey(store, {
    owner: `svc-${i}`,
    scopes: ['agent:*'],
    environment: 'live',
    now,
  });
  floorMap.set(issued.hash, { owner: `svc-${i}`, scopes: ['agent:*'] });
  if (i === 5000) key = issued.key;
}
const verifier = createApiKeyVerifier({ store, environments: ['live'], clock: () => now });
const check = await verifier.verify(key);
if (!check.ok) throw new Error(`bench setup: key does not verify (${check.error.code})`);
if (!floorMap.get(createHash('sha256').update(key).digest('hex'))) {
  throw new Error('bench setup: floor lookup failed');
}

const FLOOR = 'floor: createHash(sha256).digest(hex) + Map.get';
const FAST_FLOOR = 'floor (one-shot crypto.hash hex) + Map.get';
const VERIFIER = 'jaf-sec createApiKeyVerifier().verify';
const ONE_SHOT = 'jaf-sec verifyApiKey (one-shot)';
const rows = await rotated(
  'verify an API key (10,000 keys in memory)',
  [
    { name: FLOOR, fn: () => floorMap.get(createHash('sha256').update(key).digest('hex')) },
    { name: FAST_FLOOR, fn: () => floorMap.get(oneShotHash('sha256', key, 'hex')) },
    { name: 'jaf-sec parseApiKey (offline checks only)', fn: () => parseApiKey(key) },
    { name: VERIFIER, fn: () => verifier.verify(key) },
    { name: ONE_SHOT, fn: () => verifyApiKey(key, store, { now }) },
  ],
  { rounds: 21 },
);
target('verifyApiKey vs createHash SHA-256 + Map.get (the issue target)', ratio(rows, ONE_SHOT), 2);
target('createApiKeyVerifier().verify vs createHash SHA-256 + Map.get', ratio(rows, VERIFIER), 2);
note(
  `- informational: verify vs the one-shot crypto.hash floor: ${(ratio(rows, VERIFIER) / ratio(rows, FAST_FLOOR)).toFixed(2)}x. The floors do no format/checksum check, no revocation/expiry/use-limit checks, record no use and are synchronous; jaf-sec's store API is async (one awaited, atomic store call per verification: check revoked/expired/uses and record the use). jaf-sec hashes with the one-shot crypto.hash, which is why it can beat the createHash floor.`,
);
note(
  '- a mistyped key is refused by the checksum before any hashing or store access: see the parseApiKey row.',
);

await writeSection('keys', 'API keys', { '@jaf-sec/core': await versionOf('@jaf-sec/core') });
