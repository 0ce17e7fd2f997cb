// Focused overhead of the OpenTelemetry hooks on protect() (issue 18): no hooks, against
// createOtelHooks() with OpenTelemetry absent (target <= 1.05x) and with @opentelemetry/api
// present but no SDK registered, i.e. the API's no-op providers (target <= 1.2x).
// CPU time (process.cpuUsage) in 15 alternating blocks, median ratio: other processes on a
// shared machine do not inflate it.
// Run: pnpm --filter @jaf-sec/core build && cd bench && node --import tsx otel-overhead.bench.ts

import { createOtelHooks } from '@jaf-sec/core/audit';
import {
  authenticate,
  createSecurity,
  requirePermission,
  type SecurityRequest,
} from '@jaf-sec/core/protect';
import { createTokenIssuer, createTokenVerifier } from '@jaf-sec/core/tokens';
import * as otel from '@opentelemetry/api';

const secret = 'bench-secret-bench-secret-bench-secret-0123456789';
const now = Date.now();
const issuer = createTokenIssuer({
  key: { alg: 'HS256', secret },
  issuer: 'jaf-system',
  expiresIn: 3600,
  jti: false,
  clock: () => now,
});
const token = await issuer.issue({ sub: 'user-1234', permissions: ['chat:basic'] });
const verifier = createTokenVerifier({
  keys: [{ alg: 'HS256', secret }],
  issuer: 'jaf-system',
  clock: () => now,
});
const security = createSecurity({
  rules: [authenticate({ jwt: verifier }), requirePermission('chat:basic')],
  clock: () => now,
});
const rules = [authenticate({ jwt: verifier }), requirePermission('chat:basic')];
// The recommended wiring: createSecurity({ rules, monitor: hooks.monitor }).
const absent = createSecurity({ rules, clock: () => now, monitor: createOtelHooks().monitor });
const noop = createSecurity({
  rules,
  clock: () => now,
  monitor: createOtelHooks({ api: otel }).monitor,
});
// The same no-op meter passed as `metrics` (not recognised as the API's no-op meter): the cost
// of the per-request metric calls themselves.
const noopCalls = createSecurity({
  rules,
  clock: () => now,
  monitor: createOtelHooks({ metrics: otel.metrics, trace: otel.trace }).monitor,
});
const request: SecurityRequest = {
  method: 'POST',
  url: 'https://api.example.com/chat',
  headers: { get: (name: string) => (name === 'authorization' ? `Bearer ${token}` : null) },
};

const N = 20_000;
async function cpu(s: typeof security): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < N; i++) await s.protect(request);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / N;
}
// warm-up
for (const s of [security, absent, noop, noopCalls]) await cpu(s);
const results: Record<string, number[]> = { absent: [], noop: [], noopCalls: [] };
const variant = { absent, noop, noopCalls };
const base: number[] = [];
for (let i = 0; i < 15; i++) {
  const names = ['absent', 'noop', 'noopCalls'] as const;
  const order = [...names.slice(i % 3), ...names.slice(0, i % 3)];
  const b = await cpu(security);
  base.push(b);
  for (const name of order) results[name]!.push((await cpu(variant[name])) / b);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `no hooks: ${median(base).toFixed(2)} µs CPU per protect() (median of 15 blocks of ${N})`,
);
for (const [name, limit] of [
  ['absent', 1.05],
  ['noop', 1.2],
  ['noopCalls', 1.2],
] as const) {
  const r = median(results[name]!);
  const sorted = [...results[name]!].sort((a, b) => a - b);
  console.log(
    `${{ absent: 'OpenTelemetry absent', noop: 'API present, no-op provider', noopCalls: 'no-op meter not recognised (metric calls made)' }[name]}: ${r.toFixed(3)}x (range ${sorted[0]!.toFixed(2)}-${sorted[14]!.toFixed(2)}x, target <= ${limit}x) ${r <= limit ? 'met' : 'MISSED'}`,
  );
}
