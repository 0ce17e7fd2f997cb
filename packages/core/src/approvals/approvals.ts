import { hash } from '#hash';
import { encodeBase64Url } from '../internal/bytes.js';
import { canonicalJson } from '../internal/canonical-json.js';
import { timingSafeEqualString } from '../internal/constant-time.js';
import { type RandomSource, randomBytes } from '../internal/random.js';
import { fail, ok, type Result } from '../internal/result.js';
import { checkNonce, type NonceStore } from '../signing/nonce-store.js';
import { createTokenIssuer } from '../tokens/create-token-issuer.js';
import { createTokenVerifier } from '../tokens/create-token-verifier.js';
import { parseJsonObject } from '../tokens/parse-json-object.js';
import type { TokenSigningKey, TokenVerificationKey } from '../tokens/token-types.js';

/** The JWT `typ` of approval tickets: no other token of the same key passes for one. */
export const APPROVAL_TICKET_TYPE = 'approval+jwt';

/**
 * Why an approval ticket was refused. Stable.
 *
 * | code | meaning |
 * |---|---|
 * | `APPROVAL_MISSING` | no ticket was given |
 * | `APPROVAL_INVALID` | not an approval ticket of this issuer (signature, type, issuer, audience, shape) |
 * | `APPROVAL_EXPIRED` | the ticket has expired |
 * | `APPROVAL_WRONG_CONVERSATION` | the ticket was issued for another conversation |
 * | `APPROVAL_WRONG_TOOL` | the ticket was issued for another tool |
 * | `APPROVAL_WRONG_ARGUMENTS` | the arguments differ from those approved (canonical JSON hash) |
 * | `APPROVAL_ARGUMENTS_INVALID` | the arguments are not JSON data (or not JSON text) |
 * | `APPROVAL_APPROVER_NOT_ALLOWED` | the approver is not one of `approvers` |
 * | `APPROVAL_ALREADY_USED` | the ticket was already used (single use) |
 * | `APPROVAL_STORE_UNAVAILABLE` | the single-use store failed (refused, fails closed) |
 */
export type ApprovalErrorCode =
  | 'APPROVAL_MISSING'
  | 'APPROVAL_INVALID'
  | 'APPROVAL_EXPIRED'
  | 'APPROVAL_WRONG_CONVERSATION'
  | 'APPROVAL_WRONG_TOOL'
  | 'APPROVAL_WRONG_ARGUMENTS'
  | 'APPROVAL_ARGUMENTS_INVALID'
  | 'APPROVAL_APPROVER_NOT_ALLOWED'
  | 'APPROVAL_ALREADY_USED'
  | 'APPROVAL_STORE_UNAVAILABLE';

/** What a human approved. */
export interface ApprovalRequest {
  /** The conversation (thread, run) the call belongs to. */
  readonly conversation: string;
  /** The tool's name. */
  readonly tool: string;
  /**
   * The exact arguments approved: JSON data, or the JSON text of it (as models send tool
   * arguments). Compared by the SHA-256 of their RFC 8785 canonical form, so key order and
   * number spelling do not matter and any other change does.
   */
  readonly args: unknown;
  /** Who approved (a user id). */
  readonly approver: string;
}

