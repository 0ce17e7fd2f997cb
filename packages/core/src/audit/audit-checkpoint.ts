// Signed checkpoints of an audit chain's head. A keyed chain stops anyone without the key
// from re-hashing the log, but removing events from its end leaves a valid (shorter) chain.
// A checkpoint is the head (seq and hash of the last event) signed with Ed25519 every N
// events or T milliseconds; kept in the log and exported to a place the log writer cannot
// rewrite (onCheckpoint), it proves how long the chain was at that time.
import { decodeBase64Url, encodeBase64Url } from '../internal/bytes.js';
import type { SignatureKey } from '../signing/signature-key.js';
import type { SecurityEvent } from './types.js';
import { canonicalJson } from './verify-audit-chain.js';

/** `type` of a checkpoint record in the log. */
export const AUDIT_CHECKPOINT_TYPE = 'audit_checkpoint';

/** A signed head of the chain, written to the sinks beside the events. */
export interface AuditCheckpoint {
  readonly type: typeof AUDIT_CHECKPOINT_TYPE;
  /** Format version. */
  readonly v: 1;
  /** `seq` of the last event the checkpoint covers. */
  readonly seq: number;
  /** `hash` of that event. */
  readonly hash: string;
  /** When the checkpoint was taken (ISO 8601 UTC, from the log's clock). */
  readonly timestamp: string;
  /** Signing key id (the `keyid` of the signature key). */
  readonly keyid: string;
  readonly alg: 'ed25519';
  /** Ed25519 signature (base64url) over {@link auditCheckpointBase}. */
  readonly sig: string;
}

/** Options of `createAuditLog({ chain: { checkpoints } })`. */
export interface AuditCheckpointOptions {
  /**
   * An Ed25519 key with its private half, from `createSignatureKey({ keyid, algorithm:
   * 'ed25519', privateKey, publicKey })`. The verifier needs only the public half.
   */
  readonly key: SignatureKey;
  /** Sign the head after this many events. Default 1,000. */
  readonly everyEvents?: number | undefined;
  /**
   * Sign the head when an event arrives this many milliseconds (of the log's clock) after
   * the last checkpoint. Default 60,000. There is no timer: a quiet log is checkpointed by
   * its next event, or by calling `auditLog.checkpoint()`.
   */
  readonly everyMs?: number | undefined;
  /**
   * Receives each checkpoint once signed: send it to a system the log writer cannot
   * rewrite (another host, a write-once bucket, a transparency log). Errors and rejections
   * are counted as sink errors.
   */
  readonly onCheckpoint?: ((checkpoint: AuditCheckpoint) => unknown) | undefined;
}

/** The signed text of a checkpoint: a domain label, then the canonical JSON of all but `sig`. */
export function auditCheckpointBase(checkpoint: Omit<AuditCheckpoint, 'sig'>): string {
  const { alg, hash, keyid, seq, timestamp, type, v } = checkpoint;
  return `jaf-sec/audit-checkpoint/v1\n${canonicalJson({ alg, hash, keyid, seq, timestamp, type, v })}`;
}

/** @internal The checkpoint schedule and signer of one audit log. */
export interface Checkpointer {
  readonly everyEvents: number;
  readonly everyMs: number;
  readonly onCheckpoint: ((checkpoint: AuditCheckpoint) => unknown) | undefined;
  sign(head: { seq: number; hash: string; timestamp: string }): Promise<AuditCheckpoint>;
}

