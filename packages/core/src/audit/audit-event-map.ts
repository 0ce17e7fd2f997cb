import type { RuleResult } from '../protect/types.js';
import type { AuditLevel, SecurityEventType } from './types.js';

/** The event a rule result becomes. */
export interface AuditEventMapping {
  readonly type: SecurityEventType;
  readonly level: AuditLevel;
}

/**
 * How rule results become events: data, so an application can extend or override it
 * (`createAuditLog({ events: { codes: { MY_CODE: { type, level } } } })`). `null` means
 * "no event".
 *
 * Lookup order for a result: `codes['<rule>:<CODE>']`, then `codes['<CODE>']` (skipped
 * results use only the rule-specific key: a skipped rule did not apply). An allowed result
 * can be an event (e.g. PII that was redacted). For denials and rule errors only: the
 * longest matching entry of `prefixes`, then `statuses[<status>]`, then `fallback`.
 * Allowed, skipped and `respond` results that no exact code maps produce no event.
 */
export interface AuditEventMap {
  readonly codes: Readonly<Record<string, AuditEventMapping | null>>;
  readonly prefixes: Readonly<Record<string, AuditEventMapping | null>>;
  readonly statuses: Readonly<Record<number, AuditEventMapping>>;
  readonly fallback: AuditEventMapping;
}

/** A partial map merged over the defaults. */
export interface AuditEventMapOverrides {
  readonly codes?: Readonly<Record<string, AuditEventMapping | null>> | undefined;
  readonly prefixes?: Readonly<Record<string, AuditEventMapping | null>> | undefined;
  readonly statuses?: Readonly<Record<number, AuditEventMapping>> | undefined;
  readonly fallback?: AuditEventMapping | undefined;
}

const e = (type: SecurityEventType, level: AuditLevel): AuditEventMapping => ({ type, level });

const LOGIN_FAIL = e('authn_login_fail', 'warn');
const TOKEN_INVALID = e('authn_token_invalid', 'warn');
const TOKEN_REUSE = e('authn_token_reuse', 'critical');
const AUTHZ_FAIL = e('authz_fail', 'warn');
const INPUT_FAIL = e('input_validation_fail', 'warn');
const RATE = e('excess_rate_limit_exceeded', 'warn');
const SYS_FAIL = e('sys_rule_failed', 'critical');

/**
 * The default mapping from the codes jaf-sec's rules return to OWASP event types. See
 * docs/audit.md for the table.
 *
 * @example
 * ```ts
 * const events = { ...DEFAULT_AUDIT_EVENT_MAP, codes: { ...DEFAULT_AUDIT_EVENT_MAP.codes, MY_CODE: null } };
 * ```
 */
