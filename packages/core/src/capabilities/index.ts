export {
  type CallCounter,
  CallStoreFullError,
  type CapabilityCallStore,
  createMemoryCallStore,
  type MemoryCallStore,
  type MemoryCallStoreOptions,
} from './call-store.js';
export {
  CAPABILITY_TOKEN_TYPE,
  type CapabilityCheckOptions,
  type CapabilityIssuer,
  type CapabilityIssuerOptions,
  type CapabilityVerifier,
  type CapabilityVerifierOptions,
  createCapabilityIssuer,
  createCapabilityVerifier,
  type IssueCapabilityOptions,
  type NarrowCapabilityOptions,
  type PermittedToolCall,
} from './capability-tokens.js';
export type {
  ActorClaim,
  ArgumentConstraint,
  CallLimit,
  CapabilityClaim,
  CapabilityErrorCode,
  CapabilityGrant,
  CapabilityResult,
  EnumValue,
  NormalizedConstraint,
  NormalizedToolGrant,
  ToolCall,
  ToolGrant,
  VerifiedCapability,
} from './capability-types.js';
export type { CapabilityNarrowing } from './grant.js';
