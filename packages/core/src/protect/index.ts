export type {
  AdapterErrorCode,
  AdapterOptions,
  BridgedRequest,
  BridgeNodeOptions,
  BridgeWebOptions,
  DenialResponse,
  NodeHeaders,
  NodeRequestLike,
  WebRequestLike,
} from './adapter-bridge.js';
export {
  bridgeNodeRequest,
  bridgeWebRequest,
  buildAbsoluteUrl,
  createNodeHeaderReader,
  DEFAULT_BODY_LIMIT,
  listDryRunDenials,
  protectBridged,
  resolveAdapterOptions,
  toDenialResponse,
} from './adapter-bridge.js';
export type { ProtectMonitor, Security, SecurityOptions } from './create-security.js';
export { createSecurity } from './create-security.js';
export type {
  AuthErrorCode,
  AuthenticateApiKeyOptions,
  AuthenticateOptions,
  PermissionErrorCode,
  RequirePermissionOptions,
} from './rules/index.js';
export { authenticate, requirePermission } from './rules/index.js';
export type {
  Decision,
  HeaderReader,
  Principal,
  ProtectErrorCode,
  Rule,
  RuleContext,
  RuleOutcome,
  RuleResult,
  SecurityRequest,
} from './types.js';
