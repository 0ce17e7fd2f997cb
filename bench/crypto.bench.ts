// Encryption-at-rest and privacy benchmarks:
// - AES-256-GCM envelopes (jaf-sec keyring) against the floor, node:crypto AES-256-GCM done by
//   hand (random IV, iv || ciphertext || tag in one buffer), at 1 KiB and 1 MiB;
// - Fernet decrypt against the `fernet` npm package (the peer a Node user would pick);
// - keyed pseudonyms per second against a bare node:crypto HMAC-SHA256.
// Run: pnpm --filter @jaf-sec/core build && cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx crypto.bench.ts
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createKeyring, fernetDecrypt, fernetEncrypt, importFernetKey } from '@jaf-sec/core/crypto';
import { createPseudonymKey, pseudonymize } from '@jaf-sec/core/privacy';
// @ts-expect-error: the fernet package ships no types
import fernet from 'fernet';
import { compare, note, type Row, versionOf, writeSection } from './lib/harness.js';

const ratio = (rows: Row[], name: string): number => rows.find((r) => r.name === name)!.ratio;
function target(label: string, value: number, limit: number): void {
  note(
    `- ${label}: **${value.toFixed(2)}x** (target <= ${limit}x) ${value <= limit ? 'met' : '**MISSED**'}`,
  );
}

const rawKey = randomBytes(32);
const keyring = createKeyring({ keys: [{ id: 'bench-1', key: new Uint8Array(rawKey) }] });
const aad = new TextEncoder().encode('conversation-42/7');

function nodeEncrypt(plaintext: Uint8Array): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', rawKey, iv);
  cipher.setAAD(aad);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function nodeDecrypt(sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', rawKey, sealed.subarray(0, 12));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([
    decipher.update(sealed.subarray(12, sealed.length - 16)),
    decipher.final(),
  ]);
}

// Ratios move a lot when other work shares the 2 cores; record how busy the machine was.
note(
  `Load average at start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(', ')}.\n`,
);
note('### AES-256-GCM envelopes (floor: node:crypto by hand)\n');
note(
  'jaf-sec seals `version | key id | nonce | ciphertext | tag` with the header authenticated; on Node it runs on node:crypto through the `#cipher` primitive, elsewhere on Web Crypto. The "Web Crypto on Node" tables time the raw `crypto.subtle` call, for reference: it is why Node does not use it.\n',
);
const subtleKey = await crypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, [
  'encrypt',
  'decrypt',
]);
const targets: { label: string; value: number; limit: number }[] = [];
for (const size of [1024, 1024 * 1024]) {
  const label = size === 1024 ? '1 KiB' : '1 MiB';
  const plaintext = new Uint8Array(randomBytes(size));
  const envelope = await keyring.encrypt(plaintext, { aad });
  const nodeSealed = nodeEncrypt(plaintext);
  const iv = randomBytes(12);
  const subtleSealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad },
    subtleKey,
    plaintext,
  );
  const check = await keyring.decrypt(envelope, { aad });
  if (!check.ok || check.value.length !== size || !nodeDecrypt(nodeSealed).equals(plaintext)) {
    throw new Error('bench setup: round trip failed');
  }
  const enc = await compare(
    `encrypt ${label}`,
    [
      { name: 'node:crypto', fn: () => nodeEncrypt(plaintext) },
      { name: 'jaf-sec keyring.encrypt', fn: () => keyring.encrypt(plaintext, { aad }) },
    ],
    { baseline: 'node:crypto', bytesPerOp: size, rounds: size > 1024 ? 61 : 21 },
  );
  const dec = await compare(
    `decrypt ${label}`,
    [
      { name: 'node:crypto', fn: () => nodeDecrypt(nodeSealed) },
      { name: 'jaf-sec keyring.decrypt', fn: () => keyring.decrypt(envelope, { aad }) },
    ],
    { baseline: 'node:crypto', bytesPerOp: size, rounds: size > 1024 ? 61 : 21 },
  );
  // Reference only, in its own comparison: its thread-pool jobs and large garbage would
  // otherwise disturb the timing of the candidates above.
  await compare(
    `Web Crypto on Node, decrypt ${label} (reference)`,
    [
      { name: 'node:crypto', fn: () => nodeDecrypt(nodeSealed) },
      {
        name: 'Web Crypto (subtle)',
        fn: () =>
          crypto.subtle.decrypt(
            { name: 'AES-GCM', iv, additionalData: aad },
            subtleKey,
            subtleSealed,
          ),
      },
    ],
    { baseline: 'node:crypto', bytesPerOp: size },
  );
  if (size > 1024) {
    targets.push({
      label: `encrypt ${label} vs node:crypto`,
      value: ratio(enc, 'jaf-sec keyring.encrypt'),
      limit: 1.2,
    });
    targets.push({
      label: `decrypt ${label} vs node:crypto`,
      value: ratio(dec, 'jaf-sec keyring.decrypt'),
      limit: 1.2,
    });
  } else {
    note(
      `- ${label}: encrypt ${ratio(enc, 'jaf-sec keyring.encrypt').toFixed(2)}x, decrypt ${ratio(dec, 'jaf-sec keyring.decrypt').toFixed(2)}x the floor (no target: per-call overhead dominates)`,
    );
  }
}
for (const t of targets) target(t.label, t.value, t.limit);

