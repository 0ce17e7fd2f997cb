import type { AuditLevel, SecurityEvent } from './types.js';

/** Milliseconds since the epoch of an event's ISO timestamp; 0 when it does not parse. */
export function eventTimeMs(event: SecurityEvent): number {
  const ms = Date.parse(event.timestamp);
  return Number.isFinite(ms) ? ms : 0;
}

/**
 * True when the configured client value is an IP address (full or truncated), false for a
 * pseudonym: only then may it go into an `ip` field. A character scan, no regex.
 */
export function looksLikeIp(value: string): boolean {
  if (value.length < 2 || value.length > 45) return false;
  let dots = 0;
  let colons = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 46) dots++;
    else if (c === 58) colons++;
    else if (c >= 48 && c <= 57) continue;
    else if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) {
      if (dots > 0 && colons === 0) return false;
    } else return false;
  }
  if (colons >= 2) return true;
  if (colons > 0) return false;
  if (dots !== 3) return false;
  const parts = value.split('.');
  return parts.every((p) => p.length > 0 && p.length <= 3 && Number(p) <= 255);
}

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
