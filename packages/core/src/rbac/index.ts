export type {
  PermissionSubject,
  RoleDefinition,
  RoleDefinitions,
  RoleSet,
} from './define-roles.js';
export { defineRoles } from './define-roles.js';
export type { JafPermission } from './jaf-roles.js';
export { JAF_PERMISSIONS, JAF_ROLE_DEFINITIONS, JAF_ROLES } from './jaf-roles.js';
export { MAX_PERMISSION_LENGTH } from './permission.js';
export type { CompiledPermissionQuery, PermissionQuery } from './permission-query.js';
export { compilePermissionQuery, hasPermission } from './permission-query.js';
