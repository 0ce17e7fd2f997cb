// Request-signing benchmarks:
// - Content-Digest (RFC 9530) create/verify at 64 KiB and 1 MiB against the floor, a bare
//   node:crypto SHA-256 of the same bytes (target: within 1.1x);
// - verifyRequest (RFC 9421, hmac-sha256, Content-Digest covered) for a 1 KiB and a 1 MiB
//   body against a bare node:crypto HMAC-SHA256 of the same bytes (the floor).
// Run: pnpm --filter @jaf-sec/core build && cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx signing.bench.ts
import { createHash, createHmac, randomBytes } from 'node:crypto';
import {
  createContentDigest,
  createRequestSigner,
  createRequestVerifier,
  createSignatureKey,
  verifyContentDigest,
} from '@jaf-sec/core/signing';
import { note, versionOf, writeSection } from './lib/harness.js';
import { cpuRatio, ratio, rotated } from './lib/rotated.js';

const results: string[] = [];
// Judged on CPU time when measured (robust on a shared machine); wall-clock shown beside it.
function target(label: string, value: number, limit: number, cpu?: number): void {
  const judged = cpu ?? value;
  results.push(
    `- ${label}: wall **${value.toFixed(2)}x**${cpu === undefined ? '' : `, CPU **${cpu.toFixed(2)}x**`} (target <= ${limit}x) ${judged <= limit ? 'met' : '**MISSED**'}`,
  );
}

note('### Content-Digest (floor: node:crypto SHA-256 by hand)\n');
note(
  'Both sides produce the same `sha-256=:<base64>:` field value; jaf-sec hashes through its `#hash` primitive (node:crypto on Node).\n',
);
for (const size of [64 * 1024, 1024 * 1024]) {
  const label = size === 65536 ? '64 KiB' : '1 MiB';
  const body = new Uint8Array(randomBytes(size));
  const byHand = () => `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
  const field = createContentDigest(body);
  if (field !== byHand() || !verifyContentDigest(field, body).ok)
    throw new Error('bench setup: digest mismatch');
  const rows = await rotated(
    `Content-Digest create ${label}`,
    [
      { name: 'node:crypto by hand', fn: byHand },
      { name: 'jaf-sec createContentDigest', fn: () => createContentDigest(body) },
    ],
    { bytesPerOp: size },
  );
  const cpuCreate = await cpuRatio(
    `createContentDigest ${label}`,
    byHand,
    () => createContentDigest(body),
    size > 65536 ? 25 : 400,
  );
  target(
    `createContentDigest ${label}`,
    ratio(rows, 'jaf-sec createContentDigest'),
    1.1,
    cpuCreate,
  );
  const vrows = await rotated(
    `Content-Digest verify ${label}`,
    [
      {
        name: 'node:crypto by hand',
        fn: () => createHash('sha256').update(body).digest('base64') === field.slice(9, -1),
      },
      { name: 'jaf-sec verifyContentDigest', fn: () => verifyContentDigest(field, body) },
    ],
    { bytesPerOp: size },
  );
  const cpuVerify = await cpuRatio(
    `verifyContentDigest ${label}`,
    () => createHash('sha256').update(body).digest('base64') === field.slice(9, -1),
    () => verifyContentDigest(field, body),
    size > 65536 ? 25 : 400,
  );
  target(
    `verifyContentDigest ${label}`,
    ratio(vrows, 'jaf-sec verifyContentDigest'),
    1.1,
    cpuVerify,
  );
}

note(
  '\n### verifyRequest, RFC 9421 hmac-sha256 (floor: a bare node:crypto HMAC-SHA256 of the body)\n',
);
note(
  'The request covers `@method @authority @path @query content-type content-digest` with `created` and `keyid`; verification parses Signature-Input/Signature (RFC 8941), checks the policy and the time window, rebuilds the signature base, verifies the HMAC and recomputes the Content-Digest over the body. The nonce check is off here so the same request can be verified repeatedly (with it on, each op adds one in-memory store write).\n',
);
const secret = new Uint8Array(randomBytes(32));
const key = createSignatureKey({ keyid: 'bench', algorithm: 'hmac-sha256', secret });
const now = Date.now();
const signer = createRequestSigner({ key, nonce: false, clock: () => now });
const verifier = createRequestVerifier({ keys: [key], requireNonce: false, clock: () => now });
for (const size of [1024, 1024 * 1024]) {
  const label = size === 1024 ? '1 KiB' : '1 MiB';
  const body = new Uint8Array(randomBytes(size));
  const req = {
    method: 'POST',
    url: 'https://api.example.com/v1/chat?session=42',
    headers: { 'content-type': 'application/json' },
    body,
  };
  const headers = { ...req.headers, ...(await signer.sign(req)) };
  const signed = { ...req, headers };
  const check = await verifier.verify(signed);
  if (!check.ok) throw new Error(`bench setup: ${check.error.code}`);
  const rows = await rotated(
    `verifyRequest ${label} body`,
    [
      {
        name: 'node:crypto HMAC of the body',
        fn: () => createHmac('sha256', secret).update(body).digest(),
      },
      { name: 'jaf-sec verifyRequest', fn: () => verifier.verify(signed) },
    ],
    { bytesPerOp: size },
  );
  if (size > 65536) {
    const cpu = await cpuRatio(
      `verifyRequest ${label}`,
      () => createHmac('sha256', secret).update(body).digest(),
      () => verifier.verify(signed),
      25,
    );
    target(`verifyRequest ${label}`, ratio(rows, 'jaf-sec verifyRequest'), 1.1, cpu);
  } else
    results.push(
      `- verifyRequest ${label}: ${ratio(rows, 'jaf-sec verifyRequest').toFixed(2)}x the bare HMAC (fixed per-request parsing dominates at this size; no target)`,
    );
}

note('\n### Targets\n');
for (const r of results) note(r);
await writeSection('signing', 'Request signing (RFC 9421, RFC 9530)', {
  node: process.version,
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
});
