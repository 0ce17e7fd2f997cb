// The pure part of capability tokens: validating a grant, the meet of a parent grant and a
// narrowing (always within the parent), and checking one call against a grant.

import { fail, ok, type Result } from '../internal/result.js';
import { parseJsonObject } from '../tokens/parse-json-object.js';
import type {
  CallLimit,
  CapabilityClaim,
  CapabilityErrorCode,
  CapabilityGrant,
  EnumValue,
  NormalizedConstraint,
  NormalizedToolGrant,
  ToolCall,
  ToolGrant,
} from './capability-types.js';
import { type CompiledGlob, compileGlob, matchGlob } from './glob.js';

/** Bounds on a grant, so a token (and the work of checking it) stays small. */
export const GRANT_LIMITS = {
  tools: 128,
  argsPerTool: 64,
  enumValues: 256,
  patternsPerArgument: 8,
  agents: 256,
  nameLength: 128,
  stringLength: 1024,
  maxDepth: 16,
} as const;

const NAME = /^[\w.:/@-]+$/;
/** Longest JSON text of tool arguments read. */
const MAX_ARGS_TEXT = 1024 * 1024;

function isName(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    value.length <= GRANT_LIMITS.nameLength &&
    value !== '__proto__' &&
    NAME.test(value)
  );
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const hasOnly = (o: Record<string, unknown>, allowed: readonly string[]): boolean =>
  Object.keys(o).every((k) => allowed.includes(k));

const isEnumValue = (v: unknown): v is EnumValue =>
  v === null ||
  typeof v === 'boolean' ||
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && v.length <= GRANT_LIMITS.stringLength);

