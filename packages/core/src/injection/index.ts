// Agent security: indirect prompt-injection scanning of tool output, and spotlighting.
export type { InjectionModel } from './features.js';
export {
  createToolOutputScanner,
  type ScanToolOutputOptions,
  scanToolOutput,
  type ToolOutputAction,
  type ToolOutputReason,
  type ToolOutputReasonCode,
  type ToolOutputScan,
} from './scan.js';
export {
  type Spotlighted,
  type SpotlightMode,
  type SpotlightOptions,
  spotlight,
} from './spotlight.js';