/** A ticket that verified and has now been used. */
export interface VerifiedApproval {
  readonly conversation: string;
  readonly tool: string;
  readonly approver: string;
  /** base64url SHA-256 of the canonical arguments. */
  readonly argsHash: string;
  /** The ticket id (recorded in the store). */
  readonly jti: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

/** What verifying a ticket gives. */
export type ApprovalResult = Result<VerifiedApproval, ApprovalErrorCode>;

const MAX_ID = 512;
const isId = (v: unknown): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;

/** The base64url SHA-256 of the canonical JSON of `args`, or undefined when it has none. */
export function hashApprovalArguments(args: unknown): string | undefined {
  let value = args;
  if (typeof args === 'string') {
    // JSON text must be an object without duplicate names: with duplicates, the approved
    // text and the executed arguments could be read differently by two parsers.
    if (args.length > 1024 * 1024) return undefined;
    value = parseJsonObject(args);
    if (value === undefined) return undefined;
  }
  const canonical = canonicalJson(value);
  return canonical.ok ? encodeBase64Url(hash('sha256', canonical.text)) : undefined;
}

interface CommonOptions {
  /** `iss` of tickets. */
  readonly issuer?: string | undefined;
  /** `aud` of tickets. */
  readonly audience?: string | undefined;
  /** Clock, ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/** Options of {@link createApprovalIssuer}. */
export interface ApprovalIssuerOptions extends CommonOptions {
  /** The signing key (HS256, EdDSA, ...: see tokens). */
  readonly key: TokenSigningKey;
  /** Lifetime of a ticket, seconds. Default 300. */
  readonly expiresIn?: number | undefined;
  /** Randomness for ticket ids. Default Web Crypto. */
  readonly random?: RandomSource | undefined;
}

/** Issues approval tickets. */
export interface ApprovalIssuer {
  /**
   * Signs a single-use ticket for `request`.
   * @throws TypeError when a field is missing or the arguments are not JSON data.
   */
  issue(request: ApprovalRequest, options?: { now?: number; expiresIn?: number }): Promise<string>;
}

/**
 * Creates an issuer of approval tickets: when a human approves a tool call, the ticket binds
 * that approval to the conversation, the tool, the exact arguments (hash of their RFC 8785
 * canonical JSON), the approver and an expiry.
 *
 * @param options - signing key, issuer and audience, lifetime (default 300 s).
 * @returns An {@link ApprovalIssuer}.
 * @throws TypeError or RangeError on a misconfigured key or lifetime.
 * @example
 * ```ts
 * const approvals = createApprovalIssuer({ key: { alg: 'HS256', secret: env.APPROVAL_SECRET! } });
 * const ticket = await approvals.issue({
 *   conversation: 'conv-7', tool: 'send_payment', args: { to: 'acct-1', amount: 120 }, approver: 'alice',
 * });
 * ```
 */
export function createApprovalIssuer(options: ApprovalIssuerOptions): ApprovalIssuer {
  if (typeof options !== 'object' || options === null || options.key === undefined) {
    throw new TypeError("createApprovalIssuer needs a key, e.g. { key: { alg: 'HS256', secret } }");
  }
  const lifetime = options.expiresIn ?? 300;
  const checkLifetime = (v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new TypeError('expiresIn must be a positive number of seconds');
    }
    return v;
  };
  checkLifetime(lifetime);
  const tokens = createTokenIssuer({
    key: options.key,
    ...(options.issuer !== undefined && { issuer: options.issuer }),
    ...(options.audience !== undefined && { audience: options.audience }),
    jti: false,
    typ: APPROVAL_TICKET_TYPE,
    expiresIn: lifetime,
  });
  const clock = options.clock ?? Date.now;
  const random = options.random ?? randomBytes;
  return {
    async issue(request, call) {
      if (typeof request !== 'object' || request === null) {
        throw new TypeError('issue needs { conversation, tool, args, approver }');
      }
      for (const field of ['conversation', 'tool', 'approver'] as const) {
        if (!isId(request[field]))
          throw new TypeError(`issue: ${field} must be a string of 1-${MAX_ID} characters`);
      }
      const argsHash = hashApprovalArguments(request.args);
      if (argsHash === undefined) {
        throw new TypeError(
          'issue: args must be JSON data (or JSON text): no undefined, bigint, NaN, class instances or cycles',
        );
      }
      const now = call?.now ?? clock();
      const exp = Math.floor(now / 1000) + Math.floor(checkLifetime(call?.expiresIn ?? lifetime));
      return tokens.issue(
        {
          sub: request.approver,
          jti: encodeBase64Url(random(16)),
          exp,
          apv: { conv: request.conversation, tool: request.tool, args: argsHash },
        },
        { now },
      );
    },
  };
}

/** Options of {@link createApprovalVerifier}. */
export interface ApprovalVerifierOptions extends CommonOptions {
  /** Keys tickets may be signed with. */
  readonly keys: readonly TokenVerificationKey[];
  /**
   * Remembers used tickets until they expire: `createMemoryNonceStore()` for one process,
   * the `@jaf-sec/redis` nonce store for several. Required: a ticket is single use.
   */
  readonly store: NonceStore;
  /** When given, only tickets approved by one of these are accepted. */
  readonly approvers?: readonly string[] | undefined;
  /** Seconds of clock skew accepted on `exp`. Default 0. */
  readonly clockTolerance?: number | undefined;
}

/** What a ticket is verified against: the call about to run. */
export interface ApprovalCheck {
  readonly conversation: string;
  readonly tool: string;
  readonly args: unknown;
  /** ms since the epoch. Default: the verifier's clock. */
  readonly now?: number | undefined;
}

/** Verifies approval tickets, each once. */
export interface ApprovalVerifier {
  /**
   * Checks `ticket` against the call about to run and, when every check passes, marks it
   * used. Never rejects. A ticket refused for a mismatch is not used up.
   */
  verify(ticket: string | undefined, call: ApprovalCheck): Promise<ApprovalResult>;
}

const f = (code: ApprovalErrorCode, message: string) => fail(code, message);
const MISSING = f('APPROVAL_MISSING', 'No approval was presented.');
const INVALID = f('APPROVAL_INVALID', 'The approval is not valid.');
const EXPIRED = f('APPROVAL_EXPIRED', 'The approval has expired.');
const WRONG_CONVERSATION = f(
  'APPROVAL_WRONG_CONVERSATION',
  'The approval is for another conversation.',
);
const WRONG_TOOL = f('APPROVAL_WRONG_TOOL', 'The approval is for another tool.');
const WRONG_ARGUMENTS = f(
  'APPROVAL_WRONG_ARGUMENTS',
  'The arguments differ from the approved ones.',
);
const ARGUMENTS_INVALID = f('APPROVAL_ARGUMENTS_INVALID', 'The arguments are not JSON data.');
const APPROVER = f('APPROVAL_APPROVER_NOT_ALLOWED', 'The approver may not approve this call.');
const USED = f('APPROVAL_ALREADY_USED', 'The approval was already used.');
const UNAVAILABLE = f(
  'APPROVAL_STORE_UNAVAILABLE',
  'Approvals cannot be checked; the call was refused.',
);

/**
 * Creates a verifier of approval tickets (see {@link createApprovalIssuer}).
 *
 * @param options - verification keys, the single-use store, allowed approvers.
 * @returns An {@link ApprovalVerifier}.
 * @throws TypeError on a misconfigured key or a missing store.
 * @example
 * ```ts
 * const verifier = createApprovalVerifier({ keys: [key], store: createMemoryNonceStore() });
 * const result = await verifier.verify(ticket, { conversation: 'conv-7', tool: 'send_payment', args: toolCall.args });
 * if (!result.ok) return result.error.code; // e.g. APPROVAL_WRONG_ARGUMENTS, APPROVAL_ALREADY_USED
 * ```
 */
export function createApprovalVerifier(options: ApprovalVerifierOptions): ApprovalVerifier {
  if (typeof options !== 'object' || options === null || !Array.isArray(options.keys)) {
    throw new TypeError(
      "createApprovalVerifier needs keys, e.g. { keys: [{ alg: 'HS256', secret }], store }",
    );
  }
  const store = options.store;
  if (typeof store !== 'object' || store === null || typeof store.remember !== 'function') {
    throw new TypeError(
      'createApprovalVerifier needs a store (e.g. createMemoryNonceStore()): tickets are single use',
    );
  }
  const approvers = options.approvers === undefined ? undefined : new Set(options.approvers);
  const tolerance = options.clockTolerance ?? 0;
  const tokens = createTokenVerifier({
    keys: options.keys,
    ...(options.issuer !== undefined && { issuer: options.issuer }),
    ...(options.audience !== undefined && { audience: options.audience }),
    clockTolerance: tolerance,
    requiredClaims: ['exp', 'jti', 'sub', 'apv'],
  });
  const clock = options.clock ?? Date.now;

  async function verify(ticket: string | undefined, call: ApprovalCheck): Promise<ApprovalResult> {
    if (typeof ticket !== 'string' || ticket.length === 0) return MISSING;
    const now = call?.now ?? clock();
    const r = await tokens.verify(ticket, { now });
    if (!r.ok) return r.error.code === 'TOKEN_EXPIRED' ? EXPIRED : INVALID;
    if (r.value.header.typ !== APPROVAL_TICKET_TYPE) return INVALID;
    const { sub, jti, exp, apv } = r.value.claims as {
      sub: unknown;
      jti: unknown;
      exp: unknown;
      apv: unknown;
    };
    const a = apv as { conv?: unknown; tool?: unknown; args?: unknown } | null;
    if (
      !isId(sub) ||
      !isId(jti) ||
      typeof exp !== 'number' ||
      typeof a !== 'object' ||
      a === null ||
      !isId(a.conv) ||
      !isId(a.tool) ||
      typeof a.args !== 'string'
    ) {
      return INVALID;
    }
    if (typeof call !== 'object' || call === null) return ARGUMENTS_INVALID;
    if (a.conv !== call.conversation) return WRONG_CONVERSATION;
    if (a.tool !== call.tool) return WRONG_TOOL;
    const argsHash = hashApprovalArguments(call.args);
    if (argsHash === undefined) return ARGUMENTS_INVALID;
    if (!timingSafeEqualString(argsHash, a.args)) return WRONG_ARGUMENTS;
    if (approvers !== undefined && !approvers.has(sub)) return APPROVER;
    // Last, so a mismatched attempt does not burn the ticket for the call it was made for.
    const seen = await checkNonce(store, `approval:${jti}`, (exp + tolerance) * 1000, now);
    if (seen === 'replayed') return USED;
    if (seen === 'unavailable') return UNAVAILABLE;
    return ok({ conversation: a.conv, tool: a.tool, approver: sub, argsHash, jti, exp });
  }

  return { verify: (ticket, call) => verify(ticket, call).catch(() => INVALID) };
}
