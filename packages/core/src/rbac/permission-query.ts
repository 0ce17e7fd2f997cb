import {
  type CompiledGrants,
  type CompiledPermission,
  compilePermission,
  describePermissionProblem,
  isCoveredByGrants,
  isCoveredByList,
} from './permission.js';

/**
 * What a caller must hold: one permission, all of several (`{ all: [...] }`), or any of
 * several (`{ any: [...] }`), nested freely. Required permissions are concrete: wildcards
 * belong in grants, not in queries.
 */
export type PermissionQuery =
  | string
  | { readonly all: readonly PermissionQuery[] }
  | { readonly any: readonly PermissionQuery[] };

type QueryNode =
  | { readonly kind: 'one'; readonly permission: CompiledPermission }
  | { readonly kind: 'all' | 'any'; readonly nodes: readonly QueryNode[] };

/** A query checked and compiled once; pass it wherever a query is accepted to skip compiling. */
export interface CompiledPermissionQuery {
  readonly query: PermissionQuery;
  /** Every permission the query mentions, for logs and error details. */
  readonly permissions: readonly string[];
  /** @internal */
  readonly root: QueryNode;
}

/** Where a check looks up grants: a plain list, compiled role grants, and role denials. */
export interface GrantSource {
  readonly list?: readonly unknown[] | undefined;
  readonly grants?: readonly CompiledGrants[] | undefined;
  readonly denies?: readonly CompiledGrants[] | undefined;
}

const MAX_DEPTH = 8;

function compileNode(query: unknown, depth: number, seen: string[]): QueryNode {
  if (depth > MAX_DEPTH) {
    throw new TypeError(`permission query: nest at most ${MAX_DEPTH} levels of all/any.`);
  }
  if (typeof query === 'string') {
    const problem = describePermissionProblem(query, false);
    if (problem) {
      throw new TypeError(
        `permission query: "${query.slice(0, 60)}" ${problem}. Required permissions are concrete, e.g. 'chat:basic'.`,
      );
    }
    seen.push(query);
    return { kind: 'one', permission: compilePermission(query) };
  }
  if (query !== null && typeof query === 'object') {
    const q = query as { all?: unknown; any?: unknown };
    const hasAll = 'all' in q;
    const hasAny = 'any' in q;
    if (hasAll !== hasAny) {
      const list = hasAll ? q.all : q.any;
      const kind = hasAll ? 'all' : 'any';
      if (!Array.isArray(list) || list.length === 0) {
        throw new TypeError(
          `permission query: { ${kind}: [...] } needs a non-empty array (an empty one would grant or refuse everyone).`,
        );
      }
      return { kind, nodes: list.map((item) => compileNode(item, depth + 1, seen)) };
    }
  }
  throw new TypeError(
    "permission query: use a permission string, { all: [...] } or { any: [...] }, e.g. { any: ['chat:advanced', 'system:admin'] }.",
  );
}

/**
 * Checks and compiles a permission query once.
 *
 * @param query - A permission, `{ all: [...] }` or `{ any: [...] }`.
 * @returns The compiled query, reusable for any number of checks.
 * @throws TypeError with a fix-it message when the query is malformed (a wildcard in a
 *   required permission, an empty `all`/`any`, an unknown shape).
 * @example
 * ```ts
 * const canExport = compilePermissionQuery({ all: ['data:export', 'analytics:view'] });
 * hasPermission(['data:*', 'analytics:view'], canExport); // true
 * ```
 */
export function compilePermissionQuery(
  query: PermissionQuery | CompiledPermissionQuery,
): CompiledPermissionQuery {
  if (isCompiledQuery(query)) return query;
  const seen: string[] = [];
  const root = compileNode(query, 0, seen);
  return Object.freeze({ query, permissions: Object.freeze([...new Set(seen)]), root });
}

function isCompiledQuery(query: unknown): query is CompiledPermissionQuery {
  return (
    typeof query === 'object' &&
    query !== null &&
    'root' in query &&
    'permissions' in query &&
    'query' in query
  );
}

function isGranted(source: GrantSource, permission: CompiledPermission): boolean {
  const denies = source.denies;
  if (denies) {
    for (let i = 0; i < denies.length; i++) {
      if (isCoveredByGrants(denies[i]!, permission)) return false;
    }
  }
  if (source.list && isCoveredByList(source.list, permission)) return true;
  const grants = source.grants;
  if (grants) {
    for (let i = 0; i < grants.length; i++) {
      if (isCoveredByGrants(grants[i]!, permission)) return true;
    }
  }
  return false;
}

function evaluate(node: QueryNode, source: GrantSource): boolean {
  if (node.kind === 'one') return isGranted(source, node.permission);
  if (node.kind === 'all') {
    for (const child of node.nodes) if (!evaluate(child, source)) return false;
    return true;
  }
  for (const child of node.nodes) if (evaluate(child, source)) return true;
  return false;
}

/** Evaluates a compiled query against a grant source. Deny by default; a denial beats any grant. */
export function evaluatePermissionQuery(
  query: CompiledPermissionQuery,
  source: GrantSource,
): boolean {
  return evaluate(query.root, source);
}

/**
 * Whether a plain list of granted permissions (wildcards allowed: `chat:*`, `*`) satisfies
 * a query. Untrusted lists are fine: a malformed entry matches nothing but itself.
 *
 * @param granted - Permissions held, e.g. a token's `permissions` claim or a key's scopes.
 * @param query - A query or a query compiled with {@link compilePermissionQuery} (faster).
 * @returns True when granted; false otherwise (deny by default).
 * @throws TypeError when `query` itself is malformed (a developer error).
 * @example
 * ```ts
 * hasPermission(['chat:*'], 'chat:advanced'); // true
 * hasPermission(['chat:basic'], { any: ['chat:advanced', 'system:admin'] }); // false
 * ```
 */
export function hasPermission(
  granted: readonly string[],
  query: PermissionQuery | CompiledPermissionQuery,
): boolean {
  return evaluate(compilePermissionQuery(query).root, { list: granted });
}
