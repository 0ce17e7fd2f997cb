// The package root re-exports every capability's public names (named, never `export *`
// from another package). Each capability is also its own subpath, e.g. `@jaf-sec/core/tokens`.
export type { Result, ResultError } from './internal/result.js';
export * from './protect/index.js';
