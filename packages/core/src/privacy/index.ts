// Personal data handling: keyed pseudonyms, record anonymization, retention policies and
// sweeps, and GDPR erasure/export orchestration over registered data targets.
export {
  type AnonymizeRecordOptions,
  anonymizeRecord,
  type FieldAction,
  type FieldPolicy,
} from './anonymize-record.js';
export {
  createMemoryDataTarget,
  type MemoryDataRecord,
  type MemoryDataTarget,
  type MemoryDataTargetOptions,
} from './memory-data-target.js';
export {
  createPseudonymKey,
  type PseudonymFormat,
  type PseudonymizeOptions,
  type PseudonymKey,
  pseudonymize,
} from './pseudonymize.js';
export {
  defineRetentionPolicy,
  evaluateRetention,
  type RetentionAction,
  type RetentionDecision,
  type RetentionErrorCode,
  type RetentionPolicy,
  type RetentionReason,
  type RetentionRecord,
  type RetentionRule,
} from './retention.js';
export {
  type ErasureCounts,
  type ErasureReport,
  type ExportReport,
  eraseSubject,
  exportSubject,
  type SubjectDataTarget,
  type SubjectRequestContext,
  type SubjectRequestErrorCode,
  type SubjectRequestOptions,
  type TargetErasureResult,
  type TargetExportResult,
  type TargetFailure,
} from './subject-rights.js';
export {
  type RetentionPage,
  type RetentionTarget,
  type SweepableRecord,
  type SweepReport,
  type SweepRetentionOptions,
  type SweepSkipped,
  sweepRetention,
} from './sweep-retention.js';
