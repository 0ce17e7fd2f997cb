export type {
  AuditCheckpoint,
  AuditCheckpointErrorCode,
  AuditCheckpointOptions,
  AuditCheckpointResult,
  VerifyAuditCheckpointsOptions,
} from './audit-checkpoint.js';
export {
  AUDIT_CHECKPOINT_TYPE,
  auditCheckpointBase,
  isAuditCheckpoint,
  verifyAuditCheckpoints,
} from './audit-checkpoint.js';
export type {
  AuditEventMap,
  AuditEventMapOverrides,
  AuditEventMapping,
  AuditEventResolver,
} from './audit-event-map.js';
export {
  createAuditEventResolver,
  DEFAULT_AUDIT_EVENT_MAP,
  mergeAuditEventMap,
} from './audit-event-map.js';
export { createClientAddressPseudonymizer, truncateClientAddress } from './client-address.js';
export type {
  AuditChainOptions,
  AuditFailureTracker,
  AuditLog,
  AuditLogOptions,
  AuditLogStats,
  AuditRecordInput,
  AuditRedactor,
} from './create-audit-log.js';
export { createAuditLog } from './create-audit-log.js';
export type {
  BatchingSink,
  BatchingSinkOptions,
  BatchingSinkStats,
} from './create-batching-sink.js';
export { createBatchingSink } from './create-batching-sink.js';
export type { TextWriter } from './create-json-lines-sink.js';
export { createJsonLinesSink } from './create-json-lines-sink.js';
export type { PinoLikeLogger, PinoSinkOptions } from './create-pino-sink.js';
export { createPinoSink } from './create-pino-sink.js';
export type { EcsEvent } from './ecs.js';
export { ECS_VERSION, toEcs } from './ecs.js';
export { neutralizeLogText } from './neutralize-log-text.js';
export type { OcsfEvent, OcsfOptions } from './ocsf.js';
export { OCSF_CLASSES, OCSF_VERSION, toOcsf } from './ocsf.js';
export type {
  AgentCheckKind,
  AgentCheckRecord,
  InstrumentableSecurity,
  OtelApiLike,
  OtelAttributes,
  OtelCounterLike,
  OtelHistogramLike,
  OtelHooks,
  OtelHooksOptions,
  OtelMeterLike,
  OtelMetricsLike,
  OtelSpanLike,
  OtelTraceLike,
} from './otel.js';
export { createOtelHooks, OTEL_NAMES } from './otel.js';
export type {
  AuditLineError,
  AuditLineErrorCode,
  ParseAuditLogOptions,
  ParsedAuditLog,
} from './parse-audit-log.js';
export { parseAuditLine, parseAuditLog } from './parse-audit-log.js';
export type { SiemFormat } from './siem-format.js';
export { resolveSiemFormat } from './siem-format.js';
export type {
  AuditLevel,
  AuditOutcome,
  AuditSink,
  AuditSinkObject,
  DecisionListener,
  SecurityEvent,
  SecurityEventType,
} from './types.js';
export type {
  AuditChainErrorCode,
  AuditChainResult,
  VerifyAuditChainOptions,
} from './verify-audit-chain.js';
export {
  AUDIT_CHAIN_GENESIS,
  AUDIT_CHAIN_KEYED,
  hashAuditEvent,
  verifyAuditChain,
} from './verify-audit-chain.js';
export type {
  AuditLogErrorCode,
  AuditLogResult,
  VerifyAuditLogOptions,
} from './verify-audit-log.js';
export { verifyAuditLog } from './verify-audit-log.js';
