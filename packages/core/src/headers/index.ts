export type {
  Cors,
  CorsDecision,
  CorsErrorCode,
  CorsOptions,
  CorsRequest,
} from './cors.js';
export { createCors } from './cors.js';
export type {
  CsrfDecision,
  CsrfErrorCode,
  CsrfOptions,
  CsrfProtection,
  CsrfRequest,
} from './csrf.js';
export { createCsrfProtection } from './csrf.js';
export type { CorsRuleOptions, CsrfRuleOptions, SecurityHeadersRuleOptions } from './rules.js';
export { corsRule, csrfRule, securityHeadersRule } from './rules.js';
export type {
  CspDirectives,
  CspOptions,
  HstsOptions,
  SecurityHeaders,
  SecurityHeadersOptions,
} from './security-headers.js';
export { createCspNonce, securityHeaders } from './security-headers.js';
