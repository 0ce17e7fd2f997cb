import type { SignatureKey } from '../signing/signature-key.js';
import {
  type AuditCheckpoint,
  type AuditCheckpointErrorCode,
  verifyAuditCheckpoints,
} from './audit-checkpoint.js';
import {
  type AuditLineErrorCode,
  type ParseAuditLogOptions,
  parseAuditLog,
} from './parse-audit-log.js';
import {
  type AuditChainErrorCode,
  type VerifyAuditChainOptions,
  verifyAuditChain,
} from './verify-audit-chain.js';

/** Options of {@link verifyAuditLog}: the chain's, the parser's bounds, and checkpoint keys. */
export interface VerifyAuditLogOptions extends VerifyAuditChainOptions, ParseAuditLogOptions {
  /** Public Ed25519 keys the checkpoints are checked with. Without them checkpoints are counted, not checked. */
  readonly checkpointKeys?: SignatureKey | readonly SignatureKey[] | undefined;
  /** Checkpoints kept outside the log (see `onCheckpoint`). */
  readonly anchors?: readonly AuditCheckpoint[] | undefined;
  /** Fail when no signed checkpoint verifies (needs `checkpointKeys`). */
  readonly requireCheckpoint?: boolean | undefined;
}

/** Every code {@link verifyAuditLog} can return. */
export type AuditLogErrorCode = AuditLineErrorCode | AuditChainErrorCode | AuditCheckpointErrorCode;

/** Result of {@link verifyAuditLog}. */
export type AuditLogResult =
  | {
      readonly ok: true;
      readonly value: {
        /** Events in the chain. */
        readonly count: number;
        readonly lastHash: string;
        /** Checkpoints (and anchors) whose signature and hash verified. */
        readonly checkpoints: number;
        /** Checkpoints found but not checked (no `checkpointKeys` given). */
        readonly uncheckedCheckpoints: number;
        /** Highest `seq` a verified checkpoint vouches for. */
        readonly lastCheckpointSeq: number | undefined;
      };
    }
  | {
      readonly ok: false;
      readonly error: {
        readonly code: AuditLogErrorCode;
        readonly message: string;
        /** 1-based line of the log where the problem is; 0 when it is about the whole log. */
        readonly line: number;
      };
    };

/**
 * Reads a JSON-lines audit log strictly and checks it whole: every line (no duplicate
 * member names, bounded), the chain (keyed when `key` is given), and the signed
 * checkpoints (with `checkpointKeys`), saying at which line it breaks. Never throws or
 * rejects on bad input.
 *
 * @example
 * ```ts
 * const result = await verifyAuditLog(text, { key: chainKey, checkpointKeys: publicKey, requireCheckpoint: true });
 * if (!result.ok) console.error(result.error.code, 'at line', result.error.line);
 * ```
 */
export async function verifyAuditLog(
  text: string,
  options: VerifyAuditLogOptions = {},
): Promise<AuditLogResult> {
  let parsed: ReturnType<typeof parseAuditLog>;
  try {
    parsed = parseAuditLog(text, options);
  } catch (error) {
    return {
      ok: false,
      error: { code: 'AUDIT_LINE_INVALID_JSON', message: (error as Error).message, line: 0 },
    };
  }
  if (!parsed.ok) return parsed;
  const { events, eventLines, checkpoints, checkpointLines } = parsed.value;
  const chain = verifyAuditChain(events, options);
  if (!chain.ok) {
    const { code, message, index } = chain.error;
    return { ok: false, error: { code, message, line: eventLines[index] ?? 0 } };
  }
  if (options.checkpointKeys === undefined) {
    if (options.requireCheckpoint) {
      return {
        ok: false,
        error: {
          code: 'AUDIT_CHECKPOINT_MISSING',
          message: 'requireCheckpoint needs checkpointKeys (the Ed25519 public keys).',
          line: 0,
        },
      };
    }
    return {
      ok: true,
      value: {
        ...chain.value,
        checkpoints: 0,
        uncheckedCheckpoints: checkpoints.length,
        lastCheckpointSeq: undefined,
      },
    };
  }
  const checked = await verifyAuditCheckpoints(events, checkpoints, {
    keys: options.checkpointKeys,
    anchors: options.anchors,
    requireCheckpoint: options.requireCheckpoint,
  });
  if (!checked.ok) {
    const { code, message, index } = checked.error;
    return { ok: false, error: { code, message, line: checkpointLines[index] ?? 0 } };
  }
  return {
    ok: true,
    value: {
      ...chain.value,
      checkpoints: checked.value.checkpoints,
      uncheckedCheckpoints: 0,
      lastCheckpointSeq: checked.value.lastSeq,
    },
  };
}
