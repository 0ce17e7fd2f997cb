import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashHex } from '#hash';
import { createSignatureKey } from '../signing/signature-key.js';
import type { AuditCheckpoint } from './audit-checkpoint.js';
import { verifyAuditCheckpoints } from './audit-checkpoint.js';
import { createAuditLog } from './create-audit-log.js';
import { createJsonLinesSink } from './create-json-lines-sink.js';
import { createPinoSink } from './create-pino-sink.js';
import { parseAuditLine, parseAuditLog } from './parse-audit-log.js';
import type { SecurityEvent } from './types.js';
import { canonicalJson, verifyAuditChain } from './verify-audit-chain.js';
import { verifyAuditLog } from './verify-audit-log.js';

const KEY = new Uint8Array(32).map((_, i) => i * 7 + 1);
const OTHER_KEY = new Uint8Array(32).fill(9);

function keyedLog(n: number, extra: Record<string, unknown> = {}) {
  const events: SecurityEvent[] = [];
  let t = 0;
  const audit = createAuditLog({
    sink: (e) => events.push(JSON.parse(JSON.stringify(e))),
    clock: () => t,
    chain: { key: KEY },
    ...extra,
  });
  for (let i = 0; i < n; i++) {
    t += 1000;
    audit.record('authn_login_fail', { account: `user-${i}`, details: { attempt: i } });
  }
  return { events, audit };
}

/**
 * What an intruder without the key can do: edit an event and re-hash it and every later
 * one (keeping the keyed format), or rewrite the whole log as an unkeyed chain.
 */
function rehashFrom(events: SecurityEvent[], at: number, keepFormat: boolean): SecurityEvent[] {
  const out = events.map((e) => ({ ...e }));
  (out[at] as { details: unknown }).details = { attempt: 'edited' };
  for (let i = keepFormat ? at : 0; i < out.length; i++) {
    const { hash: _h, ...rest } = out[i]!;
    const body: Record<string, unknown> = { ...rest, prev: i === 0 ? rest.prev : out[i - 1]!.hash };
    if (!keepFormat) delete body.chain;
    out[i] = {
      ...(body as unknown as SecurityEvent),
      hash: hashHex('sha256', canonicalJson(body)),
    };
  }
  return out;
}

async function ed25519(keyid = 'audit-1') {
  const pair = (await crypto.subtle.generateKey('Ed25519', true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  return {
    signer: createSignatureKey({ keyid, algorithm: 'ed25519', privateKey: pair.privateKey }),
    verifier: createSignatureKey({ keyid, algorithm: 'ed25519', publicKey: pair.publicKey }),
  };
}

describe('keyed audit chain', () => {
  it('verifies with its key, and marks every event as keyed', () => {
    const { events, audit } = keyedLog(5);
    expect(events.every((e) => e.chain === 'hmac-sha256')).toBe(true);
    const result = verifyAuditChain(events, { key: KEY });
    expect(result).toEqual({ ok: true, value: { count: 5, lastHash: audit.lastHash } });
  });

  it('an intruder who edits an event and re-hashes the rest is caught where the edit is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(), fc.boolean(), (n, pick, keep) => {
        const { events } = keyedLog(n);
        const at = pick % n;
        const forged = rehashFrom(events, at, keep);
        // The unkeyed check is fooled (that is the attack on today's chain) ...
        if (!keep) expect(verifyAuditChain(forged).ok).toBe(true);
        // ... the keyed one is not.
        const result = verifyAuditChain(forged, { key: KEY });
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.code).toBe(keep ? 'AUDIT_EVENT_ALTERED' : 'AUDIT_EVENT_UNKEYED');
          expect(result.error.index).toBe(keep ? at : 0);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a wrong key, a missing key and an unknown format with codes, never throws', () => {
    const { events } = keyedLog(3);
    const wrong = verifyAuditChain(events, { key: OTHER_KEY });
    expect(!wrong.ok && wrong.error.code).toBe('AUDIT_EVENT_ALTERED');
    const missing = verifyAuditChain(events);
    expect(!missing.ok && [missing.error.code, missing.error.index]).toEqual([
      'AUDIT_KEY_MISSING',
      0,
    ]);
    const short = verifyAuditChain(events, { key: new Uint8Array(8) });
    expect(!short.ok && short.error.code).toBe('AUDIT_KEY_MISSING');
    const future = events.map((e, i) => (i === 1 ? { ...e, chain: 'v9' as never } : e));
    const unknown = verifyAuditChain(future, { key: KEY });
    expect(!unknown.ok && [unknown.error.code, unknown.error.index]).toEqual([
      'AUDIT_CHAIN_UNSUPPORTED',
      1,
    ]);
  });

  it('the unkeyed chain is still written and read as before', () => {
    const events: SecurityEvent[] = [];
    const audit = createAuditLog({ sink: (e) => events.push(e), clock: () => 0, chain: true });
    audit.record('authn_login_fail');
    audit.record('authn_login_fail');
    expect(events[0]!.chain).toBeUndefined();
    expect(verifyAuditChain(events).ok).toBe(true);
    // A key demands the keyed format: an unkeyed log is refused.
    const keyed = verifyAuditChain(events, { key: KEY });
    expect(!keyed.ok && keyed.error.code).toBe('AUDIT_EVENT_UNKEYED');
  });

  it('refuses a short key at construction with a fix-it message', () => {
    expect(() => createAuditLog({ sink: () => {}, chain: { key: new Uint8Array(16) } })).toThrow(
      /at least 32 random bytes/,
    );
    expect(() =>
      createAuditLog({ sink: () => {}, chain: { key: KEY, startAfter: 'abc' } as never }),
    ).toThrow(/startAfter and startSeq together/);
  });
});

