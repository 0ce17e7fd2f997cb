// Webhook benchmarks: verifyWebhook (Standard Webhooks) against the `standardwebhooks`
// package (the reference library) and against the floor, a bare node:crypto HMAC-SHA256 of
// the signed content, at 1 KiB and 64 KiB; signWebhook at 64 KiB against the same floor.
// Run: pnpm --filter @jaf-sec/core build && cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx webhooks.bench.ts
import { createHmac, randomBytes } from 'node:crypto';
import { createWebhookSigner, createWebhookVerifier, signWebhook } from '@jaf-sec/core/signing';
import { Webhook } from 'standardwebhooks';
import { note, versionOf, writeSection } from './lib/harness.js';
import { cpuRatio, ratio, rotated } from './lib/rotated.js';

const results: string[] = [];
const secretBytes = randomBytes(32);
const secret = `whsec_${secretBytes.toString('base64')}`;
const reference = new Webhook(secret);
// De-duplication off: the reference library has none, and each op re-verifies one message.
const verifier = createWebhookVerifier({ secret, nonceStore: null });

note('### verifyWebhook (Standard Webhooks)\n');
note(
  'Every candidate checks the same message: headers, timestamp tolerance and the v1 HMAC-SHA256 over `id.timestamp.body`. The floor is the HMAC alone.\n',
);
for (const size of [1024, 64 * 1024]) {
  const label = size === 1024 ? '1 KiB' : '64 KiB';
  const payload = JSON.stringify({ type: 'agent.completed', data: 'x'.repeat(size - 40) });
  const bytes = new TextEncoder().encode(payload);
  const ts = Math.floor(Date.now() / 1000);
  const headers = signWebhook({ id: 'msg_bench', timestamp: ts, payload }, secret);
  const expected = reference.sign('msg_bench', new Date(ts * 1000), payload);
  if (expected !== headers['webhook-signature']) throw new Error('bench setup: signatures differ');
  const ok = await verifier.verify({ headers, body: payload });
  if (!ok.ok) throw new Error(`bench setup: ${ok.error.code}`);
  const rows = await rotated(
    `verify ${label}`,
    [
      {
        name: 'node:crypto HMAC',
        fn: () =>
          createHmac('sha256', secretBytes).update(`msg_bench.${ts}.`).update(bytes).digest(),
      },
      {
        name: 'jaf-sec verifyWebhook (bytes)',
        fn: () => verifier.verify({ headers, body: bytes }),
      },
      {
        name: 'jaf-sec verifyWebhook (text)',
        fn: () => verifier.verify({ headers, body: payload }),
      },
      { name: 'standardwebhooks verify', fn: () => reference.verify(payload, headers) },
    ],
    { bytesPerOp: size },
  );
  const ours = ratio(rows, 'jaf-sec verifyWebhook (bytes)');
  const peer = ratio(rows, 'standardwebhooks verify');
  let cpuNote = '';
  if (size >= 65536) {
    const cpu = await cpuRatio(
      `verifyWebhook ${label}`,
      () => createHmac('sha256', secretBytes).update(`msg_bench.${ts}.`).update(bytes).digest(),
      () => verifier.verify({ headers, body: bytes }),
      400,
    );
    cpuNote = `; CPU **${cpu.toFixed(2)}x** (target <= 1.1x of node:crypto, judged on CPU time: ${cpu <= 1.1 ? 'met' : '**MISSED**'})`;
  }
  results.push(
    `- verifyWebhook ${label}: wall **${ours.toFixed(2)}x** the bare HMAC${cpuNote}; standardwebhooks ${peer.toFixed(2)}x; jaf-sec is ${(peer / ours).toFixed(1)}x faster than standardwebhooks`,
  );
}

const big = new Uint8Array(randomBytes(64 * 1024));
const ts = Math.floor(Date.now() / 1000);
const signer = createWebhookSigner(secret);
const signInput = { id: 'msg_bench', timestamp: ts, payload: big };
const byHandSign = () =>
  createHmac('sha256', secretBytes).update(`msg_bench.${ts}.`).update(big).digest('base64');
const srows = await rotated(
  'sign 64 KiB',
  [
    { name: 'node:crypto HMAC', fn: byHandSign },
    { name: 'jaf-sec createWebhookSigner().sign', fn: () => signer.sign(signInput) },
    { name: 'jaf-sec signWebhook (one-shot)', fn: () => signWebhook(signInput, secret) },
  ],
  { bytesPerOp: big.length },
);
note(
  '\nThe one-shot signWebhook decodes and keys the secret on every call; a sender signing many messages uses createWebhookSigner, which does that once.\n',
);
const signCpu = await cpuRatio(
  'createWebhookSigner().sign 64 KiB',
  byHandSign,
  () => signer.sign(signInput),
  400,
);
results.push(
  `- createWebhookSigner().sign 64 KiB: wall **${ratio(srows, 'jaf-sec createWebhookSigner().sign').toFixed(2)}x**, CPU **${signCpu.toFixed(2)}x** the bare HMAC (target <= 1.1x, judged on CPU time: ${signCpu <= 1.1 ? 'met' : '**MISSED**'}); one-shot signWebhook ${ratio(srows, 'jaf-sec signWebhook (one-shot)').toFixed(2)}x`,
);

note('\n### Targets\n');
for (const r of results) note(r);
await writeSection('webhooks', 'Webhooks (Standard Webhooks)', {
  node: process.version,
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
  standardwebhooks: await versionOf('standardwebhooks'),
});
