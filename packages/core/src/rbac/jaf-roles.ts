import { defineRoles, type RoleSet } from './define-roles.js';

/** The six permissions of the JAF security guide. */
export const JAF_PERMISSIONS = Object.freeze({
  CHAT_BASIC: 'chat:basic',
  CHAT_ADVANCED: 'chat:advanced',
  AGENT_MANAGE: 'agent:manage',
  SYSTEM_ADMIN: 'system:admin',
  DATA_EXPORT: 'data:export',
  ANALYTICS_VIEW: 'analytics:view',
} as const);

/** One of the guide's six permissions. */
export type JafPermission = (typeof JAF_PERMISSIONS)[keyof typeof JAF_PERMISSIONS];

/**
 * The guide's four roles as plain definitions, to extend with your own:
 * `defineRoles({ ...JAF_ROLE_DEFINITIONS, auditor: ['analytics:view'] })`.
 * Each role inherits the one below it, which yields exactly the guide's permission sets.
 */
export const JAF_ROLE_DEFINITIONS = Object.freeze({
  user: Object.freeze({ permissions: Object.freeze(['chat:basic']) }),
  premium_user: Object.freeze({
    inherits: Object.freeze(['user']),
    permissions: Object.freeze(['chat:advanced']),
  }),
  admin: Object.freeze({
    inherits: Object.freeze(['premium_user']),
    permissions: Object.freeze(['agent:manage', 'analytics:view']),
  }),
  system_admin: Object.freeze({
    inherits: Object.freeze(['admin']),
    permissions: Object.freeze(['system:admin', 'data:export']),
  }),
});

/**
 * The guide's roles, compiled and ready: user (chat:basic), premium_user (+ chat:advanced),
 * admin (+ agent:manage, analytics:view), system_admin (+ system:admin, data:export).
 *
 * @example
 * ```ts
 * JAF_ROLES.can({ roles: ['admin'] }, 'agent:manage'); // true
 * JAF_ROLES.can({ roles: ['premium_user'] }, 'data:export'); // false
 * ```
 */
export const JAF_ROLES: RoleSet = /* @__PURE__ */ defineRoles(JAF_ROLE_DEFINITIONS);
