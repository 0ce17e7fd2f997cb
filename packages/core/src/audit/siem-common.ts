import { isIp } from '../internal/ip.js';
import type { AuditLevel, SecurityEvent } from './types.js';

/** Milliseconds since the epoch of an event's ISO timestamp; 0 when it does not parse. */
export function eventTimeMs(event: SecurityEvent): number {
  const ms = Date.parse(event.timestamp);
  return Number.isFinite(ms) ? ms : 0;
}

/**
 * True when the event's client value is one IP address, so it may go into an `ip` field. A
 * pseudonym, or an address truncated to its network (`truncateClientAddress` gives a CIDR such
 * as `203.0.113.0/24`), is not: the mappers put those in the `uid` / `address` field.
 */
export const looksLikeIp = (value: string): boolean => isIp(value);

/** Numeric severity shared by both mappings: OCSF severity_id (1 Informational, 3 Medium, 5 Critical). */
export const SEVERITY_ID: Readonly<Record<AuditLevel, number>> = {
  info: 1,
  warn: 3,
  critical: 5,
};

/** The event's family, from the OWASP type's prefix. */
export type EventFamily = 'authentication' | 'api' | 'finding';

const FINDING_TYPES = new Set(['sensitive_data_detected']);

/**
 * Which SIEM class an event type belongs to: `authn_*` is an authentication, `malicious_*`
 * and `sensitive_data_detected` are detection findings, the rest (authz, input, rate limits,
 * CORS/CSRF, rule failures) is API activity.
 */
export function eventFamily(type: string): EventFamily {
  if (type.startsWith('authn_')) return 'authentication';
  if (type.startsWith('malicious_') || FINDING_TYPES.has(type)) return 'finding';
  return 'api';
}
