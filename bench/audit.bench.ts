// Security event logging cost per request:
// - pino alone: the application writing the same event by hand with pino (the floor a
//   Node user would pick), to a discarding destination;
// - jaf-sec audit log (onDecision) with core's deep redactor, writing through the same pino
//   logger, and through its own JSON-lines sink; without redaction; with the hash chain.
// Every candidate serialises the event to a JSON string (pino does so inside, the JSON-lines
// sink does so itself) and throws it away, so the figures are CPU cost, not I/O.
// The machine is shared: each comparison runs three times in rotated order (median ratio),
// with a CPU-time cross-check of the main comparisons.
// Run: pnpm --filter @jaf-sec/core build && cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx audit.bench.ts
import { createAuditLog, createJsonLinesSink, createPinoSink } from '@jaf-sec/core/audit';
import type { Decision, SecurityRequest } from '@jaf-sec/core/protect';
import pino from 'pino';
import { compare, note, versionOf, writeSection } from './lib/harness.js';
import { rotated } from './lib/rotated.js';

const sinkStream = { write: (_chunk: string) => {} };
const logger = pino({ base: null, timestamp: pino.stdTimeFunctions.isoTime }, sinkStream);

const request: SecurityRequest = {
  method: 'POST',
  url: 'https://api.example.com/v1/chat/completions?stream=true',
  headers: new Headers(),
  ip: '203.0.113.77',
  requestId: 'req_01HZY3V6Q8',
};

// A typical denial: authentication failed, with the rule's details.
const denied: Decision = {
  allowed: false,
  status: 401,
  code: 'TOKEN_EXPIRED',
  message: 'Unauthorized.',
  headers: {},
  principal: undefined,
  results: [
    {
      rule: 'authenticate',
      conclusion: 'deny',
      code: 'TOKEN_EXPIRED',
      dryRun: false,
      status: 401,
      details: {
        scheme: 'Bearer',
        kid: 'key-2026-01',
        expiredAt: 1767225600000,
        subject: 'user-42',
      },
    },
  ],
  state: {},
};
// A typical allowed request: authenticated (one event), rate limit passed (no event).
const allowed: Decision = {
  allowed: true,
  status: 200,
  code: 'ALLOWED',
  message: '',
  headers: {},
  principal: { id: 'user-42', kind: 'jwt', permissions: ['chat:basic'] },
  results: [
    {
      rule: 'authenticate',
      conclusion: 'allow',
      code: 'AUTHENTICATED',
      dryRun: false,
      details: { method: 'jwt' },
    },
    { rule: 'rateLimit', conclusion: 'allow', code: 'ALLOWED', dryRun: false },
  ],
  state: {},
};

// What an application would write by hand with pino for the same decision.
function pinoByHand(decision: Decision): void {
  const r = decision.results[0]!;
  logger[decision.allowed ? 'info' : 'warn'](
    {
      type: decision.allowed ? 'authn_login_success' : 'authn_token_invalid',
      principal: decision.principal?.id ?? null,
      client: request.ip,
      requestId: request.requestId,
      method: request.method,
      path: '/v1/chat/completions',
      outcome: decision.allowed ? 'allow' : 'deny',
      rule: r.rule,
      code: r.code,
      status: r.status,
      details: r.details,
    },
    'security event',
  );
}

const auditPino = createAuditLog({ sink: createPinoSink(logger), app: 'bench' });
const auditPinoNoRedact = createAuditLog({
  sink: createPinoSink(logger),
  app: 'bench',
  redact: false,
});
const auditLines = createAuditLog({ sink: createJsonLinesSink(sinkStream), app: 'bench' });
const auditChain = createAuditLog({
  sink: createJsonLinesSink(sinkStream),
  app: 'bench',
  chain: true,
});
const auditKeyedChain = createAuditLog({
  sink: createJsonLinesSink(sinkStream),
  app: 'bench',
  chain: { key: crypto.getRandomValues(new Uint8Array(32)) },
});

/** CPU time per op (process.cpuUsage, this process only), alternating rounds, ratio of medians. */
async function cpuRatio(
  label: string,
  floor: () => unknown,
  candidate: () => unknown,
): Promise<number> {
  const ops = 20_000;
  const measure = (fn: () => unknown): number => {
    const start = process.cpuUsage();
    for (let i = 0; i < ops; i++) fn();
    const used = process.cpuUsage(start);
    return ((used.user + used.system) * 1000) / ops;
  };
  measure(floor);
  measure(candidate);
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < 21; r++) {
    a.push(measure(floor));
    b.push(measure(candidate));
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
  note(
    `- CPU-time cross-check, ${label}: pino alone ${(med(a) / 1000).toFixed(2)} µs, jaf-sec ${(med(b) / 1000).toFixed(2)} µs CPU per request: **${(med(b) / med(a)).toFixed(2)}x**`,
  );
  return med(b) / med(a);
}

const BASE = 'pino alone (by hand, no redaction)';
for (const [label, decision] of [
  ['denied request (authn_token_invalid with details)', denied],
  ['allowed request (authn_login_success)', allowed],
] as const) {
  await rotated(
    `Per request: ${label}`,
    [
      { name: BASE, fn: () => pinoByHand(decision) },
      {
        name: 'jaf-sec audit -> pino, redacted',
        fn: () => auditPino.onDecision(decision, request),
      },
      {
        name: 'jaf-sec audit -> pino, redact: false',
        fn: () => auditPinoNoRedact.onDecision(decision, request),
      },
      {
        name: 'jaf-sec audit -> JSON lines, redacted',
        fn: () => auditLines.onDecision(decision, request),
      },
      {
        name: 'jaf-sec audit -> JSON lines, redacted, hash chain',
        fn: () => auditChain.onDecision(decision, request),
      },
      {
        name: 'jaf-sec audit -> JSON lines, redacted, keyed chain (HMAC)',
        fn: () => auditKeyedChain.onDecision(decision, request),
      },
    ],
    { rounds: 41, targetMs: 15 },
  );
}

note('### CPU-time cross-check\n');
await cpuRatio(
  'denied request, audit -> pino redacted',
  () => pinoByHand(denied),
  () => auditPino.onDecision(denied, request),
);
await cpuRatio(
  'denied request, audit -> pino without redaction',
  () => pinoByHand(denied),
  () => auditPinoNoRedact.onDecision(denied, request),
);
await cpuRatio(
  'denied request, audit -> JSON lines, hash chain',
  () => pinoByHand(denied),
  () => auditChain.onDecision(denied, request),
);

// A request no rule turns into an event (rate limit passed, headers set): the audit log's
// whole cost is the map lookups.
const quiet: Decision = {
  ...allowed,
  principal: undefined,
  results: [
    { rule: 'rateLimit', conclusion: 'allow', code: 'ALLOWED', dryRun: false },
    { rule: 'securityHeaders', conclusion: 'allow', code: 'ALLOWED', dryRun: false },
  ],
};
const quietRows = await compare(
  'Per request without an event (two allowed rules, nothing mapped)',
  [
    { name: 'empty function', fn: () => undefined },
    { name: 'jaf-sec audit onDecision', fn: () => auditPino.onDecision(quiet, request) },
  ],
);
note(
  `\nA request that produces no event costs the audit log about ${Math.max(0, quietRows[1]!.medianNs - quietRows[0]!.medianNs).toFixed(0)} ns.`,
);

await writeSection('audit', 'Security event logging (audit)', {
  pino: await versionOf('pino'),
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
});
