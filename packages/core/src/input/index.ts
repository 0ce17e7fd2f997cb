// Structural input validation: agent message schemas, bounded metadata and tool arguments,
// JSON body limits enforced before parsing, safe file names and path joining.
export {
  type BodyLimitErrorCode,
  createJsonDepthScanner,
  type JsonBodyLimits,
  type JsonDepthScanner,
  parseJsonWithLimits,
  readJsonBodyWithLimits,
} from './json-limits.js';
export {
  type AgentMessage,
  agentMessageSchema,
  checkMetadataBounds,
  checkToolArguments,
  createMessageSchema,
  type MessageSchemaOptions,
  type MetadataErrorCode,
  type MetadataLimits,
  metadataSchema,
  type ToolArgumentsErrorCode,
} from './message-schema.js';
export { type SafePathErrorCode, safeFileName, safeJoin } from './safe-path.js';
export { type ValidateBodyOptions, validateBody } from './validate-body-rule.js';
