export type { ConfigIssue, ConfigIssueCode } from './config-issues.js';
export type {
  DecodeConfigSecretOptions,
  DecodedSecret,
  SecretEncoding,
} from './decode-config-secret.js';
export { decodeConfigSecret } from './decode-config-secret.js';
export type {
  ConfigSecret,
  LoadSecurityConfigOptions,
  SecurityConfig,
  SecurityConfigError,
  SecurityConfigMode,
  SecurityConfigResult,
  SecurityEnv,
  SecurityLogLevel,
} from './load-security-config.js';
export {
  describeSecurityConfig,
  isLoopbackHost,
  loadSecurityConfig,
} from './load-security-config.js';
