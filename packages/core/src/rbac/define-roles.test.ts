import { describe, expect, it } from 'vitest';
import { defineRoles } from './define-roles.js';
import { JAF_PERMISSIONS, JAF_ROLE_DEFINITIONS, JAF_ROLES } from './jaf-roles.js';
import { compilePermissionQuery } from './permission-query.js';

describe('defineRoles', () => {
  const roles = defineRoles({
    viewer: ['docs:read'],
    editor: { inherits: ['viewer'], permissions: ['docs:*'], deny: ['docs:delete'] },
    owner: { inherits: ['editor'], permissions: ['billing:manage'] },
    root: { permissions: ['*'], deny: ['system:*'] },
  });

  it('gives a role the grants of every role it inherits from, transitively', () => {
    expect(roles.permissionsOf('owner')).toEqual(['billing:manage', 'docs:*', 'docs:read']);
    expect(roles.can({ roles: ['owner'] }, 'docs:read')).toBe(true);
    expect(roles.can({ roles: ['owner'] }, 'billing:manage')).toBe(true);
    expect(roles.can({ roles: ['viewer'] }, 'billing:manage')).toBe(false);
  });

  it('matches wildcard grants by whole segments', () => {
    expect(roles.can({ roles: ['editor'] }, 'docs:write')).toBe(true);
    expect(roles.can({ roles: ['editor'] }, 'docs:write:draft')).toBe(true);
    expect(roles.can({ roles: ['editor'] }, 'docsx:write')).toBe(false);
    expect(roles.can({ roles: ['editor'] }, 'docs')).toBe(false);
    expect(roles.can({ roles: ['root'] }, 'anything:at:all')).toBe(true);
  });

  it('lets an explicit deny beat every allow, inherited, wildcard or direct', () => {
    expect(roles.can({ roles: ['editor'] }, 'docs:delete')).toBe(false);
    // The deny is inherited: owner cannot get docs:delete back from docs:*.
    expect(roles.can({ roles: ['owner'] }, 'docs:delete')).toBe(false);
    expect(roles.deniedOf('owner')).toEqual(['docs:delete']);
    // A wildcard deny beats the `*` grant.
    expect(roles.can({ roles: ['root'] }, 'system:shutdown')).toBe(false);
    // A role's deny also beats a permission granted directly to the subject.
    expect(roles.can({ roles: ['editor'], permissions: ['docs:delete'] }, 'docs:delete')).toBe(
      false,
    );
    // ... and a deny from one role beats a grant from another.
    expect(roles.can({ roles: ['root', 'editor'] }, 'docs:delete')).toBe(false);
  });

  it('denies by default: no roles, unknown roles, no permissions', () => {
    expect(roles.can({}, 'docs:read')).toBe(false);
    expect(roles.can({ roles: ['ghost'] }, 'docs:read')).toBe(false);
    expect(roles.can({ roles: [], permissions: [] }, 'docs:read')).toBe(false);
    expect(roles.permissionsOf('ghost')).toEqual([]);
    expect(roles.has('ghost')).toBe(false);
    expect(roles.has('viewer')).toBe(true);
  });

  it('combines direct permissions with role grants', () => {
    expect(roles.can({ roles: ['viewer'], permissions: ['billing:*'] }, 'billing:view')).toBe(true);
  });

  it('answers and/or queries, nested', () => {
    const subject = { roles: ['editor'] };
    expect(roles.can(subject, { all: ['docs:read', 'docs:write'] })).toBe(true);
    expect(roles.can(subject, { all: ['docs:read', 'billing:manage'] })).toBe(false);
    expect(roles.can(subject, { any: ['billing:manage', 'docs:write'] })).toBe(true);
    expect(roles.can(subject, { any: ['billing:manage', 'docs:delete'] })).toBe(false);
    expect(
      roles.can(subject, { all: ['docs:read', { any: ['billing:manage', 'docs:publish'] }] }),
    ).toBe(true);
    const compiled = compilePermissionQuery({ any: ['billing:manage', 'docs:read'] });
    expect(roles.can({ roles: ['viewer'] }, compiled)).toBe(true);
  });

  it('expands roles into a flat grant list', () => {
    expect(roles.expand(['viewer'], ['extra:thing']).sort()).toEqual(['docs:read', 'extra:thing']);
    expect(roles.expand(['ghost'])).toEqual([]);
  });

  it('throws at definition time on an inheritance cycle, naming the cycle and the fix', () => {
    expect(() =>
      defineRoles({
        a: { inherits: ['b'] },
        b: { inherits: ['c'] },
        c: { inherits: ['a'] },
      }),
    ).toThrow(/cycle \(a -> b -> c -> a\)\. Remove one of these "inherits" entries/);
    expect(() => defineRoles({ self: { inherits: ['self'] } })).toThrow(/self -> self/);
  });

  it('throws with a fix-it message on unknown parents, bad permissions and unknown fields', () => {
    expect(() => defineRoles({ a: { inherits: ['nope'] } })).toThrow(
      /inherits from "nope", which is not defined/,
    );
    expect(() => defineRoles({ a: ['chat:*x'] })).toThrow(/whole last segment/);
    expect(() => defineRoles({ a: ['chat::basic'] })).toThrow(/empty segment/);
    expect(() => defineRoles({ a: ['chat basic'] })).toThrow(/character outside/);
    expect(() => defineRoles({ a: ['*:chat'] })).toThrow(/whole last segment/);
    expect(() =>
      defineRoles({ a: { permission: ['chat:basic'] } as unknown as { permissions: string[] } }),
    ).toThrow(/unknown field "permission"/);
    expect(() => defineRoles({ a: 'chat:basic' as unknown as string[] })).toThrow(
      /array of permissions/,
    );
  });
});

describe('JAF_ROLES preset', () => {
  it("holds exactly the guide's permission set for each of the four roles", () => {
    expect(JAF_ROLES.names).toEqual(['user', 'premium_user', 'admin', 'system_admin']);
    expect(JAF_ROLES.permissionsOf('user')).toEqual(['chat:basic']);
    expect(JAF_ROLES.permissionsOf('premium_user')).toEqual(['chat:advanced', 'chat:basic']);
    expect(JAF_ROLES.permissionsOf('admin')).toEqual([
      'agent:manage',
      'analytics:view',
      'chat:advanced',
      'chat:basic',
    ]);
    expect(JAF_ROLES.permissionsOf('system_admin')).toEqual(Object.values(JAF_PERMISSIONS).sort());
  });

  it('refuses what the guide withholds', () => {
    expect(JAF_ROLES.can({ roles: ['user'] }, 'chat:advanced')).toBe(false);
    expect(JAF_ROLES.can({ roles: ['premium_user'] }, 'agent:manage')).toBe(false);
    expect(JAF_ROLES.can({ roles: ['admin'] }, 'data:export')).toBe(false);
    expect(JAF_ROLES.can({ roles: ['admin'] }, 'system:admin')).toBe(false);
    expect(JAF_ROLES.can({ roles: ['system_admin'] }, 'data:export')).toBe(true);
  });

  it('extends with custom roles through the plain definitions', () => {
    const roles = defineRoles({
      ...JAF_ROLE_DEFINITIONS,
      auditor: { inherits: ['user'], permissions: ['analytics:view'] },
    });
    expect(roles.can({ roles: ['auditor'] }, { all: ['chat:basic', 'analytics:view'] })).toBe(true);
  });
});