describe('signed checkpoints', () => {
  it('signs the head every N events, and a log cut below a checkpoint is found', async () => {
    const { signer, verifier } = await ed25519();
    const anchors: AuditCheckpoint[] = [];
    let text = '';
    let t = 0;
    const audit = createAuditLog({
      sink: createJsonLinesSink({ write: (s: string) => (text += s) }),
      clock: () => t,
      chain: {
        key: KEY,
        checkpoints: { key: signer, everyEvents: 3, onCheckpoint: (c) => anchors.push(c) },
      },
    });
    for (let i = 0; i < 7; i++) {
      t += 10;
      audit.record('authn_login_fail', { details: { i } });
    }
    await audit.flush();
    expect(anchors.map((c) => c.seq)).toEqual([2, 5]);
    const ok = await verifyAuditLog(text, { key: KEY, checkpointKeys: verifier });
    expect(ok).toMatchObject({
      ok: true,
      value: { count: 7, checkpoints: 2, lastCheckpointSeq: 5 },
    });

    const lines = text.trimEnd().split('\n');
    const isEvent = (l: string) => !l.includes('"audit_checkpoint"');
    // Cut the last two events (seq 5 and 6): the checkpoint over seq 5 is now past the end.
    let dropped = 0;
    const cut: string[] = [];
    for (let i = lines.length - 1; i >= 0; i--) {
      if (dropped < 2 && isEvent(lines[i]!)) dropped++;
      else cut.unshift(lines[i]!);
    }
    const truncated = await verifyAuditLog(cut.join('\n'), { key: KEY, checkpointKeys: verifier });
    expect(!truncated.ok && truncated.error.code).toBe('AUDIT_CHAIN_TRUNCATED');
    // Cutting the checkpoints too is caught by the anchors kept elsewhere.
    const noCheckpoints = cut.filter(isEvent).join('\n');
    expect((await verifyAuditLog(noCheckpoints, { key: KEY, checkpointKeys: verifier })).ok).toBe(
      true,
    );
    const anchored = await verifyAuditLog(noCheckpoints, {
      key: KEY,
      checkpointKeys: verifier,
      anchors,
    });
    expect(!anchored.ok && anchored.error.code).toBe('AUDIT_CHAIN_TRUNCATED');
    const required = await verifyAuditLog(lines.filter(isEvent).join('\n'), {
      key: KEY,
      checkpointKeys: verifier,
      requireCheckpoint: true,
    });
    expect(!required.ok && required.error.code).toBe('AUDIT_CHECKPOINT_MISSING');
  });

  it('signs the head when an event arrives T ms after the last checkpoint (time injected)', async () => {
    const { signer, verifier } = await ed25519();
    const seen: AuditCheckpoint[] = [];
    let t = 0;
    const events: unknown[] = [];
    const audit = createAuditLog({
      sink: (e) => events.push(e),
      clock: () => t,
      chain: {
        key: KEY,
        checkpoints: { key: signer, everyMs: 60_000, onCheckpoint: (c) => seen.push(c) },
      },
    });
    audit.record('authn_login_fail');
    t = 59_999;
    audit.record('authn_login_fail');
    await audit.flush();
    expect(seen).toEqual([]);
    t = 60_000;
    audit.record('authn_login_fail');
    await audit.flush();
    expect(seen.map((c) => [c.seq, c.timestamp])).toEqual([[2, '1970-01-01T00:01:00.000Z']]);
    // A forced checkpoint: nothing new, nothing signed; after one more event, one.
    expect(await audit.checkpoint()).toBeUndefined();
    audit.record('authn_login_fail');
    expect((await audit.checkpoint())?.seq).toBe(3);
    const chain = events.filter((e) => (e as { type: string }).type !== 'audit_checkpoint');
    const checked = await verifyAuditCheckpoints(chain as SecurityEvent[], seen, {
      keys: verifier,
    });
    expect(checked).toEqual({ ok: true, value: { checkpoints: 2, lastSeq: 3 } });
  });

  it('a forged or edited checkpoint, or one under an unknown key, fails with its code', async () => {
    const { signer, verifier } = await ed25519();
    const other = await ed25519('other');
    const seen: AuditCheckpoint[] = [];
    const { events, audit } = keyedLog(4, {
      chain: {
        key: KEY,
        checkpoints: {
          key: signer,
          everyEvents: 2,
          onCheckpoint: (c: AuditCheckpoint) => seen.push(c),
        },
      },
    });
    await audit.flush();
    const chain = events.filter((e) => e.type !== 'audit_checkpoint');
    expect(seen).toHaveLength(2);
    const edited = { ...seen[0]!, seq: 3, hash: chain[3]!.hash };
    const bad = await verifyAuditCheckpoints(chain, [edited], { keys: verifier });
    expect(!bad.ok && bad.error.code).toBe('AUDIT_CHECKPOINT_INVALID');
    const unknown = await verifyAuditCheckpoints(chain, seen, { keys: other.verifier });
    expect(!unknown.ok && unknown.error.code).toBe('AUDIT_CHECKPOINT_KEY_UNKNOWN');
    const rewritten = chain.map((e, i) => (i === 1 ? { ...e, hash: 'f'.repeat(64) } : e));
    const mismatch = await verifyAuditCheckpoints(rewritten, seen, { keys: verifier });
    expect(!mismatch.ok && [mismatch.error.code, mismatch.error.index]).toEqual([
      'AUDIT_CHECKPOINT_MISMATCH',
      0,
    ]);
    const malformed = await verifyAuditCheckpoints(chain, [{ type: 'audit_checkpoint' }], {
      keys: verifier,
    });
    expect(!malformed.ok && malformed.error.code).toBe('AUDIT_CHECKPOINT_MALFORMED');
  });

  it('a pino sink logs checkpoints too (they carry no level)', async () => {
    const { signer } = await ed25519();
    const lines: [string, unknown][] = [];
    const logger = {
      info: (o: unknown) => lines.push(['info', o]),
      warn: (o: unknown) => lines.push(['warn', o]),
      error: (o: unknown) => lines.push(['error', o]),
    };
    const audit = createAuditLog({
      sink: createPinoSink(logger),
      clock: () => 0,
      chain: { key: KEY, checkpoints: { key: signer, everyEvents: 1 } },
    });
    audit.record('authn_login_fail');
    await audit.flush();
    expect(audit.stats.sinkErrors).toBe(0);
    expect(lines.map(([level, o]) => [level, (o as { type: string }).type])).toEqual([
      ['warn', 'authn_login_fail'],
      ['info', 'audit_checkpoint'],
    ]);
  });

  it('refuses a checkpoint key that cannot sign Ed25519', async () => {
    const { verifier } = await ed25519();
    expect(() =>
      createAuditLog({ sink: () => {}, chain: { key: KEY, checkpoints: { key: verifier } } }),
    ).toThrow(/Ed25519 key with its private half/);
    const hmacKey = createSignatureKey({ keyid: 'h', algorithm: 'hmac-sha256', secret: KEY });
    expect(() =>
      createAuditLog({ sink: () => {}, chain: { checkpoints: { key: hmacKey } } }),
    ).toThrow(/Ed25519/);
  });
});

