import type { RoleSet } from '../../rbac/define-roles.js';
import { compilePermission, isCoveredByList } from '../../rbac/permission.js';
import {
  type CompiledPermissionQuery,
  compilePermissionQuery,
  evaluatePermissionQuery,
  type PermissionQuery,
} from '../../rbac/permission-query.js';
import type { Rule, RuleContext, RuleOutcome } from '../types.js';

/**
 * Codes of the `requirePermission` rule:
 *
 * - `AUTH_MISSING` (401) — no principal: no authenticating rule ran before it, or
 *   authentication was optional and no credential was sent.
 * - `INSUFFICIENT_PERMISSIONS` (403) — authenticated, but the query is not satisfied.
 */
export type PermissionErrorCode = 'AUTH_MISSING' | 'INSUFFICIENT_PERMISSIONS';

/** Options of {@link requirePermission}. */
export interface RequirePermissionOptions {
  /**
   * Roles: `principal.roles` are expanded through them, and their denials beat every
   * grant. Without it, only `principal.permissions` count.
   */
  readonly rbac?: RoleSet | undefined;
  /** `realm` of the 401 challenge. Default `api`. */
  readonly realm?: string | undefined;
  /** Decide and report, but never block. */
  readonly dryRun?: boolean | undefined;
  /** Rule name in decisions. Default `requirePermission`. */
  readonly name?: string | undefined;
}

/**
 * A rule that lets the request through only when the authenticated principal satisfies a
 * permission query: one permission, `{ all: [...] }` or `{ any: [...] }`. Grants may use
 * wildcards (`chat:*`, `*`); deny by default. The query is compiled here, once.
 *
 * Denials: 401 `AUTH_MISSING` (with `WWW-Authenticate: Bearer`) when there is no
 * principal; 403 `INSUFFICIENT_PERMISSIONS` otherwise. The message does not list what is
 * missing; the decision's `details.required` does, for logs.
 *
 * @param query - What the caller must hold.
 * @param options - `rbac`, `realm`, `dryRun`, `name`.
 * @returns A {@link Rule}; place it after `authenticate`.
 * @throws TypeError at construction when the query is malformed (e.g. a wildcard in it).
 * @example
 * ```ts
 * const admin = security.with(requirePermission({ any: ['agent:manage', 'system:admin'] }));
 * ```
 */
export function requirePermission(
  query: PermissionQuery | CompiledPermissionQuery,
  options?: RequirePermissionOptions,
): Rule {
  const compiled = compilePermissionQuery(query);
  const rbac = options?.rbac;
  const realm = options?.realm ?? 'api';
  const details = Object.freeze({ required: compiled.permissions });
  const unauthenticated: RuleOutcome = {
    conclusion: 'deny',
    status: 401,
    code: 'AUTH_MISSING',
    message: 'Authentication required.',
    headers: { 'www-authenticate': `Bearer realm="${realm.replace(/["\\]/g, '')}"` },
    details,
  };
  const forbidden: RuleOutcome = {
    conclusion: 'deny',
    status: 403,
    code: 'INSUFFICIENT_PERMISSIONS',
    message: 'You do not have permission to perform this action.',
    details,
  };
  // The common case, one permission, skips the query walk.
  const single = typeof query === 'string' ? compilePermission(query) : undefined;
  const permitted: RuleOutcome = { conclusion: 'allow', code: 'PERMITTED', details };

  return {
    name: options?.name ?? 'requirePermission',
    dryRun: options?.dryRun === true,
    evaluate(ctx: RuleContext): RuleOutcome {
      const principal = ctx.principal;
      if (!principal) return unauthenticated;
      const allowed = rbac
        ? rbac.can(principal, compiled)
        : single
          ? isCoveredByList(principal.permissions, single)
          : evaluatePermissionQuery(compiled, { list: principal.permissions });
      return allowed ? permitted : forbidden;
    },
  };
}