/** @internal Validates checkpoint options (throws a fix-it message) and prepares the signer. */
export function createCheckpointer(options: AuditCheckpointOptions, where: string): Checkpointer {
  const key = options?.key;
  if (key?.algorithm !== 'ed25519' || !key.canSign || typeof key.sign !== 'function') {
    throw new TypeError(
      `${where}: checkpoints.key must be an Ed25519 key with its private half: createSignatureKey({ keyid, algorithm: 'ed25519', privateKey }).`,
    );
  }
  const everyEvents = options.everyEvents ?? 1000;
  const everyMs = options.everyMs ?? 60_000;
  if (!Number.isSafeInteger(everyEvents) || everyEvents < 1) {
    throw new RangeError(`${where}: checkpoints.everyEvents must be a whole number from 1.`);
  }
  if (typeof everyMs !== 'number' || !(everyMs > 0)) {
    throw new RangeError(
      `${where}: checkpoints.everyMs must be a positive number of milliseconds.`,
    );
  }
  if (options.onCheckpoint !== undefined && typeof options.onCheckpoint !== 'function') {
    throw new TypeError(
      `${where}: checkpoints.onCheckpoint must be a function (checkpoint) => void.`,
    );
  }
  return {
    everyEvents,
    everyMs,
    onCheckpoint: options.onCheckpoint,
    async sign(head) {
      const unsigned = {
        type: AUDIT_CHECKPOINT_TYPE,
        v: 1,
        seq: head.seq,
        hash: head.hash,
        timestamp: head.timestamp,
        keyid: key.keyid,
        alg: 'ed25519',
      } as const;
      const sig = await key.sign(auditCheckpointBase(unsigned));
      return { ...unsigned, sig: encodeBase64Url(sig) };
    },
  };
}

/** True when a parsed log record is a checkpoint (by its `type`), not an event. */
export function isAuditCheckpoint(record: unknown): record is AuditCheckpoint {
  return (
    typeof record === 'object' &&
    record !== null &&
    (record as { type?: unknown }).type === AUDIT_CHECKPOINT_TYPE
  );
}

/**
 * Why checkpoints do not verify:
 * - `AUDIT_CHECKPOINT_MALFORMED`: a checkpoint record lacks a field or has a wrong type.
 * - `AUDIT_CHECKPOINT_KEY_UNKNOWN`: signed with a key id the verifier was not given.
 * - `AUDIT_CHECKPOINT_INVALID`: the signature does not verify (forged or edited).
 * - `AUDIT_CHECKPOINT_MISMATCH`: the event at the checkpoint's `seq` has another hash (the
 *   chain was rewritten after the checkpoint was signed).
 * - `AUDIT_CHAIN_TRUNCATED`: a signed checkpoint names an event past the end of the log
 *   (events were removed from the end).
 * - `AUDIT_CHECKPOINT_MISSING`: `requireCheckpoint` is set and no checkpoint verified.
 */
export type AuditCheckpointErrorCode =
  | 'AUDIT_CHECKPOINT_MALFORMED'
  | 'AUDIT_CHECKPOINT_KEY_UNKNOWN'
  | 'AUDIT_CHECKPOINT_INVALID'
  | 'AUDIT_CHECKPOINT_MISMATCH'
  | 'AUDIT_CHAIN_TRUNCATED'
  | 'AUDIT_CHECKPOINT_MISSING';

/** Options of {@link verifyAuditCheckpoints}. */
export interface VerifyAuditCheckpointsOptions {
  /** Public Ed25519 keys (`createSignatureKey({ keyid, algorithm: 'ed25519', publicKey })`). */
  readonly keys: SignatureKey | readonly SignatureKey[];
  /**
   * A checkpoint kept outside the log (from `onCheckpoint`): checked like the ones in the
   * log, so removing the log's tail together with its last checkpoints is still seen.
   */
  readonly anchors?: readonly AuditCheckpoint[] | undefined;
  /** Fail with `AUDIT_CHECKPOINT_MISSING` when no checkpoint is found. Default false. */
  readonly requireCheckpoint?: boolean | undefined;
}

/** Result of {@link verifyAuditCheckpoints}. */
export type AuditCheckpointResult =
  | {
      readonly ok: true;
      readonly value: {
        /** Checkpoints (and anchors) verified. */
        readonly checkpoints: number;
        /** Highest `seq` a verified checkpoint vouches for. */
        readonly lastSeq: number | undefined;
      };
    }
  | {
      readonly ok: false;
      readonly error: {
        readonly code: AuditCheckpointErrorCode;
        readonly message: string;
        /** Position of the checkpoint in `checkpoints`, then `anchors` counted on. */
        readonly index: number;
      };
    };

const failCheckpoint = (
  code: AuditCheckpointErrorCode,
  index: number,
  message: string,
): AuditCheckpointResult => ({ ok: false, error: { code, message, index } });

