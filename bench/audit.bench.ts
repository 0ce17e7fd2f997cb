// Security event logging cost per request:
// - pino alone: the application writing the same event by hand with pino (the floor a
//   Node user would pick), to a discarding destination;
// - jaf-sec audit log (onDecision) with core's deep redactor, writing through the same pino
//   logger, and through its own JSON-lines sink; without redaction; with the hash chain.
// Every candidate serialises the event to a JSON string (pino does so inside, the JSON-lines
// sink does so itself) and throws it away, so the figures are CPU cost, not I/O.
// Run: pnpm --filter @jaf-sec/core build && cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx audit.bench.ts
import { createAuditLog, createJsonLinesSink, createPinoSink } from '@jaf-sec/core/audit';
import type { Decision, SecurityRequest } from '@jaf-sec/core/protect';
import pino from 'pino';
import { compare, note, type Row, versionOf, writeSection } from './lib/harness.js';

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

const rowsFor: Record<string, Row[]> = {};
for (const [label, decision] of [
  ['denied request (authn_token_invalid with details)', denied],
  ['allowed request (authn_login_success)', allowed],
] as const) {
  rowsFor[label] = await compare(`Per request: ${label}`, [
    { name: 'pino alone (by hand, no redaction)', fn: () => pinoByHand(decision) },
    { name: 'jaf-sec audit -> pino, redacted', fn: () => auditPino.onDecision(decision, request) },
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
  ]);
}

const deniedRows = Object.values(rowsFor)[0]!;
const pinoNs = deniedRows[0]!.medianNs;
const redactedNs = deniedRows[1]!.medianNs;
note(
  `\nOn a denial, the full audit path (mapping, neutralisation, core redaction, event building, pino) costs **${(redactedNs / 1000).toFixed(1)} µs** against **${(pinoNs / 1000).toFixed(1)} µs** for pino alone (**${(redactedNs / pinoNs).toFixed(2)}x**); redaction is the difference between the "redacted" and "redact: false" rows. Allowed requests that no rule turns into an event cost only the map lookups.`,
);

await writeSection('audit', 'Security event logging (audit)', {
  pino: await versionOf('pino'),
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
});
