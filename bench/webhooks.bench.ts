// Webhook benchmarks: verifyWebhook (Standard Webhooks) against the `standardwebhooks`
// package (the reference library) and against the floor, a bare node:crypto HMAC-SHA256 of
// the signed content, at 1 KiB and 64 KiB; signWebhook at 64 KiB against the same floor.
// Run: pnpm --filter @jaf-sec/core build && cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx webhooks.bench.ts
import { createHmac, randomBytes } from 'node:crypto';
import { createWebhookSigner, createWebhookVerifier, signWebhook } from '@jaf-sec/core/signing';
import { Webhook } from 'standardwebhooks';
import { type Candidate, compare, note, type Row, versionOf, writeSection } from './lib/harness.js';

const ratio = (rows: Row[], name: string): number => rows.find((r) => r.name === name)!.ratio;

/**
 * Cross-check in CPU time (process.cpuUsage), which other processes on a loaded machine do
 * not inflate: 15 alternating blocks of `n` ops of the baseline and of ours, median ratio.
 */
async function cpuRatio(
  label: string,
  base: () => unknown,
  ours: () => unknown,
  n: number,
): Promise<number> {
  const cpu = async (fn: () => unknown): Promise<number> => {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / n;
  };
  const ratios: number[] = [];
  for (let i = 0; i < 15; i++) {
    const b = await cpu(base);
    ratios.push((await cpu(ours)) / b);
  }
  ratios.sort((a, b) => a - b);
  note(
    `CPU-time cross-check, ${label}: median of 15 alternating blocks **${ratios[7]!.toFixed(2)}x** (range ${ratios[0]!.toFixed(2)}-${ratios[14]!.toFixed(2)}x)\n`,
  );
  return ratios[7]!;
}

/**
 * Runs one comparison three times, rotating the candidates' order (the machine is shared,
 * and V8 tunes shared call sites for whichever candidate runs first), and returns each
 * candidate's median ratio to the baseline over the three runs.
 */
async function rotated(
  title: string,
  candidates: Candidate[],
  options: { bytesPerOp?: number; rounds?: number; targetMs?: number } = {},
): Promise<Row[]> {
  const baseline = candidates[0]!.name;
  const ratios = new Map<string, number[]>();
  let last: Row[] = [];
  for (let turn = 0; turn < 3; turn++) {
    const order = [...candidates.slice(turn), ...candidates.slice(0, turn)];
    last = await compare(`${title} (run ${turn + 1} of 3)`, order, { ...options, baseline });
    for (const r of last) ratios.set(r.name, [...(ratios.get(r.name) ?? []), r.ratio]);
  }
  note(
    `Median ratio over the three runs (to ${baseline}): ${[...ratios].map(([n, rs]) => `${n} ${[...rs].sort((a, b) => a - b)[1]!.toFixed(2)}x`).join('; ')}\n`,
  );
  return last.map((r) => ({ ...r, ratio: [...ratios.get(r.name)!].sort((a, b) => a - b)[1]! }));
}
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
