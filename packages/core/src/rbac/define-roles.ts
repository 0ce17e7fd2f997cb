import { type CompiledGrants, compileGrants, describePermissionProblem } from './permission.js';
import {
  type CompiledPermissionQuery,
  compilePermissionQuery,
  evaluatePermissionQuery,
  type GrantSource,
  type PermissionQuery,
} from './permission-query.js';

/** One role: the permissions it grants, the roles it inherits from, what it explicitly denies. */
export interface RoleDefinition {
  /** Grants; wildcards allowed (`chat:*`, `*`). */
  readonly permissions?: readonly string[] | undefined;
  /** Roles whose grants and denials this role takes on. */
  readonly inherits?: readonly string[] | undefined;
  /** Explicit denials; they beat every grant, inherited or direct (wildcards allowed). */
  readonly deny?: readonly string[] | undefined;
}

/** Roles by name; a bare array is shorthand for `{ permissions: [...] }`. */
export type RoleDefinitions = Readonly<Record<string, RoleDefinition | readonly string[]>>;

/** Who is asking: their roles and any permissions granted to them directly. */
export interface PermissionSubject {
  readonly roles?: readonly string[] | undefined;
  readonly permissions?: readonly string[] | undefined;
}

/** Roles compiled once by {@link defineRoles}. */
export interface RoleSet {
  /** Role names, in definition order. */
  readonly names: readonly string[];
  /** Whether a role of that name is defined. */
  has(role: string): boolean;
  /** A role's effective grants (own and inherited), sorted; empty for an unknown role. */
  permissionsOf(role: string): readonly string[];
  /** A role's effective denials (own and inherited), sorted; empty for an unknown role. */
  deniedOf(role: string): readonly string[];
  /**
   * The union of the grants of `roles` plus `extra`, e.g. to put into a token's
   * `permissions` claim. A flat list cannot carry denials: check with {@link RoleSet.can}
   * when roles deny something.
   */
  expand(roles: readonly string[], extra?: readonly string[]): string[];
  /**
   * Whether a subject satisfies a query. Unknown roles grant nothing; a denial from any of
   * the subject's roles beats every grant, including direct permissions.
   */
  can(subject: PermissionSubject, query: PermissionQuery | CompiledPermissionQuery): boolean;
}

interface CompiledRole {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
  readonly allowSet: CompiledGrants;
  readonly denySet: CompiledGrants | undefined;
}

const EMPTY: readonly string[] = Object.freeze([]);

function normalize(name: string, def: unknown): RoleDefinition {
  if (Array.isArray(def)) return { permissions: def as string[] };
  if (def !== null && typeof def === 'object') return def as RoleDefinition;
  throw new TypeError(
    `defineRoles: role "${name}" must be an array of permissions or { permissions, inherits, deny }.`,
  );
}

function checkList(role: string, field: string, list: unknown, wildcard: boolean): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    throw new TypeError(`defineRoles: role "${role}".${field} must be an array of strings.`);
  }
  for (const item of list) {
    const problem = describePermissionProblem(item, wildcard);
    if (problem) {
      throw new TypeError(
        `defineRoles: role "${role}".${field} entry ${JSON.stringify(String(item).slice(0, 60))} ${problem}. Permissions look like 'chat:basic' or 'chat:*'.`,
      );
    }
  }
  return list as string[];
}

/**
 * Defines roles once: validates every name and permission, resolves inheritance (a cycle
 * throws), and compiles grants and denials into sets so each check is a few lookups.
 *
 * @param definitions - Roles by name: `{ permissions?, inherits?, deny? }` or an array of permissions.
 * @returns A {@link RoleSet}.
 * @throws TypeError with a fix-it message on an inheritance cycle, an unknown inherited
 *   role, a malformed permission or an unknown field.
 * @example
 * ```ts
 * const roles = defineRoles({
 *   user: ['chat:basic'],
 *   support: { inherits: ['user'], permissions: ['tickets:*'], deny: ['tickets:delete'] },
 * });
 * roles.can({ roles: ['support'] }, 'tickets:read'); // true
 * roles.can({ roles: ['support'] }, 'tickets:delete'); // false: deny beats allow
 * ```
 */