const isHash = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= 128;

/**
 * Checks signed checkpoints against a chain that `verifyAuditChain` already accepted: each
 * signature verifies under a known key, and the event at each checkpoint's `seq` is in the
 * log with the signed hash. Anchors (checkpoints kept elsewhere) are checked the same way.
 * Never throws or rejects.
 *
 * @param events - The chain's events, in order (consecutive `seq`, as verified).
 * @param checkpoints - Checkpoint records found in the log.
 * @returns `ok({ checkpoints, lastSeq })`, or the first problem; `index` is the checkpoint's
 *   position in `checkpoints` (then `anchors`, counted on).
 */
export async function verifyAuditCheckpoints(
  events: readonly SecurityEvent[],
  checkpoints: readonly unknown[],
  options: VerifyAuditCheckpointsOptions,
): Promise<AuditCheckpointResult> {
  try {
    const keys = new Map<string, SignatureKey>();
    for (const k of Array.isArray(options?.keys) ? options.keys : [options?.keys]) {
      if (k && k.algorithm === 'ed25519' && k.canVerify) keys.set(k.keyid, k);
    }
    const all = [...(Array.isArray(checkpoints) ? checkpoints : []), ...(options?.anchors ?? [])];
    const firstSeq = events.length > 0 ? events[0]!.seq : undefined;
    const lastSeq = events.length > 0 ? events[events.length - 1]!.seq : undefined;
    let verified = 0;
    let highest: number | undefined;
    for (let i = 0; i < all.length; i++) {
      const c = all[i] as Partial<AuditCheckpoint> | undefined;
      if (
        !isAuditCheckpoint(c) ||
        c.v !== 1 ||
        c.alg !== 'ed25519' ||
        !Number.isSafeInteger(c.seq) ||
        c.seq < 0 ||
        !isHash(c.hash) ||
        typeof c.timestamp !== 'string' ||
        typeof c.keyid !== 'string' ||
        typeof c.sig !== 'string'
      ) {
        return failCheckpoint('AUDIT_CHECKPOINT_MALFORMED', i, `Checkpoint ${i} is malformed.`);
      }
      const key = keys.get(c.keyid);
      if (!key) {
        return failCheckpoint(
          'AUDIT_CHECKPOINT_KEY_UNKNOWN',
          i,
          `Checkpoint ${i} is signed with a key id the verifier was not given.`,
        );
      }
      const sig = decodeBase64Url(c.sig);
      if (!sig || !(await key.verify(auditCheckpointBase(c), sig))) {
        return failCheckpoint(
          'AUDIT_CHECKPOINT_INVALID',
          i,
          `Checkpoint ${i} does not carry a valid signature: it was forged or edited.`,
        );
      }
      if (firstSeq === undefined || lastSeq === undefined || c.seq > lastSeq) {
        return failCheckpoint(
          'AUDIT_CHAIN_TRUNCATED',
          i,
          `Checkpoint ${i} was signed over event seq ${c.seq}, past the end of the log: events were removed from the end.`,
        );
      }
      // Checkpoints of an earlier segment of the log (before this one starts) are skipped.
      if (c.seq >= firstSeq) {
        const event = events[c.seq - firstSeq];
        if (!event || event.hash !== c.hash) {
          return failCheckpoint(
            'AUDIT_CHECKPOINT_MISMATCH',
            i,
            `Checkpoint ${i} does not match event seq ${c.seq}: the chain was rewritten after it was signed.`,
          );
        }
      }
      verified++;
      if (highest === undefined || c.seq > highest) highest = c.seq;
    }
    if (options?.requireCheckpoint && verified === 0) {
      return failCheckpoint(
        'AUDIT_CHECKPOINT_MISSING',
        0,
        'No signed checkpoint was found: the tail of the log cannot be vouched for.',
      );
    }
    return { ok: true, value: { checkpoints: verified, lastSeq: highest } };
  } catch {
    return failCheckpoint('AUDIT_CHECKPOINT_MALFORMED', 0, 'The checkpoints could not be read.');
  }
}
