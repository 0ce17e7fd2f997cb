import { eventFamily, looksLikeIp, SEVERITY_ID } from './siem-common.js';
import type { AuditOutcome, SecurityEvent } from './types.js';

/** Elastic Common Schema version the mapping follows. */
export const ECS_VERSION = '8.11.0';

/** An ECS document as a JSON object (nested field sets). */
export type EcsEvent = Record<string, unknown> & { readonly '@timestamp': string };

const OUTCOME: Readonly<Record<AuditOutcome, 'success' | 'failure' | 'unknown'>> = {
  allow: 'success',
  deny: 'failure',
  error: 'failure',
  dry_run: 'unknown',
};

/**
 * Maps a security event to an ECS document. `authn_*`: `event.category: authentication`
 * (`event.type: start`); `malicious_*` and `sensitive_data_detected`: `intrusion_detection`
 * with `event.kind: alert` (`event.type: denied`, `allowed` or `info`); the rest: `web`
 * (`access`, or `error` for a rule failure). Fields ECS has no place for go under the custom
 * `jaf_sec` field set. Pure; see docs/monitoring.md for the field table.
 *
 * @example
 * ```ts
 * const doc = toEcs(event); // { '@timestamp': ..., event: { category: ['authentication'], outcome: 'failure', ... } }
 * ```
 */
export function toEcs(event: SecurityEvent): EcsEvent {
  const family = eventFamily(event.type);
  let category: string;
  let type: string;
  if (family === 'authentication') {
    category = 'authentication';
    type = 'start';
  } else if (family === 'finding') {
    category = 'intrusion_detection';
    type = event.outcome === 'deny' ? 'denied' : event.outcome === 'allow' ? 'allowed' : 'info';
  } else {
    category = 'web';
    type = event.outcome === 'error' || event.type.startsWith('sys_') ? 'error' : 'access';
  }
  let outcome = OUTCOME[event.outcome] ?? 'unknown';
  if (
    family === 'authentication' &&
    event.outcome === 'allow' &&
    event.type !== 'authn_login_success'
  ) {
    outcome = 'failure';
  }
  const ecsEvent: Record<string, unknown> = {
    kind: family === 'finding' ? 'alert' : 'event',
    category: [category],
    type: [type],
    action: event.type,
    outcome,
    severity: SEVERITY_ID[event.level] ?? 0,
    dataset: 'jaf_sec.security',
    module: 'jaf_sec',
  };
  if (event.code !== undefined) ecsEvent.code = event.code;
  if (event.seq !== undefined) ecsEvent.sequence = event.seq;
  if (event.hash !== undefined) ecsEvent.hash = event.hash;

  const doc: Record<string, unknown> = {
    '@timestamp': event.timestamp,
    ecs: { version: ECS_VERSION },
    event: ecsEvent,
    log: { level: event.level, logger: 'jaf-sec' },
    observer: { vendor: 'jaf-sec', product: 'jaf-sec' },
  };
  if (event.rule !== undefined) doc.rule = { name: event.rule };
  if (event.principal !== null) doc.user = { id: event.principal };
  if (event.client !== null) {
    doc.source = looksLikeIp(event.client) ? { ip: event.client } : { address: event.client };
  }
  const http: Record<string, unknown> = {};
  const req: Record<string, unknown> = {};
  if (event.method !== null) req.method = event.method;
  if (event.requestId !== null) req.id = event.requestId;
  if (Object.keys(req).length > 0) http.request = req;
  if (event.status !== undefined) http.response = { status_code: event.status };
  if (Object.keys(http).length > 0) doc.http = http;
  if (event.path !== null) doc.url = { path: event.path };
  if (event.app !== undefined) doc.service = { name: event.app };
  doc.jaf_sec = {
    type: event.type,
    outcome: event.outcome,
    details: event.details,
    ...(event.prev !== undefined ? { prev: event.prev } : {}),
  };
  return doc as EcsEvent;
}
