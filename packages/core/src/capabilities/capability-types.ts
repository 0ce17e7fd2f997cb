import type { Result } from '../internal/result.js';

/** A JSON primitive an `enum` constraint may list. */
export type EnumValue = string | number | boolean | null;

/**
 * What one argument of a tool may be. Every field given must hold (they are ANDed); an
 * argument named in `args` must be present in the call.
 */
export interface ArgumentConstraint {
  /** The argument must equal one of these (`===`). An empty list allows nothing. */
  readonly enum?: readonly EnumValue[] | undefined;
  /** The argument must be a finite number no greater than this. */
  readonly max?: number | undefined;
  /** The argument must be a string starting with this. */
  readonly prefix?: string | undefined;
  /**
   * The argument must be a string matching every one of these globs, wholly: `*` any run,
   * `?` one character, `\` escapes. Globs, not regular expressions: they run in linear time.
   */
  readonly pattern?: string | readonly string[] | undefined;
}

/** The grant of one tool. */
export interface ToolGrant {
  /** Constraints on named arguments; unnamed arguments are not constrained. */
  readonly args?: Readonly<Record<string, ArgumentConstraint>> | undefined;
  /** Most calls of this tool under this token (and every token narrowed from it). */
  readonly maxCalls?: number | undefined;
}

/** What a capability token grants, as given to `issue`. */
export interface CapabilityGrant {
  /** The tools that may be called, by name. */
  readonly tools: Readonly<Record<string, ToolGrant>>;
  /** The agents that may use the token; absent means any agent. */
  readonly agents?: readonly string[] | undefined;
  /** How many times the token may be narrowed in a chain; default 0 (no delegation). */
  readonly maxDepth?: number | undefined;
}

/** One argument constraint as carried in a token: `pattern` always a list. */
export interface NormalizedConstraint {
  readonly enum?: readonly EnumValue[];
  readonly max?: number;
  readonly prefix?: string;
  readonly pattern?: readonly string[];
}

/**
 * A call budget: at most `max` calls counted under the token `jti`, the counter living until
 * `exp` (seconds since the epoch) - the expiry of the token that set it.
 */
export type CallLimit = readonly [jti: string, max: number, exp: number];

/** One tool's grant as carried in a token. */
export interface NormalizedToolGrant {
  readonly args?: Readonly<Record<string, NormalizedConstraint>>;
  /** Budgets of this token and its ancestors; every one is charged on each call. */
  readonly limits?: readonly CallLimit[];
}

/** The `cap` claim of a capability token. */
export interface CapabilityClaim {
  readonly v: 1;
  readonly tools: Readonly<Record<string, NormalizedToolGrant>>;
  readonly agents?: readonly string[];
  /** 0 for a token issued directly, parent + 1 for a narrowed one. */
  readonly depth: number;
  readonly maxDepth: number;
}

/** The RFC 8693 actor claim: the current actor, with the previous ones nested in `act`. */
export interface ActorClaim {
  readonly sub: string;
  readonly act?: ActorClaim;
}

/** A tool call to check, in the shape any agent framework can produce. */
export interface ToolCall {
  /** The tool's name. */
  readonly tool: string;
  /** The arguments: an object, or the JSON text of one (OpenAI `function.arguments`). */
  readonly args?: Readonly<Record<string, unknown>> | string | undefined;
  /** The agent making the call (checked against the grant's `agents`). */
  readonly agent?: string | undefined;
}

/**
 * Why a capability or a call was refused. Stable.
 *
 * | code | meaning |
 * |---|---|
 * | `CAPABILITY_MISSING` | no token was given |
 * | `CAPABILITY_EXPIRED` | the token has expired or is not yet valid |
 * | `CAPABILITY_INVALID` | not a capability token of this issuer (signature, type, audience, claim shape) |
 * | `TOOL_NOT_GRANTED` | the tool is not in the grant |
 * | `ARGUMENT_NOT_GRANTED` | an argument is absent or outside its constraint |
 * | `ARGUMENTS_MALFORMED` | the arguments are not a JSON object |
 * | `AGENT_NOT_GRANTED` | the calling agent is not in the grant's `agents` |
 * | `DELEGATION_TOO_DEEP` | the chain is deeper than `maxDepth` |
 * | `CALLS_EXHAUSTED` | a call budget of the token or an ancestor is used up |
 * | `CAPABILITY_STORE_UNAVAILABLE` | the call-count store failed (refused, fails closed) |
 * | `NARROWING_INVALID` | `narrow` was given a narrowing it cannot apply |
 */
export type CapabilityErrorCode =
  | 'CAPABILITY_MISSING'
  | 'CAPABILITY_EXPIRED'
  | 'CAPABILITY_INVALID'
  | 'TOOL_NOT_GRANTED'
  | 'ARGUMENT_NOT_GRANTED'
  | 'ARGUMENTS_MALFORMED'
  | 'AGENT_NOT_GRANTED'
  | 'DELEGATION_TOO_DEEP'
  | 'CALLS_EXHAUSTED'
  | 'CAPABILITY_STORE_UNAVAILABLE'
  | 'NARROWING_INVALID';

/** A verified capability token. */
export interface VerifiedCapability {
  /** The principal the grant is for (`sub`). */
  readonly subject: string | undefined;
  /** The token id: call budgets are counted under it. */
  readonly jti: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
  readonly grant: CapabilityClaim;
  /** The actor chain (RFC 8693), when the token was narrowed for an actor. */
  readonly act?: ActorClaim;
}

/** What checking a capability gives. */
export type CapabilityResult<T = VerifiedCapability> = Result<T, CapabilityErrorCode>;
