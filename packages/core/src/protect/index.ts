export type { Security, SecurityOptions } from './create-security.js';
export { createSecurity } from './create-security.js';
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
