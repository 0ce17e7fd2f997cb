import {
  type EventFamily,
  eventFamily,
  eventTimeMs,
  looksLikeIp,
  SEVERITY_ID,
} from './siem-common.js';
import type { AuditOutcome, SecurityEvent } from './types.js';

/** OCSF schema version the mapping follows. */
export const OCSF_VERSION = '1.3.0';

/** An OCSF event as a JSON object. */
export type OcsfEvent = Record<string, unknown> & {
  readonly class_uid: number;
  readonly category_uid: number;
  readonly activity_id: number;
  readonly type_uid: number;
  readonly time: number;
  readonly severity_id: number;
};

/** Options of {@link toOcsf}. */
export interface OcsfOptions {
  /** `metadata.product`. Default `{ name: 'jaf-sec', vendor_name: 'jaf-sec' }`. */
  readonly product?:
    | { readonly name: string; readonly vendor_name: string; readonly version?: string }
    | undefined;
}

interface OcsfClass {
  readonly class_uid: number;
  readonly class_name: string;
  readonly category_uid: number;
  readonly category_name: string;
}

/** The OCSF classes used, by event family. */
export const OCSF_CLASSES: Readonly<Record<EventFamily, OcsfClass>> = {
  authentication: {
    class_uid: 3002,
    class_name: 'Authentication',
    category_uid: 3,
    category_name: 'Identity & Access Management',
  },
  api: {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
  },
  finding: {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
  },
};

// API Activity activity_id from the HTTP method: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other.
function apiActivity(method: string | null): [number, string] {
  switch (method) {
    case 'POST':
      return [1, 'Create'];
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
      return [2, 'Read'];
    case 'PUT':
    case 'PATCH':
      return [3, 'Update'];
    case 'DELETE':
      return [4, 'Delete'];
    default:
      return [99, 'Other'];
  }
}

// action_id: 1 Allowed, 2 Denied, 3 Observed; disposition_id: 1 Allowed, 2 Blocked, 15 Detected, 27 Error.
const ACTION: Readonly<Record<AuditOutcome, readonly [number, string, number, string]>> = {
  allow: [1, 'Allowed', 1, 'Allowed'],
  deny: [2, 'Denied', 2, 'Blocked'],
  dry_run: [3, 'Observed', 15, 'Detected'],
  error: [99, 'Other', 27, 'Error'],
};
const SEVERITY_NAME: Readonly<Record<number, string>> = {
  1: 'Informational',
  3: 'Medium',
  5: 'Critical',
};

/**
 * Maps a security event to OCSF: `authn_*` to Authentication (3002, activity Logon),
 * `malicious_*` and `sensitive_data_detected` to Detection Finding (2004, activity Create),
 * everything else to API Activity (6003, activity from the HTTP method). jaf-sec fields with
 * no OCSF home (redacted details, the hash chain) go under `unmapped.jaf_sec`. Pure; never
 * throws on an event built by `createAuditLog`. See docs/monitoring.md for the field table.
 *
 * @example
 * ```ts
 * const ocsf = toOcsf(event); // { class_uid: 3002, type_uid: 300201, status: 'Failure', ... }
 * ```
 */
export function toOcsf(event: SecurityEvent, options: OcsfOptions = {}): OcsfEvent {
  const family = eventFamily(event.type);
  const cls = OCSF_CLASSES[family];
  let activityId: number;
  let activityName: string;
  if (family === 'authentication') [activityId, activityName] = [1, 'Logon'];
  else if (family === 'finding') [activityId, activityName] = [1, 'Create'];
  else [activityId, activityName] = apiActivity(event.method);
  const severityId = SEVERITY_ID[event.level] ?? 0;
  const success =
    event.outcome === 'allow' &&
    (family !== 'authentication' || event.type === 'authn_login_success');
  const [actionId, action, dispositionId, disposition] = ACTION[event.outcome] ?? [
    0,
    'Unknown',
    0,
    'Unknown',
  ];

  const out: Record<string, unknown> = {
    class_uid: cls.class_uid,
    class_name: cls.class_name,
    category_uid: cls.category_uid,
    category_name: cls.category_name,
    activity_id: activityId,
    activity_name: activityName,
    type_uid: cls.class_uid * 100 + activityId,
    type_name: `${cls.class_name}: ${activityName}`,
    time: eventTimeMs(event),
    severity_id: severityId,
    severity: SEVERITY_NAME[severityId] ?? 'Unknown',
    status_id: success ? 1 : 2,
    status: success ? 'Success' : 'Failure',
    action_id: actionId,
    action,
    disposition_id: dispositionId,
    disposition,
    message: event.code ? `${event.type} (${event.code})` : event.type,
    metadata: {
      version: OCSF_VERSION,
      product: options.product ?? { name: 'jaf-sec', vendor_name: 'jaf-sec' },
      log_name: 'security',
      ...(event.requestId !== null ? { correlation_uid: event.requestId } : {}),
      ...(event.seq !== undefined ? { sequence: event.seq } : {}),
      ...(event.hash !== undefined ? { uid: event.hash } : {}),
    },
  };
  if (event.code !== undefined) out.status_code = event.code;
  if (event.rule !== undefined) out.status_detail = `rule ${event.rule}`;
  if (event.principal !== null) out.actor = { user: { uid: event.principal } };
  if (event.client !== null) {
    out.src_endpoint = looksLikeIp(event.client) ? { ip: event.client } : { uid: event.client };
  }
  if (event.app !== undefined) out.service = { name: event.app };
  const http: Record<string, unknown> = {};
  if (event.method !== null) http.http_method = event.method;
  if (event.path !== null) http.url = { path: event.path };
  if (event.requestId !== null) http.uid = event.requestId;
  if (Object.keys(http).length > 0) out.http_request = http;
  if (event.status !== undefined) out.http_response = { code: event.status };

  if (family === 'authentication') {
    out.user =
      event.principal !== null ? { uid: event.principal } : { type_id: 0, type: 'Unknown' };
  } else if (family === 'api') {
    out.api = {
      operation: event.rule ?? event.type,
      ...(event.app !== undefined ? { service: { name: event.app } } : {}),
    };
    if (out.actor === undefined) out.actor = {};
    if (out.src_endpoint === undefined) out.src_endpoint = {};
    if (out.http_request === undefined) out.http_request = {};
  } else {
    out.finding_info = {
      uid: event.hash ?? `${event.timestamp}:${event.requestId ?? ''}:${event.type}`,
      title: event.type,
      types: [event.type],
      ...(event.rule !== undefined
        ? { analytic: { name: event.rule, type_id: 1, type: 'Rule' } }
        : {}),
      created_time: eventTimeMs(event),
    };
  }
  out.unmapped = {
    jaf_sec: {
      type: event.type,
      level: event.level,
      outcome: event.outcome,
      details: event.details,
      ...(event.prev !== undefined ? { prev: event.prev } : {}),
    },
  };
  return out as OcsfEvent;
}
