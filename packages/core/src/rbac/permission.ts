// Permission strings and the compiled forms used on the hot path. A permission is one or
// more non-empty segments joined by ':' (e.g. `chat:basic`, `agent:tools:run`). A grant
// may end in the wildcard segment `*` (`chat:*` covers every permission under `chat:`)
// or be `*` alone (everything). Parsing is a hand-written scanner: linear time, no regex.

/** Longest permission string accepted, in characters. */
export const MAX_PERMISSION_LENGTH = 200;

const COLON = 58;
const STAR = 42;

function isSegmentChar(c: number): boolean {
  // A-Z a-z 0-9 _ - .
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 45 ||
    c === 46
  );
}

/**
 * Checks the shape of a permission. With `allowWildcard`, a final `*` segment is accepted.
 * Returns a reason when malformed, undefined when well-formed.
 */
export function describePermissionProblem(
  permission: unknown,
  allowWildcard: boolean,
): string | undefined {
  if (typeof permission !== 'string') return 'is not a string';
  const n = permission.length;
  if (n === 0) return 'is empty';
  if (n > MAX_PERMISSION_LENGTH) return `is longer than ${MAX_PERMISSION_LENGTH} characters`;
  let segmentStart = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? permission.charCodeAt(i) : COLON;
    if (c === COLON) {
      if (i === segmentStart) return 'has an empty segment (two colons, or a colon at an end)';
      segmentStart = i + 1;
      continue;
    }
    if (c === STAR) {
      if (!allowWildcard) return 'uses the wildcard `*`, which only grants may contain';
      // `*` must be a whole segment and the last one.
      if (i !== segmentStart || i !== n - 1) {
        return 'uses `*` other than as its whole last segment (write `chat:*` or `*`)';
      }
      continue;
    }
    if (!isSegmentChar(c)) return 'contains a character outside A-Z a-z 0-9 _ - . : *';
  }
  return undefined;
}

/** A required (concrete) permission with every wildcard grant that would cover it. */
export interface CompiledPermission {
  readonly name: string;
  /** The prefixes `a:`, `a:b:`... under which a `prefix*` grant covers this permission. */
  readonly prefixes: readonly string[];
}

/** Compiles a concrete permission (already validated). */
export function compilePermission(name: string): CompiledPermission {
  const prefixes: string[] = [];
  for (let i = 0; i < name.length; i++) {
    if (name.charCodeAt(i) === COLON) prefixes.push(name.slice(0, i + 1));
  }
  return { name, prefixes };
}

/** A set of grant patterns compiled for constant-time-per-prefix lookups. */
export interface CompiledGrants {
  readonly all: boolean;
  readonly exact: ReadonlySet<string>;
  /** `chat:` for the grant `chat:*`. */
  readonly prefixes: ReadonlySet<string>;
}

/** Compiles validated grant patterns into sets. */
export function compileGrants(patterns: Iterable<string>): CompiledGrants {
  let all = false;
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  for (const p of patterns) {
    if (p === '*') all = true;
    else if (p.charCodeAt(p.length - 1) === STAR) prefixes.add(p.slice(0, -1));
    else exact.add(p);
  }
  return { all, exact, prefixes };
}

/** True when the compiled grants cover the permission. */
export function isCoveredByGrants(grants: CompiledGrants, permission: CompiledPermission): boolean {
  if (grants.all || grants.exact.has(permission.name)) return true;
  if (grants.prefixes.size === 0) return false;
  for (const prefix of permission.prefixes) if (grants.prefixes.has(prefix)) return true;
  return false;
}

/**
 * True when a plain list of grants (e.g. a token's `permissions` claim, untrusted and not
 * compiled) covers the permission. Malformed grants simply match nothing but themselves.
 */
export function isCoveredByList(
  granted: readonly unknown[],
  permission: CompiledPermission,
): boolean {
  const name = permission.name;
  for (let i = 0; i < granted.length; i++) {
    const g = granted[i];
    if (typeof g !== 'string') continue;
    if (g === name) return true;
    const last = g.length - 1;
    if (last < 0 || g.charCodeAt(last) !== STAR) continue;
    if (last === 0) return true;
    // `prefix*` covers the permission when `prefix` is one of its segment prefixes.
    for (const prefix of permission.prefixes) {
      if (prefix.length === last && g.startsWith(prefix)) return true;
    }
  }
  return false;
}