export const DEFAULT_AUDIT_EVENT_MAP: AuditEventMap = {
  codes: {
    // protect() itself
    RULE_FAILED: e('sys_rule_failed', 'critical'),
    BAD_REQUEST_URL: INPUT_FAIL,
    // tokens: a revoked token presented again is the OWASP "token reuse" case; an algorithm
    // outside the allow-list (alg: none, HS/RS confusion) is an attack signature
    TOKEN_REVOKED: TOKEN_REUSE,
    TOKEN_ALG_NOT_ALLOWED: e('authn_token_invalid', 'critical'),
    TOKEN_CRIT_UNSUPPORTED: e('authn_token_invalid', 'critical'),
    JWKS_UNAVAILABLE: SYS_FAIL,
    // an outage, not a bad token: must not count towards a client's ban
    TOKEN_REVOCATION_UNAVAILABLE: SYS_FAIL,
    // No credentials at all is an unauthorised request, not a failed login: it must not
    // count towards brute-force bans (a front end that forgot its token is not an attack).
    AUTH_MISSING: e('authz_fail', 'info'),
    TOKEN_MISSING: e('authz_fail', 'info'),
    // a successful authentication, per request (authenticate() answers AUTHENTICATED)
    AUTHENTICATED: e('authn_login_success', 'info'),
    'authenticate:ALLOWED': e('authn_login_success', 'info'),
    // permissions
    INSUFFICIENT_PERMISSIONS: AUTHZ_FAIL,
    PERMISSION_DENIED: AUTHZ_FAIL,
    API_KEY_INSUFFICIENT_PERMISSIONS: AUTHZ_FAIL,
    // API keys
    API_KEY_REVOKED: TOKEN_REUSE,
    API_KEY_USAGE_EXCEEDED: RATE,
    // an outage, not a bad key: must not count towards a client's ban
    API_KEY_STORE_UNAVAILABLE: SYS_FAIL,
    // signing: replays are attacks; a body that does not match its digest is tampering
    NONCE_REPLAYED: e('malicious_replay', 'critical'),
    // outages, not bad signatures: must not count towards a client's ban
    NONCE_STORE_UNAVAILABLE: SYS_FAIL,
    KEY_UNAVAILABLE: SYS_FAIL,
    BODY_UNAVAILABLE: INPUT_FAIL,
    UNSUPPORTED_MEDIA_TYPE: INPUT_FAIL,
    DIGEST_MISMATCH: e('input_validation_fail', 'critical'),
    DIGEST_MISSING: INPUT_FAIL,
    DIGEST_MALFORMED: INPUT_FAIL,
    // an RFC 9421 signature by an unknown key id, or one that leaves required parts unsigned
    KEY_UNKNOWN: TOKEN_INVALID,
    // rate limits and the shield; a store outage that fails open is still worth an alert
    RATE_LIMITED: RATE,
    RATE_LIMIT_COST_EXCEEDED: RATE,
    RATE_LIMIT_INVALID_COST: INPUT_FAIL,
    RATE_LIMIT_STORE_UNAVAILABLE: SYS_FAIL,
    QUOTA_EXCEEDED: RATE,
    SHIELD_BURST: RATE,
    SHIELD_BANNED: e('malicious_client_banned', 'warn'),
    SHIELD_IP_DENIED: e('malicious_address_denied', 'warn'),
    SHIELD_USER_AGENT_DENIED: e('malicious_attack_tool', 'warn'),
    SHIELD_STORE_UNAVAILABLE: SYS_FAIL,
    // CORS / CSRF (a preflight answered is no event)
    CORS_PREFLIGHT: null,
    CORS_ORIGIN_NOT_ALLOWED: e('malicious_cors', 'warn'),
    CSRF_CROSS_ORIGIN: e('malicious_csrf', 'warn'),
    // content: injection attempts, blocked content, PII (also when allowed and redacted), and
    // a moderation provider failure, whichever way it failed (fail-open must be visible)
    PROMPT_INJECTION: e('malicious_prompt_injection', 'warn'),
    CONTENT_FLAGGED: e('malicious_content', 'warn'),
    CONTENT_BLOCKED: e('malicious_content', 'warn'),
    CONTENT_BLOCKED_LOCAL: e('malicious_content', 'warn'),
    PROVIDER_FAILED_ALLOWED: SYS_FAIL,
    PROVIDER_FAILED_BLOCKED: SYS_FAIL,
    PII_DETECTED: e('sensitive_data_detected', 'info'),
    PII_REDACTED: e('sensitive_data_detected', 'info'),
    PII_IN_INPUT: e('sensitive_data_detected', 'warn'),
  },
  prefixes: {
    TOKEN_: TOKEN_INVALID,
    AUTH_: LOGIN_FAIL,
    API_KEY_: LOGIN_FAIL,
    SIGNATURE_: TOKEN_INVALID,
    WEBHOOK_: TOKEN_INVALID,
    COMPONENT_: TOKEN_INVALID,
    INPUT_: INPUT_FAIL,
    BODY_: INPUT_FAIL,
    PATH_: INPUT_FAIL,
    FILE_: INPUT_FAIL,
    MESSAGE_: INPUT_FAIL,
    CORS_: e('malicious_cors', 'warn'),
    CSRF_: e('malicious_csrf', 'warn'),
    RATE_: RATE,
    SHIELD_: e('malicious_client_banned', 'warn'),
    DIGEST_: INPUT_FAIL,
    CONTENT_: e('malicious_content', 'warn'),
    PROVIDER_FAILED_: SYS_FAIL,
    PII_: e('sensitive_data_detected', 'info'),
    MODERATION_: e('malicious_content', 'warn'),
  },
  statuses: {
    400: INPUT_FAIL,
    401: LOGIN_FAIL,
    403: AUTHZ_FAIL,
    413: INPUT_FAIL,
    415: INPUT_FAIL,
    422: INPUT_FAIL,
    429: RATE,
    503: SYS_FAIL,
  },
  fallback: AUTHZ_FAIL,
};