const isCount = (v: unknown, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

/** A constraint checked and in token form, or a problem (never names a value). */
function normalizeConstraint(c: unknown, where: string): NormalizedConstraint | string {
  if (!isPlainObject(c) || !hasOnly(c, ['enum', 'max', 'prefix', 'pattern'])) {
    return `${where} must be an object with enum, max, prefix or pattern`;
  }
  const out: { -readonly [K in keyof NormalizedConstraint]: NormalizedConstraint[K] } = {};
  if (c.enum !== undefined) {
    if (
      !Array.isArray(c.enum) ||
      c.enum.length > GRANT_LIMITS.enumValues ||
      !c.enum.every(isEnumValue)
    ) {
      return `${where}.enum must be a list of at most ${GRANT_LIMITS.enumValues} JSON primitives`;
    }
    out.enum = [...new Set(c.enum as EnumValue[])];
  }
  if (c.max !== undefined) {
    if (typeof c.max !== 'number' || !Number.isFinite(c.max))
      return `${where}.max must be a finite number`;
    out.max = c.max;
  }
  if (c.prefix !== undefined) {
    if (typeof c.prefix !== 'string' || c.prefix.length > GRANT_LIMITS.stringLength) {
      return `${where}.prefix must be a string of at most ${GRANT_LIMITS.stringLength} characters`;
    }
    out.prefix = c.prefix;
  }
  if (c.pattern !== undefined) {
    const list = typeof c.pattern === 'string' ? [c.pattern] : c.pattern;
    if (
      !Array.isArray(list) ||
      list.length > GRANT_LIMITS.patternsPerArgument ||
      !list.every((p) => compileGlob(p as string) !== undefined)
    ) {
      return `${where}.pattern must be up to ${GRANT_LIMITS.patternsPerArgument} globs (1-256 characters, * ? and \\ escapes)`;
    }
    out.pattern = [...new Set(list as string[])];
  }
  return out;
}

function normalizeArgs(
  args: unknown,
  where: string,
): Record<string, NormalizedConstraint> | undefined | string {
  if (args === undefined) return undefined;
  if (!isPlainObject(args)) return `${where}.args must be an object of argument constraints`;
  const names = Object.keys(args);
  if (names.length > GRANT_LIMITS.argsPerTool)
    return `${where}.args has more than ${GRANT_LIMITS.argsPerTool} arguments`;
  const out: Record<string, NormalizedConstraint> = {};
  for (const name of names) {
    if (!isName(name))
      return `${where}.args: argument names are 1-128 characters of letters, digits, _ . : / @ -`;
    const c = normalizeConstraint(args[name], `${where}.args.${name}`);
    if (typeof c === 'string') return c;
    out[name] = c;
  }
  return out;
}

function checkAgents(agents: unknown, where: string): string | undefined {
  if (agents === undefined) return undefined;
  if (!Array.isArray(agents) || agents.length > GRANT_LIMITS.agents || !agents.every(isName)) {
    return `${where} must be a list of at most ${GRANT_LIMITS.agents} agent names`;
  }
  return undefined;
}

/**
 * Checks a grant given to `issue` and puts it in token form, the budgets counted under
 * `jti` until `exp`; a string names the problem (a developer error: the issuer throws it).
 * @internal
 */
export function normalizeGrant(
  grant: CapabilityGrant,
  jti: string,
  exp: number,
): CapabilityClaim | string {
  if (!isPlainObject(grant) || !hasOnly(grant, ['tools', 'agents', 'maxDepth'])) {
    return 'the grant must be { tools, agents?, maxDepth? }';
  }
  if (!isPlainObject(grant.tools)) return 'grant.tools must be an object of tool grants by name';
  const names = Object.keys(grant.tools);
  if (names.length > GRANT_LIMITS.tools)
    return `grant.tools has more than ${GRANT_LIMITS.tools} tools`;
  const tools: Record<string, NormalizedToolGrant> = {};
  for (const name of names) {
    if (!isName(name))
      return 'grant.tools: tool names are 1-128 characters of letters, digits, _ . : / @ -';
    const t = (grant.tools as Record<string, unknown>)[name];
    const where = `grant.tools.${name}`;
    if (!isPlainObject(t) || !hasOnly(t, ['args', 'maxCalls']))
      return `${where} must be { args?, maxCalls? }`;
    const args = normalizeArgs(t.args, where);
    if (typeof args === 'string') return args;
    if (t.maxCalls !== undefined && !(isCount(t.maxCalls) && t.maxCalls > 0)) {
      return `${where}.maxCalls must be a positive integer`;
    }
    const out: { args?: Record<string, NormalizedConstraint>; limits?: CallLimit[] } = {};
    if (args !== undefined) out.args = args;
    if (t.maxCalls !== undefined) out.limits = [[jti, t.maxCalls as number, exp]];
    tools[name] = out;
  }
  const agentProblem = checkAgents(grant.agents, 'grant.agents');
  if (agentProblem) return agentProblem;
  const maxDepth = grant.maxDepth ?? 0;
  if (!isCount(maxDepth, GRANT_LIMITS.maxDepth)) {
    return `grant.maxDepth must be an integer from 0 to ${GRANT_LIMITS.maxDepth}`;
  }
  const claim: { -readonly [K in keyof CapabilityClaim]: CapabilityClaim[K] } = {
    v: 1,
    tools,
    depth: 0,
    maxDepth,
  };
  if (grant.agents !== undefined) claim.agents = [...new Set(grant.agents)];
  return claim;
}

function isNormalizedConstraint(c: unknown): c is NormalizedConstraint {
  if (typeof normalizeConstraint(c, 'c') === 'string') return false;
  const p = (c as { pattern?: unknown }).pattern;
  return p === undefined || Array.isArray(p);
}

function isLimit(l: unknown): l is CallLimit {
  return (
    Array.isArray(l) &&
    l.length === 3 &&
    typeof l[0] === 'string' &&
    l[0].length > 0 &&
    l[0].length <= GRANT_LIMITS.nameLength &&
    isCount(l[1]) &&
    l[1] > 0 &&
    isCount(l[2])
  );
}

/**
 * Reads a `cap` claim of a verified token, strictly (signed by the issuer, but a shape the
 * checker does not expect is refused rather than guessed at). @internal
 */
export function parseClaim(value: unknown): CapabilityClaim | undefined {
  if (!isPlainObject(value) || !hasOnly(value, ['v', 'tools', 'agents', 'depth', 'maxDepth'])) {
    return undefined;
  }
  if (value.v !== 1 || !isCount(value.maxDepth, GRANT_LIMITS.maxDepth) || !isCount(value.depth)) {
    return undefined;
  }
  if (checkAgents(value.agents, 'agents') !== undefined) return undefined;
  if (!isPlainObject(value.tools)) return undefined;
  const names = Object.keys(value.tools);
  if (names.length > GRANT_LIMITS.tools) return undefined;
  for (const name of names) {
    const t = value.tools[name];
    if (!isName(name) || !isPlainObject(t) || !hasOnly(t, ['args', 'limits'])) return undefined;
    if (t.args !== undefined) {
      if (!isPlainObject(t.args)) return undefined;
      const args = Object.keys(t.args);
      if (args.length > GRANT_LIMITS.argsPerTool) return undefined;
      for (const a of args) if (!isName(a) || !isNormalizedConstraint(t.args[a])) return undefined;
    }
    if (t.limits !== undefined) {
      if (!Array.isArray(t.limits) || t.limits.length > GRANT_LIMITS.maxDepth + 1) return undefined;
      if (!t.limits.every(isLimit)) return undefined;
    }
  }
  return value as unknown as CapabilityClaim;
}

// ---- checking a call ------------------------------------------------------------------

const globCache = new Map<string, CompiledGlob>();
function glob(pattern: string): CompiledGlob {
  let g = globCache.get(pattern);
  if (g === undefined) {
    g = compileGlob(pattern) as CompiledGlob; // validated when the claim was read
    if (globCache.size >= 1024) globCache.clear();
    globCache.set(pattern, g);
  }
  return g;
}

/** Whether `value` satisfies `c`. @internal */
export function satisfies(c: NormalizedConstraint, value: unknown): boolean {
  if (value === undefined) return false;
  if (c.enum !== undefined && !c.enum.includes(value as EnumValue)) return false;
  if (
    c.max !== undefined &&
    !(typeof value === 'number' && Number.isFinite(value) && value <= c.max)
  ) {
    return false;
  }
  if (c.prefix !== undefined && !(typeof value === 'string' && value.startsWith(c.prefix))) {
    return false;
  }
  if (c.pattern !== undefined) {
    if (typeof value !== 'string') return false;
    for (const p of c.pattern) if (!matchGlob(glob(p), value)) return false;
  }
  return true;
}

/** What a permitted call is charged: every budget of the tool, ancestors' included. */
export interface PermittedCall {
  readonly tool: string;
  readonly limits: readonly CallLimit[];
}

/**
 * Checks `call` against `claim` (agent, delegation depth, tool, arguments); budgets are
 * the caller's to charge. Never throws. @internal
 */
export function checkCall(
  claim: CapabilityClaim,
  call: ToolCall,
): Result<PermittedCall, CapabilityErrorCode> {
  if (claim.depth > claim.maxDepth) {
    return fail('DELEGATION_TOO_DEEP', 'The capability was delegated more times than allowed.');
  }
  if (typeof call !== 'object' || call === null || typeof call.tool !== 'string') {
    return fail('TOOL_NOT_GRANTED', 'The call names no tool.');
  }
  if (
    claim.agents !== undefined &&
    !(typeof call.agent === 'string' && claim.agents.includes(call.agent))
  ) {
    return fail('AGENT_NOT_GRANTED', 'This agent may not use the capability.');
  }
  if (!Object.hasOwn(claim.tools, call.tool)) {
    return fail('TOOL_NOT_GRANTED', 'The capability does not grant this tool.');
  }
  const grant = claim.tools[call.tool]!;
  let args: unknown = call.args ?? {};
  if (typeof args === 'string') {
    // Duplicate names are refused: JSON.parse keeps the last, another parser (the tool's) may
    // keep the first, and the call checked must be the call run.
    args = args.length > MAX_ARGS_TEXT ? undefined : parseJsonObject(args);
  }
  if (!isPlainObject(args)) {
    return fail('ARGUMENTS_MALFORMED', 'The tool arguments are not a JSON object.');
  }
  if (grant.args !== undefined) {
    for (const name of Object.keys(grant.args)) {
      const value = Object.hasOwn(args, name) ? args[name] : undefined;
      if (!satisfies(grant.args[name]!, value)) {
        return fail('ARGUMENT_NOT_GRANTED', `The argument "${name}" is outside the capability.`);
      }
    }
  }
  return ok({ tool: call.tool, limits: grant.limits ?? [] });
}

// ---- narrowing ------------------------------------------------------------------------

/** What `narrow` may change: each field only restricts. */
export interface CapabilityNarrowing {
  /**
   * The tools the child keeps, each with constraints added to the parent's (a `{}` keeps the
   * parent's as they are). Absent: every tool of the parent, unchanged. A tool the parent
   * does not grant is refused with `TOOL_NOT_GRANTED`.
   */
  readonly tools?: Readonly<Record<string, ToolGrant>> | undefined;
  /** Agents that may use the child: intersected with the parent's. */
  readonly agents?: readonly string[] | undefined;
  /** Lowers how deep the chain may go (never raises it). */
  readonly maxDepth?: number | undefined;
  /** Lifetime of the child, seconds; the child never outlives its parent. */
  readonly expiresIn?: number | undefined;
  /** The party the child is issued to act (recorded in `act`, RFC 8693). */
  readonly actor?: string | undefined;
}

function intersect<T>(a: readonly T[] | undefined, b: readonly T[] | undefined): T[] | undefined {
  if (a === undefined) return b === undefined ? undefined : [...b];
  if (b === undefined) return [...a];
  return a.filter((x) => b.includes(x));
}

/** The meet of two constraints, or undefined when two prefixes cannot both hold. */
function meetConstraint(
  p: NormalizedConstraint | undefined,
  c: NormalizedConstraint,
): NormalizedConstraint | undefined {
  if (p === undefined) return c;
  const out: { -readonly [K in keyof NormalizedConstraint]: NormalizedConstraint[K] } = {};
  const e = intersect(p.enum, c.enum);
  if (e !== undefined) out.enum = e;
  if (p.max !== undefined || c.max !== undefined)
    out.max = Math.min(p.max ?? Infinity, c.max ?? Infinity);
  if (p.prefix !== undefined || c.prefix !== undefined) {
    const a = p.prefix ?? '';
    const b = c.prefix ?? '';
    if (b.startsWith(a)) out.prefix = b;
    else if (a.startsWith(b)) out.prefix = a;
    else return undefined;
  }
  if (p.pattern !== undefined || c.pattern !== undefined) {
    const all = [...new Set([...(p.pattern ?? []), ...(c.pattern ?? [])])];
    if (all.length > GRANT_LIMITS.patternsPerArgument) return undefined;
    out.pattern = all;
  }
  return out;
}

/**
 * The child grant of `parent` under `narrowing`: tools a subset, enums and agents
 * intersected, maxima lowered, prefixes only extended, patterns added, budgets added to the
 * parent's, depth + 1. The child's budgets are counted under `jti` until `exp`. Never
 * throws; never returns a grant wider than `parent`. @internal
 */
export function narrowClaim(
  parent: CapabilityClaim,
  narrowing: CapabilityNarrowing,
  jti: string,
  exp: number,
): Result<CapabilityClaim, CapabilityErrorCode> {
  const bad = (why: string) => fail('NARROWING_INVALID' as const, `Cannot narrow: ${why}.`);
  if (
    !isPlainObject(narrowing) ||
    !hasOnly(narrowing, ['tools', 'agents', 'maxDepth', 'expiresIn', 'actor'])
  ) {
    return bad('the narrowing must be { tools?, agents?, maxDepth?, expiresIn?, actor? }');
  }
  const depth = parent.depth + 1;
  let maxDepth = parent.maxDepth;
  if (narrowing.maxDepth !== undefined) {
    if (!isCount(narrowing.maxDepth, GRANT_LIMITS.maxDepth))
      return bad('maxDepth must be an integer from 0 to 16');
    maxDepth = Math.min(maxDepth, narrowing.maxDepth);
  }
  if (depth > maxDepth) {
    return fail('DELEGATION_TOO_DEEP', 'The capability may not be delegated further.');
  }
  if (checkAgents(narrowing.agents, 'agents') !== undefined)
    return bad('agents must be a list of agent names');
  let tools: Record<string, NormalizedToolGrant>;
  if (narrowing.tools === undefined) {
    tools = { ...parent.tools };
  } else {
    if (!isPlainObject(narrowing.tools)) return bad('tools must be an object of tool grants');
    tools = {};
    for (const name of Object.keys(narrowing.tools)) {
      if (!Object.hasOwn(parent.tools, name)) {
        return fail('TOOL_NOT_GRANTED', 'Cannot narrow: the parent does not grant that tool.');
      }
      const t = (narrowing.tools as Record<string, unknown>)[name];
      if (!isPlainObject(t) || !hasOnly(t, ['args', 'maxCalls']))
        return bad('a tool grant must be { args?, maxCalls? }');
      const args = normalizeArgs(t.args, 'tool');
      if (typeof args === 'string') return bad('an argument constraint is malformed');
      if (t.maxCalls !== undefined && !(isCount(t.maxCalls) && t.maxCalls > 0)) {
        return bad('maxCalls must be a positive integer');
      }
      const from = parent.tools[name]!;
      const merged: Record<string, NormalizedConstraint> = { ...from.args };
      for (const [arg, c] of Object.entries(args ?? {})) {
        const m = meetConstraint(from.args?.[arg], c);
        if (m === undefined) {
          return fail(
            'ARGUMENT_NOT_GRANTED',
            `Cannot narrow: the constraint on "${arg}" contradicts the parent's.`,
          );
        }
        merged[arg] = m;
      }
      const out: { args?: Record<string, NormalizedConstraint>; limits?: CallLimit[] } = {};
      if (Object.keys(merged).length > 0) out.args = merged;
      const limits = [...(from.limits ?? [])];
      const lowest = Math.min(...limits.map((l) => l[1]), Infinity);
      if (t.maxCalls !== undefined && (t.maxCalls as number) < lowest) {
        if (limits.length > GRANT_LIMITS.maxDepth) return bad('too many call budgets in the chain');
        limits.push([jti, t.maxCalls as number, exp]);
      }
      if (limits.length > 0) out.limits = limits;
      tools[name] = out;
    }
  }
  const claim: { -readonly [K in keyof CapabilityClaim]: CapabilityClaim[K] } = {
    v: 1,
    tools,
    depth,
    maxDepth,
  };
  const agents = intersect(parent.agents, narrowing.agents as readonly string[] | undefined);
  if (agents !== undefined) claim.agents = [...new Set(agents)];
  return ok(claim);
}
