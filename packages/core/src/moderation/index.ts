// Content filtering: local detectors, a pluggable provider with an explicit failure policy,
// prompt-injection heuristics, protect rules for input and an output filter.
export {
  type ContentDecision,
  type ContentDecisionCode,
  type ContentFilter,
  type ContentFilterOptions,
  createContentFilter,
  type LocalDetector,
  type LocalFinding,
  type ModerationProvider,
  type ProviderVerdict,
  piiDetector,
  promptInjectionDetector,
} from './content-filter.js';
export {
  createOpenAiModerationProvider,
  ModerationProviderError,
  type OpenAiModerationErrorCode,
  type OpenAiModerationOptions,
} from './openai-provider.js';
export {
  createOutputFilter,
  type OutputFilter,
  type OutputFilterOptions,
} from './output-filter.js';
export {
  type InjectionReason,
  type InjectionReasonCode,
  type InjectionScore,
  type InjectionSource,
  scorePromptInjection,
} from './prompt-injection.js';
export {
  blockPii,
  type ContentFilterRuleOptions,
  filterContent,
  type PiiInputRuleOptions,
} from './rules.js';
