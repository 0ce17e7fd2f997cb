import type { Decision, SecurityRequest } from '../protect/types.js';

/**
 * Security event types, named after the OWASP Logging Vocabulary
 * (https://cheatsheetseries.owasp.org/cheatsheets/Logging_Vocabulary_Cheat_Sheet.html).
 * The list is open: an event map may name any other `family_action` type.
 */
export type SecurityEventType =
  | 'authn_login_success'
  | 'authn_login_fail'
  | 'authn_login_fail_max'
  | 'authn_login_lock'
  | 'authn_token_invalid'
  | 'authn_token_reuse'
  | 'authn_token_revoked'
  | 'authz_fail'
  | 'input_validation_fail'
  | 'excess_rate_limit_exceeded'
  | 'malicious_cors'
  | 'malicious_csrf'
  | 'malicious_client_banned'
  | 'malicious_address_denied'
  | 'malicious_attack_tool'
  | 'malicious_prompt_injection'
  | 'malicious_content'
  | 'malicious_replay'
  | 'sensitive_data_detected'
  | 'sys_rule_failed'
  | (string & {});

/** Severity, as in the OWASP vocabulary: INFO, WARN, CRITICAL. */
export type AuditLevel = 'info' | 'warn' | 'critical';

/**
 * What happened to the request: `allow` (let through), `deny` (stopped), `dry_run` (a rule in
 * dry-run mode would have stopped it), `error` (a rule failed).
 */
export type AuditOutcome = 'allow' | 'deny' | 'dry_run' | 'error';

/**
 * One security event. Every string in it has had control characters neutralised, and
 * `details` has been through the redactor, before any sink sees it.
 */
export interface SecurityEvent {
  /** ISO 8601 UTC time, e.g. `2026-01-01T12:00:00.000Z`. */
  readonly timestamp: string;
  readonly type: SecurityEventType;
  readonly level: AuditLevel;
  /** Application id (`app` option), when configured. */
  readonly app?: string | undefined;
  /** Authenticated principal id, or null when none. */
  readonly principal: string | null;
  /** Client address as configured (full, truncated, pseudonymized), or null. */
  readonly client: string | null;
  readonly requestId: string | null;
  readonly method: string | null;
  /** URL path without the query string (queries can carry tokens). */
  readonly path: string | null;
  readonly outcome: AuditOutcome;
  /** Name of the rule that produced the event, when protect() emitted it. */
  readonly rule?: string | undefined;
  /** The rule's result code (e.g. `TOKEN_EXPIRED`). */
  readonly code?: string | undefined;
  /** HTTP status the rule answered with, when it stopped the request. */
  readonly status?: number | undefined;
  /** Redacted, neutralised details. */
  readonly details: Readonly<Record<string, unknown>>;
  /** `hmac-sha256` in a keyed chain (`hash` is then an HMAC under the log's key). */
  readonly chain?: 'hmac-sha256' | undefined;
  /** Position in the hash chain (only when `chain` is on). */
  readonly seq?: number | undefined;
  /** Hex SHA-256 of the previous event in the chain (only when `chain` is on). */
  readonly prev?: string | undefined;
  /** Hex SHA-256 of this event (every field but `hash`), only when `chain` is on. */
  readonly hash?: string | undefined;
}

/** Where events go. A plain function is a sink too. Errors and rejections are counted, never thrown. */
export interface AuditSinkObject {
  write(event: SecurityEvent): unknown;
  /** Sends what is buffered; awaited by `AuditLog.flush()`. */
  flush?(): Promise<void> | void;
}

/** A sink: an object with `write(event)`, or a function taking the event. */
export type AuditSink = AuditSinkObject | ((event: SecurityEvent) => unknown);

/** The `onDecision` hook signature of `createSecurity`. */
export type DecisionListener = (decision: Decision, request: SecurityRequest) => void;