/** Merges overrides over a base map (entries of the same key replace the base's). */
export function mergeAuditEventMap(
  base: AuditEventMap,
  overrides: AuditEventMapOverrides | undefined,
): AuditEventMap {
  if (!overrides) return base;
  return {
    codes: { ...base.codes, ...overrides.codes },
    prefixes: { ...base.prefixes, ...overrides.prefixes },
    statuses: { ...base.statuses, ...overrides.statuses },
    fallback: overrides.fallback ?? base.fallback,
  };
}

/** Finds the event for one rule result; undefined when it produces none. */
export type AuditEventResolver = (result: RuleResult) => AuditEventMapping | undefined;

/**
 * Compiles a map once (prefixes sorted longest first) into a per-result lookup.
 *
 * @example
 * ```ts
 * const resolve = createAuditEventResolver(DEFAULT_AUDIT_EVENT_MAP);
 * resolve({ rule: 'authenticate', conclusion: 'deny', code: 'TOKEN_EXPIRED', dryRun: false, status: 401 });
 * // { type: 'authn_token_invalid', level: 'warn' }
 * ```
 */
export function createAuditEventResolver(map: AuditEventMap): AuditEventResolver {
  // `rule:CODE` keys in a map per rule, so a lookup allocates no string.
  const codes = new Map<string, AuditEventMapping | null>();
  const byRule = new Map<string, Map<string, AuditEventMapping | null>>();
  for (const [key, mapping] of Object.entries(map.codes)) {
    // The last colon: rule names may contain one, codes (UPPER_SNAKE) never do.
    const colon = key.lastIndexOf(':');
    if (colon === -1) {
      codes.set(key, mapping);
      continue;
    }
    const rule = key.slice(0, colon);
    let forRule = byRule.get(rule);
    if (!forRule) {
      forRule = new Map();
      byRule.set(rule, forRule);
    }
    forRule.set(key.slice(colon + 1), mapping);
  }
  const prefixes = Object.entries(map.prefixes).sort((a, b) => b[0].length - a[0].length);
  const statuses = new Map<number, AuditEventMapping>(
    Object.entries(map.statuses).map(([k, v]) => [Number(k), v]),
  );
  return (result) => {
    let found = byRule.size === 0 ? undefined : byRule.get(result.rule)?.get(result.code);
    // A skipped rule did not apply (optional authentication without credentials): only a
    // rule-specific key can make it an event.
    if (found === undefined && result.conclusion !== 'skip') found = codes.get(result.code);
    if (found !== undefined) return found ?? undefined;
    // Prefixes and statuses describe failures: a skipped or allowed result with an
    // unknown code (an optional authentication with no credentials) is no event.
    if (result.conclusion === 'deny' || result.conclusion === 'error') {
      for (const [prefix, mapping] of prefixes) {
        if (result.code.startsWith(prefix)) {
          return mapping ?? undefined;
        }
      }
    }
    if (result.conclusion === 'deny') {
      return (result.status !== undefined && statuses.get(result.status)) || map.fallback;
    }
    if (result.conclusion === 'error') return map.codes.RULE_FAILED ?? map.fallback;
    return undefined;
  };
}
