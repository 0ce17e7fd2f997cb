import { encodeBase64Url } from '../internal/bytes.js';
import { type RandomSource, randomBytes } from '../internal/random.js';
import { fail, ok } from '../internal/result.js';
import { createTokenIssuer } from '../tokens/create-token-issuer.js';
import { createTokenVerifier } from '../tokens/create-token-verifier.js';
import { isHmacAlgorithm } from '../tokens/token-keys.js';
import type { TokenSigningKey, TokenVerificationKey } from '../tokens/token-types.js';
import type { CallCounter, CapabilityCallStore } from './call-store.js';
import type {
  ActorClaim,
  CapabilityGrant,
  CapabilityResult,
  ToolCall,
  VerifiedCapability,
} from './capability-types.js';
import {
  type CapabilityNarrowing,
  checkCall,
  GRANT_LIMITS,
  narrowClaim,
  normalizeGrant,
  parseClaim,
} from './grant.js';

/** The JWT `typ` of capability tokens (RFC 8725 3.11): a login token is never taken for one. */
export const CAPABILITY_TOKEN_TYPE = 'cap+jwt';

/** The claim a capability token carries its grant in. */
const CLAIM = 'cap';

/** Options shared by {@link createCapabilityVerifier} and {@link createCapabilityIssuer}. */
interface CommonOptions {
  /** `iss` of capability tokens. */
  readonly issuer?: string | undefined;
  /** `aud` of capability tokens (e.g. the tool server). */
  readonly audience?: string | undefined;
  /** Seconds of clock skew accepted on `exp`. Default 0. */
  readonly clockTolerance?: number | undefined;
  /** Clock, ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/** Options of {@link createCapabilityVerifier}. */
export interface CapabilityVerifierOptions extends CommonOptions {
  /** Keys capability tokens may be signed with (HS256/EdDSA/...: see tokens). */
  readonly keys: readonly TokenVerificationKey[];
  /**
   * Where call budgets (`maxCalls`) are counted. Without it, a token carrying a budget is
   * refused with `CAPABILITY_STORE_UNAVAILABLE` (a budget is never silently ignored).
   */
  readonly calls?: CapabilityCallStore | undefined;
}

/** Per-call options of checking. */
export interface CapabilityCheckOptions {
  /** ms since the epoch. Default: the verifier's clock. */
  readonly now?: number | undefined;
}

/** A call that may proceed, with the capability it was checked against. */
export interface PermittedToolCall {
  readonly tool: string;
  readonly capability: VerifiedCapability;
}

/** Verifies capability tokens and checks tool calls against them. */
export interface CapabilityVerifier {
  /** Verifies a capability token (signature, type, expiry, claim shape). Never rejects. */
  verify(token: string | undefined, options?: CapabilityCheckOptions): Promise<CapabilityResult>;
  /**
   * Verifies `token` and checks `call` against it: agent, depth, tool, arguments, then
   * charges every call budget (the token's and its ancestors'). Never rejects.
   */
  check(
    token: string | undefined,
    call: ToolCall,
    options?: CapabilityCheckOptions,
  ): Promise<CapabilityResult<PermittedToolCall>>;
}

const MISSING = fail('CAPABILITY_MISSING', 'No capability token was presented.');
const EXPIRED = fail('CAPABILITY_EXPIRED', 'The capability token has expired or is not yet valid.');
const INVALID = fail('CAPABILITY_INVALID', 'The capability token is not valid.');
const UNAVAILABLE = fail(
  'CAPABILITY_STORE_UNAVAILABLE',
  'Call budgets cannot be checked; the call was refused.',
);
const EXHAUSTED = fail('CALLS_EXHAUSTED', 'The call budget of this capability is used up.');

function parseActor(value: unknown, depth: number): ActorClaim | undefined | false {
  if (value === undefined) return undefined;
  if (depth > GRANT_LIMITS.maxDepth + 1 || typeof value !== 'object' || value === null)
    return false;
  const { sub, act } = value as { sub?: unknown; act?: unknown };
  if (typeof sub !== 'string') return false;
  const inner = parseActor(act, depth + 1);
  if (inner === false) return false;
  return inner === undefined ? { sub } : { sub, act: inner };
}

/**
 * Creates a verifier of capability tokens: short-lived signed grants naming the tools a
 * principal may call, constraints on their arguments, the agents that may use them, call
 * budgets and how far they may be delegated (see {@link createCapabilityIssuer}).
 *
 * @param options - verification keys, expected issuer and audience, a call store.
 * @returns A {@link CapabilityVerifier}.
 * @throws TypeError or RangeError on a misconfigured key (as createTokenVerifier does).
 * @example
 * ```ts
 * const verifier = createCapabilityVerifier({
 *   keys: [{ alg: 'HS256', secret: env.CAP_SECRET! }],
 *   audience: 'tools',
 *   calls: createMemoryCallStore(),
 * });
 * const result = await verifier.check(token, { tool: 'read_file', args: { path: '/srv/a.txt' }, agent: 'researcher' });
 * if (!result.ok) return result.error.code; // e.g. ARGUMENT_NOT_GRANTED
 * ```
 */
export function createCapabilityVerifier(options: CapabilityVerifierOptions): CapabilityVerifier {
  if (typeof options !== 'object' || options === null || !Array.isArray(options.keys)) {
    throw new TypeError(
      "createCapabilityVerifier needs keys, e.g. { keys: [{ alg: 'HS256', secret }] }",
    );
  }
  const tokens = createTokenVerifier({
    keys: options.keys,
    ...(options.issuer !== undefined && { issuer: options.issuer }),
    ...(options.audience !== undefined && { audience: options.audience }),
    ...(options.clockTolerance !== undefined && { clockTolerance: options.clockTolerance }),
    requiredClaims: ['exp', 'jti', CLAIM],
    maxTokenLength: 32 * 1024,
    claimsCacheSize: 256,
  });
  const clock = options.clock ?? Date.now;
  const calls = options.calls;

  async function verify(
    token: string | undefined,
    call?: CapabilityCheckOptions,
  ): Promise<CapabilityResult> {
    if (typeof token !== 'string' || token.length === 0) return MISSING;
    const now = call?.now ?? clock();
    const result = await tokens.verify(token, { now });
    if (!result.ok) {
      const code = result.error.code;
      return code === 'TOKEN_EXPIRED' || code === 'TOKEN_NOT_YET_VALID' ? EXPIRED : INVALID;
    }
    if (result.value.header.typ !== CAPABILITY_TOKEN_TYPE) return INVALID;
    const claims = result.value.claims;
    const grant = parseClaim(claims[CLAIM]);
    const act = parseActor(claims.act, 0);
    if (
      grant === undefined ||
      act === false ||
      typeof claims.jti !== 'string' ||
      typeof claims.exp !== 'number' ||
      (claims.sub !== undefined && typeof claims.sub !== 'string')
    ) {
      return INVALID;
    }
    const value: VerifiedCapability = {
      subject: claims.sub,
      jti: claims.jti,
      exp: claims.exp,
      grant,
      ...(act !== undefined && { act }),
    };
    return ok(value);
  }

  return {
    verify: (token, call) => verify(token, call).catch(() => INVALID),
    async check(token, toolCall, call) {
      try {
        const now = call?.now ?? clock();
        const verified = await verify(token, { now });
        if (!verified.ok) return verified;
        const permitted = checkCall(verified.value.grant, toolCall);
        if (!permitted.ok) return permitted;
        const { limits, tool } = permitted.value;
        if (limits.length > 0) {
          if (calls === undefined) return UNAVAILABLE;
          const group = limits[0]![0];
          const counters: CallCounter[] = limits.map(([jti, max, exp]) => ({
            key: `cap:${jti}:${tool}`,
            group,
            limit: max,
            expiresAt: exp * 1000,
          }));
          let allowed: boolean;
          try {
            allowed = await calls.consume(counters, now);
          } catch {
            return UNAVAILABLE;
          }
          if (!allowed) return EXHAUSTED;
        }
        return ok({ tool, capability: verified.value });
      } catch {
        return INVALID;
      }
    },
  };
}

/** Options of {@link createCapabilityIssuer}. */
export interface CapabilityIssuerOptions extends CommonOptions {
  /** The signing key (HS256, EdDSA, ...: see tokens). */
  readonly key: TokenSigningKey;
  /**
   * Keys a parent token is verified with before `narrow`. Default: the signing key, for an
   * HMAC key; required (the public key) for an asymmetric one.
   */
  readonly verificationKeys?: readonly TokenVerificationKey[] | undefined;
  /** Default lifetime of a capability token, seconds. Default 300: grants are short-lived. */
  readonly expiresIn?: number | undefined;
  /** Randomness for token ids. Default Web Crypto. */
  readonly random?: RandomSource | undefined;
}

/** Per-token options of {@link CapabilityIssuer.issue}. */
export interface IssueCapabilityOptions {
  /** The principal the grant is for (`sub`). */
  readonly subject?: string | undefined;
  /** Lifetime, seconds. Default: the issuer's `expiresIn`. */
  readonly expiresIn?: number | undefined;
  /** ms since the epoch. Default: the issuer's clock. */
  readonly now?: number | undefined;
}

/** Per-call options of {@link CapabilityIssuer.narrow}. */
export interface NarrowCapabilityOptions {
  /** ms since the epoch. Default: the issuer's clock. */
  readonly now?: number | undefined;
  /**
   * The agent asking to delegate: refused with `AGENT_NOT_GRANTED` when the parent lists
   * agents and this is not one of them. Pass it whenever an agent asks for the narrowing.
   */
  readonly agent?: string | undefined;
}

/** Issues capability tokens and narrows them for delegation. */
export interface CapabilityIssuer {
  /**
   * Signs `grant` as a capability token.
   * @throws TypeError when the grant is malformed (a developer error, with the fix).
   */
  issue(grant: CapabilityGrant, options?: IssueCapabilityOptions): Promise<string>;
  /**
   * Verifies `parent` and issues a child token within it: tools a subset, enums and agents
   * intersected, maxima and budgets lowered, prefixes only extended, no later expiry,
   * depth + 1 within `maxDepth`, the actor chain recorded in `act`. Never rejects.
   */
  narrow(
    parent: string | undefined,
    narrowing: CapabilityNarrowing,
    options?: NarrowCapabilityOptions,
  ): Promise<CapabilityResult<string>>;
}

/**
 * Creates an issuer of capability tokens (JWTs typed `cap+jwt`, signed with the tokens
 * capability's key handling).
 *
 * @param options - signing key, issuer and audience, default lifetime (300 s).
 * @returns A {@link CapabilityIssuer}.
 * @throws TypeError or RangeError on a misconfigured key or lifetime, or an asymmetric key
 *   without `verificationKeys`.
 * @example
 * ```ts
 * const capabilities = createCapabilityIssuer({ key: { alg: 'HS256', secret: env.CAP_SECRET! }, audience: 'tools' });
 * const token = await capabilities.issue(
 *   {
 *     tools: { read_file: { args: { path: { prefix: '/srv/reports/' } }, maxCalls: 20 } },
 *     agents: ['researcher'],
 *     maxDepth: 1,
 *   },
 *   { subject: 'user-42', expiresIn: 600 },
 * );
 * const child = await capabilities.narrow(token, {
 *   tools: { read_file: { args: { path: { prefix: '/srv/reports/2026/' } }, maxCalls: 5 } },
 *   actor: 'summarizer',
 * });
 * ```
 */
export function createCapabilityIssuer(options: CapabilityIssuerOptions): CapabilityIssuer {
  if (typeof options !== 'object' || options === null || options.key === undefined) {
    throw new TypeError(
      "createCapabilityIssuer needs a key, e.g. { key: { alg: 'HS256', secret } }",
    );
  }
  const key = options.key;
  const lifetime = options.expiresIn ?? 300;
  if (typeof lifetime !== 'number' || !Number.isFinite(lifetime) || lifetime <= 0) {
    throw new TypeError('createCapabilityIssuer: expiresIn must be a positive number of seconds');
  }
  let verificationKeys = options.verificationKeys;
  if (verificationKeys === undefined) {
    if (!isHmacAlgorithm(key.alg)) {
      throw new TypeError(
        `createCapabilityIssuer: an ${key.alg} key needs verificationKeys (its public key) so narrow can verify parents`,
      );
    }
    verificationKeys = [key as TokenVerificationKey];
  }
  const tokens = createTokenIssuer({
    key,
    ...(options.issuer !== undefined && { issuer: options.issuer }),
    ...(options.audience !== undefined && { audience: options.audience }),
    jti: false,
    typ: CAPABILITY_TOKEN_TYPE,
    expiresIn: lifetime,
  });
  const verifier = createCapabilityVerifier({
    keys: verificationKeys,
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockTolerance,
  });
  const clock = options.clock ?? Date.now;
  const random = options.random ?? randomBytes;
  const newJti = () => encodeBase64Url(random(16));

  function checkLifetime(value: unknown): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new TypeError('expiresIn must be a positive number of seconds');
    }
    return value;
  }

  return {
    async issue(grant, call) {
      const now = call?.now ?? clock();
      const iat = Math.floor(now / 1000);
      const exp = iat + Math.floor(checkLifetime(call?.expiresIn ?? lifetime));
      const jti = newJti();
      const claim = normalizeGrant(grant, jti, exp);
      if (typeof claim === 'string') throw new TypeError(`issue: ${claim}`);
      if (call?.subject !== undefined && typeof call.subject !== 'string') {
        throw new TypeError('issue: subject must be a string');
      }
      return tokens.issue(
        { ...(call?.subject !== undefined && { sub: call.subject }), jti, exp, [CLAIM]: claim },
        { now },
      );
    },
    async narrow(parent, narrowing, call) {
      try {
        const now = call?.now ?? clock();
        const verified = await verifier.verify(parent, { now });
        if (!verified.ok) return verified;
        const p = verified.value;
        if (
          p.grant.agents !== undefined &&
          call?.agent !== undefined &&
          !p.grant.agents.includes(call.agent)
        ) {
          return fail('AGENT_NOT_GRANTED', 'This agent may not delegate the capability.');
        }
        const n = narrowing as CapabilityNarrowing | undefined;
        if (n?.expiresIn !== undefined && !(typeof n.expiresIn === 'number' && n.expiresIn > 0)) {
          return fail(
            'NARROWING_INVALID',
            'Cannot narrow: expiresIn must be a positive number of seconds.',
          );
        }
        if (
          n?.actor !== undefined &&
          !(
            typeof n.actor === 'string' &&
            n.actor.length > 0 &&
            n.actor.length <= GRANT_LIMITS.nameLength
          )
        ) {
          return fail('NARROWING_INVALID', 'Cannot narrow: actor must be a non-empty name.');
        }
        const iat = Math.floor(now / 1000);
        const exp = Math.min(p.exp, iat + Math.floor(n?.expiresIn ?? lifetime));
        const jti = newJti();
        const child = narrowClaim(p.grant, narrowing, jti, exp);
        if (!child.ok) return child;
        const act: ActorClaim | undefined =
          n?.actor !== undefined
            ? { sub: n.actor, ...(p.act !== undefined && { act: p.act }) }
            : p.act;
        const token = await tokens.issue(
          {
            ...(p.subject !== undefined && { sub: p.subject }),
            jti,
            exp,
            [CLAIM]: child.value,
            ...(act !== undefined && { act }),
          },
          { now },
        );
        return ok(token);
      } catch {
        return fail('NARROWING_INVALID', 'Cannot narrow this capability.');
      }
    },
  };
}
