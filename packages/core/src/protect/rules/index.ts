export type {
  AuthErrorCode,
  AuthenticateApiKeyOptions,
  AuthenticateOptions,
} from './authenticate.js';
export { authenticate } from './authenticate.js';
export type { PermissionErrorCode, RequirePermissionOptions } from './require-permission.js';
export { requirePermission } from './require-permission.js';
