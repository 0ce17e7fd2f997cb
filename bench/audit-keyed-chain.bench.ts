// Focused comparison: per-event cost of the keyed audit chain (HMAC-SHA-256 under the log's
// key) against the unkeyed one (SHA-256), same event, same JSON-lines sink that discards.
// CPU time (process.cpuUsage) of alternating rounds, ratio of medians; the target is at
// most 1.2x. The machine may be shared: the figure is a median of 31 alternating rounds.
// Run: pnpm --filter @jaf-sec/core build && cd bench && node --import tsx audit-keyed-chain.bench.ts
import { createAuditLog, createJsonLinesSink } from '@jaf-sec/core/audit';
import type { Decision, SecurityRequest } from '@jaf-sec/core/protect';

const sink = createJsonLinesSink({ write: (_chunk: string) => {} });
const request: SecurityRequest = {
  method: 'POST',
  url: 'https://api.example.com/v1/chat/completions?stream=true',
  headers: new Headers(),
  ip: '203.0.113.77',
  requestId: 'req_01HZY3V6Q8',
};
const denied: Decision = {
  allowed: false,
  status: 401,
  code: 'TOKEN_EXPIRED',
  message: 'Unauthorized.',
  results: [
    {
      rule: 'authenticate',
      conclusion: 'deny',
      code: 'TOKEN_EXPIRED',
      dryRun: false,
      status: 401,
      details: { reason: 'expired', kid: 'k-2026-01', scheme: 'bearer' },
    },
  ],
} as unknown as Decision;

const key = crypto.getRandomValues(new Uint8Array(32));
const unkeyed = createAuditLog({ sink, app: 'bench', chain: true });
const keyed = createAuditLog({ sink, app: 'bench', chain: { key } });

const ops = 20_000;
const measure = (fn: () => unknown): number => {
  const start = process.cpuUsage();
  for (let i = 0; i < ops; i++) fn();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / ops; // ns per event
};
const a: number[] = [];
const b: number[] = [];
const runA = () => unkeyed.onDecision(denied, request);
const runB = () => keyed.onDecision(denied, request);
measure(runA);
measure(runB);
for (let r = 0; r < 31; r++) {
  if (r % 2 === 0) {
    a.push(measure(runA));
    b.push(measure(runB));
  } else {
    b.push(measure(runB));
    a.push(measure(runA));
  }
}
const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
console.log(
  `unkeyed chain ${(med(a) / 1000).toFixed(2)} µs/event, keyed chain ${(med(b) / 1000).toFixed(2)} µs/event CPU: ratio ${(med(b) / med(a)).toFixed(3)}x (target <= 1.2x)`,
);
