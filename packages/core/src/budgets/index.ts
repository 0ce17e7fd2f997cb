export {
  type BudgetStore,
  BudgetStoreFullError,
  createMemoryBudgetStore,
  type MemoryBudgetStoreOptions,
  type ReserveOutcome,
  type ScopeUsage,
  type Usage,
  type UsageLimit,
} from './budget-store.js';
export {
  type BudgetCallOptions,
  type BudgetErrorCode,
  type BudgetReservation,
  createLlmBudget,
  type LlmBudget,
  type LlmBudgetOptions,
  type ScopeLimit,
  type ScopeReport,
} from './llm-budget.js';
