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
  SecurityConfigResult,
  SecurityEnv,
  SecurityLogLevel,
} from './load-security-config.js';
export { describeSecurityConfig, loadSecurityConfig } from './load-security-config.js';
