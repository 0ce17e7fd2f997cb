// The package root re-exports every capability's public names; each capability is also
// its own subpath (e.g. `@jaf-sec/core/tokens`) so bundles carry only what they import.
// The HTML sanitizer is deliberately left out of the root: it is only at `@jaf-sec/core/sanitize`.

export * from './approvals/index.js';
export * from './audit/index.js';
export * from './budgets/index.js';
export * from './capabilities/index.js';
export * from './config/index.js';
export * from './crypto/index.js';
export * from './exfiltration/index.js';
export * from './headers/index.js';
export * from './injection/index.js';
export * from './input/index.js';
export type { Result, ResultError } from './internal/result.js';
export * from './keys/index.js';
export * from './leaks/index.js';
export * from './mcp/index.js';
export * from './moderation/index.js';
export * from './privacy/index.js';
export * from './protect/index.js';
export * from './ratelimit/index.js';
export * from './rbac/index.js';
export * from './redact/index.js';
export * from './shield/index.js';
export * from './signing/index.js';
export * from './tls/index.js';
export * from './tokens/index.js';
export * from './url-policy/index.js';