export function defineRoles(definitions: RoleDefinitions): RoleSet {
  if (definitions === null || typeof definitions !== 'object' || Array.isArray(definitions)) {
    throw new TypeError("defineRoles: pass an object of roles, e.g. { user: ['chat:basic'] }.");
  }
  const defs = new Map<string, RoleDefinition>();
  for (const [name, raw] of Object.entries(definitions)) {
    if (name.length === 0 || name.length > 100) {
      throw new TypeError('defineRoles: role names must be 1 to 100 characters long.');
    }
    const def = normalize(name, raw);
    for (const key of Object.keys(def)) {
      if (key !== 'permissions' && key !== 'inherits' && key !== 'deny') {
        throw new TypeError(
          `defineRoles: role "${name}" has an unknown field "${key}"; use permissions, inherits or deny.`,
        );
      }
    }
    defs.set(name, {
      permissions: checkList(name, 'permissions', def.permissions, true),
      deny: checkList(name, 'deny', def.deny, true),
      inherits: def.inherits ?? [],
    });
  }

  const compiled = new Map<string, CompiledRole>();
  const visiting: string[] = [];

  function resolve(name: string): CompiledRole {
    const done = compiled.get(name);
    if (done) return done;
    const at = visiting.indexOf(name);
    if (at >= 0) {
      const cycle = [...visiting.slice(at), name].join(' -> ');
      throw new TypeError(
        `defineRoles: role inheritance has a cycle (${cycle}). Remove one of these "inherits" entries; a role cannot inherit from itself.`,
      );
    }
    const def = defs.get(name)!;
    visiting.push(name);
    const allow = new Set(def.permissions);
    const deny = new Set(def.deny);
    const parents = def.inherits;
    if (!Array.isArray(parents)) {
      throw new TypeError(`defineRoles: role "${name}".inherits must be an array of role names.`);
    }
    for (const parent of parents) {
      if (typeof parent !== 'string' || !defs.has(parent)) {
        throw new TypeError(
          `defineRoles: role "${name}" inherits from "${String(parent)}", which is not defined. Define it, or fix the name (defined: ${[...defs.keys()].join(', ')}).`,
        );
      }
      const p = resolve(parent);
      for (const x of p.allow) allow.add(x);
      for (const x of p.deny) deny.add(x);
    }
    visiting.pop();
    const role: CompiledRole = {
      allow: Object.freeze([...allow].sort()),
      deny: Object.freeze([...deny].sort()),
      allowSet: compileGrants(allow),
      denySet: deny.size > 0 ? compileGrants(deny) : undefined,
    };
    compiled.set(name, role);
    return role;
  }
  for (const name of defs.keys()) resolve(name);

  const names = Object.freeze([...defs.keys()]);

  function can(subject: PermissionSubject, query: PermissionQuery | CompiledPermissionQuery) {
    const compiledQuery = compilePermissionQuery(query);
    const roleNames = subject.roles;
    let grants: CompiledGrants[] | undefined;
    let denies: CompiledGrants[] | undefined;
    if (roleNames) {
      for (let i = 0; i < roleNames.length; i++) {
        const role = compiled.get(roleNames[i]!);
        if (!role) continue;
        if (grants) grants.push(role.allowSet);
        else grants = [role.allowSet];
        if (role.denySet) {
          if (denies) denies.push(role.denySet);
          else denies = [role.denySet];
        }
      }
    }
    const source: GrantSource = { list: subject.permissions, grants, denies };
    return evaluatePermissionQuery(compiledQuery, source);
  }

  return Object.freeze({
    names,
    has: (role: string) => compiled.has(role),
    permissionsOf: (role: string) => compiled.get(role)?.allow ?? EMPTY,
    deniedOf: (role: string) => compiled.get(role)?.deny ?? EMPTY,
    expand(roles: readonly string[], extra?: readonly string[]) {
      const out = new Set<string>(extra);
      for (const r of roles) {
        const role = compiled.get(r);
        if (role) for (const p of role.allow) out.add(p);
      }
      return [...out];
    },
    can,
  });
}