note('\n### Fernet decrypt (peer: the `fernet` npm package)\n');
const secretText = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
const fernetKey = importFernetKey(secretText);
const peerSecret = new fernet.Secret(secretText);
for (const size of [64, 1024]) {
  const message = 'x'.repeat(size);
  const token = await fernetEncrypt(message, fernetKey);
  const peer = new fernet.Token({ secret: peerSecret, token, ttl: 0 });
  if (peer.decode() !== message)
    throw new Error('bench setup: fernet package cannot read our token');
  const rows = await compare(
    `Fernet decrypt, ${size}-byte message`,
    [
      {
        name: 'fernet (npm)',
        fn: () => new fernet.Token({ secret: peerSecret, token, ttl: 0 }).decode(),
      },
      { name: 'jaf-sec fernetDecrypt', fn: () => fernetDecrypt(token, fernetKey) },
    ],
    { baseline: 'fernet (npm)' },
  );
  note(
    `- ${size} B: jaf-sec takes ${ratio(rows, 'jaf-sec fernetDecrypt').toFixed(2)}x the time of the fernet package`,
  );
}

note('\n### Keyed pseudonyms (floor: node:crypto HMAC-SHA256 by hand)\n');
const pseudonymRaw = randomBytes(32);
const pseudonymKey = createPseudonymKey(new Uint8Array(pseudonymRaw));
const email = 'ada.lovelace@example.com';
const rows = await compare(
  'pseudonymize one email',
  [
    {
      name: 'node:crypto HMAC (hex)',
      fn: () => createHmac('sha256', pseudonymRaw).update(`\u0000${email}`).digest('hex'),
    },
    { name: 'jaf-sec pseudonymize (token)', fn: () => pseudonymize(email, pseudonymKey) },
    {
      name: 'jaf-sec pseudonymize (email shape)',
      fn: () => pseudonymize(email, pseudonymKey, { format: 'email' }),
    },
  ],
  { baseline: 'node:crypto HMAC (hex)' },
);
note(
  `- pseudonymize: ${Math.round(rows.find((r) => r.name === 'jaf-sec pseudonymize (token)')!.opsPerSec).toLocaleString('en-US')} ops/s (token), ${ratio(rows, 'jaf-sec pseudonymize (token)').toFixed(2)}x the bare HMAC`,
);

await writeSection('crypto', 'Encryption at rest, Fernet and pseudonyms', {
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
  fernet: await versionOf('fernet'),
  node: process.version,
});