describe('strict line parsing', () => {
  it('refuses a duplicated member, first or escaped, at any depth, and says which line', async () => {
    const { events } = keyedLog(2);
    const good = events.map((e) => JSON.stringify(e));
    // The attack: a duplicated field placed first. JSON.parse keeps the last one (so the
    // hash matches), other readers the first.
    const forged = `{"type":"authn_login_success",${good[1]!.slice(1)}`;
    expect(verifyAuditChain([events[0]!, JSON.parse(forged)], { key: KEY }).ok).toBe(true);
    const result = await verifyAuditLog(`${good[0]}\n${forged}\n`, { key: KEY });
    expect(!result.ok && [result.error.code, result.error.line]).toEqual([
      'AUDIT_LINE_DUPLICATE_KEY',
      2,
    ]);
    for (const line of [
      '{"a":1,"\\u0061":2}',
      '{"details":{"x":1,"x":1}}',
      '[{"a":{"b":[{"c":1,"c":2}]}}]',
    ]) {
      const r = parseAuditLine(line);
      expect(!r.ok && r.error.code).toBe('AUDIT_LINE_DUPLICATE_KEY');
    }
    expect(parseAuditLine('{"a":{"k":1},"b":{"k":1}}').ok).toBe(true);
  });

  it('accepts exactly what JSON.parse accepts (for objects without duplicate names)', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const r = parseAuditLine(text);
        const value = JSON.parse(text);
        const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
        if (isObject) expect(r).toEqual({ ok: true, value });
        else expect(!r.ok && r.error.code).toBe('AUDIT_LINE_NOT_OBJECT');
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'{}[]":,0-1.e tfalsnu\\x') }), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        const r = parseAuditLine(text);
        if (!valid) expect(r.ok).toBe(false);
        if (r.ok) expect(valid).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('bounds length, depth and line count', () => {
    expect(parseAuditLine(`{"a":"${'x'.repeat(100)}"}`, { maxLineLength: 50 })).toMatchObject({
      ok: false,
      error: { code: 'AUDIT_LINE_TOO_LONG' },
    });
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(parseAuditLine(deep)).toMatchObject({
      ok: false,
      error: { code: 'AUDIT_LINE_TOO_DEEP' },
    });
    expect(parseAuditLog('{}\n{}\n{}', { maxLines: 2 })).toMatchObject({
      ok: false,
      error: { code: 'AUDIT_LOG_TOO_LARGE', line: 3 },
    });
    expect(parseAuditLog('{}\nnot json')).toMatchObject({
      ok: false,
      error: { code: 'AUDIT_LINE_INVALID_JSON', line: 2 },
    });
    expect(() => parseAuditLog('{}', { maxLines: 0 })).toThrow(RangeError);
  });

  it('is linear: a 1 MiB line of many members parses in well under a second', () => {
    const members: string[] = [];
    for (let i = 0, size = 0; size < 1_000_000; i++) {
      const member = `"k${i}":"\\u0041${i}"`;
      members.push(member);
      size += member.length + 1;
    }
    const line = `{${members.join(',')}}`;
    const started = performance.now();
    expect(parseAuditLine(line, { maxLineLength: 2_000_000 }).ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
