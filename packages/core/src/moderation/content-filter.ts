import { numberOption } from '../internal/options.js';
import { detect } from '../redact/detect.js';
import type { PiiType } from '../redact/types.js';
import { type InjectionSource, scorePromptInjection } from './prompt-injection.js';

/** What a local detector found. */
export interface LocalFinding {
  /** Stable reason code, e.g. `PII_DETECTED` or `PROMPT_INJECTION`. */
  readonly code: string;
  /** Short, client-safe description (never the matched value). */
  readonly reason: string;
}

/** A synchronous check that runs before any provider. */
export interface LocalDetector {
  readonly name: string;
  check(text: string): LocalFinding | undefined;
}

/** What a moderation provider answered. */
export interface ProviderVerdict {
  readonly flagged: boolean;
  /** Names of the categories flagged. */
  readonly categories: readonly string[];
  readonly scores?: Readonly<Record<string, number>> | undefined;
}

/** A remote or local classifier (e.g. {@link createOpenAiModerationProvider}). */
export interface ModerationProvider {
  readonly name: string;
  /** Must honour `signal`; rejects on failure (the filter maps it to `onProviderError`). */
  moderate(text: string, options: { signal: AbortSignal }): Promise<ProviderVerdict>;
}

/** Codes of {@link ContentDecision}. */
export type ContentDecisionCode =
  | 'CONTENT_ALLOWED'
  | 'CONTENT_BLOCKED_LOCAL'
  | 'CONTENT_FLAGGED'
  | 'PROVIDER_FAILED_BLOCKED'
  | 'PROVIDER_FAILED_ALLOWED';

/** The filter's answer. Fail-open and fail-closed are visible in `code` and `provider.status`. */
export interface ContentDecision {
  readonly allowed: boolean;
  readonly code: ContentDecisionCode;
  readonly findings: readonly LocalFinding[];
  readonly categories: readonly string[];
  readonly provider: {
    readonly status: 'ok' | 'timeout' | 'error' | 'skipped';
    readonly name?: string | undefined;
  };
}

/** Options of {@link createContentFilter}. */
export interface ContentFilterOptions {
  /** Local detectors, run first in order; any finding blocks without calling the provider. */
  readonly detectors?: readonly LocalDetector[] | undefined;
  readonly provider?: ModerationProvider | undefined;
  /** Required with a provider: what to do when it fails or times out. No silent default. */
  readonly onProviderError?: 'block' | 'allow' | undefined;
  /** Abort the provider call after this many ms. */
  readonly timeoutMs?: number | undefined;
  /**
   * Makes the timeout signal. Default: `AbortSignal.timeout`, looked up at call time.
   * Inject one on runtimes without it (or in tests).
   */
  readonly createTimeoutSignal?: ((ms: number) => AbortSignal) | undefined;
}

/** A configured filter. */
export interface ContentFilter {
  check(text: string, options?: { signal?: AbortSignal }): Promise<ContentDecision>;
}

// Timeouts: core schedules no timers (DESIGN: serverless-safe, no setTimeout in core). We use
// AbortSignal.timeout, a platform primitive whose timer the runtime owns (unref'd on Node, native
// on Workers, Deno and Bun), looked up at call time, or a signal factory the app injects. The
// provider's promise is raced against the signal's abort *event*, so even a provider that ignores
// its signal cannot hold the request past the deadline.
const platformTimeout = (): ((ms: number) => AbortSignal) | undefined => {
  const t = (AbortSignal as unknown as { timeout?: (ms: number) => AbortSignal }).timeout;
  return typeof t === 'function' ? (ms) => t.call(AbortSignal, ms) : undefined;
};

// One signal that aborts when any of `signals` does. The listeners it adds to the caller's
// signals are removed by `release()` after each check, so a long-lived signal passed to
// every check (a shutdown signal, say) does not collect one listener per check.
const linkSignals = (signals: AbortSignal[]): { signal: AbortSignal; release(): void } => {
  const controller = new AbortController();
  const unlinks: (() => void)[] = [];
  for (const s of signals) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    const onAbort = () => controller.abort(s.reason);
    s.addEventListener('abort', onAbort, { once: true });
    unlinks.push(() => s.removeEventListener('abort', onAbort));
  }
  return {
    signal: controller.signal,
    release: () => {
      for (const unlink of unlinks) unlink();
    },
  };
};

class ProviderAborted extends Error {}

/**
 * Builds a content filter: local detectors first (cheap, no network), then the optional
 * provider. `onProviderError` must be set when a provider is: whether a provider outage
 * blocks or lets content through is a decision, and the returned decision records which
 * happened (`PROVIDER_FAILED_BLOCKED` / `PROVIDER_FAILED_ALLOWED`).
 *
 * @throws TypeError at construction: provider without `onProviderError`, bad `timeoutMs`,
 * or a timeout with no way to make a timeout signal.
 * @example
 * ```ts
 * const filter = createContentFilter({
 *   detectors: [piiDetector(), promptInjectionDetector()],
 *   provider: createOpenAiModerationProvider({ apiKey }),
 *   onProviderError: 'block',
 *   timeoutMs: 2000,
 * });
 * const decision = await filter.check(userText);
 * ```
 */
export function createContentFilter(options: ContentFilterOptions): ContentFilter {
  const detectors = [...(options.detectors ?? [])];
  const provider = options.provider;
  if (
    provider !== undefined &&
    options.onProviderError !== 'block' &&
    options.onProviderError !== 'allow'
  ) {
    throw new TypeError(
      "createContentFilter: set onProviderError to 'block' (fail closed) or 'allow' (fail open); a provider outage must be an explicit choice",
    );
  }
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && (!Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    throw new TypeError('createContentFilter: timeoutMs must be a positive number of milliseconds');
  }
  if (timeoutMs !== undefined && !options.createTimeoutSignal && !platformTimeout()) {
    throw new TypeError(
      'createContentFilter: this runtime has no AbortSignal.timeout; pass createTimeoutSignal(ms)',
    );
  }
  const failOpen = options.onProviderError === 'allow';

  return {
    async check(text, callOptions) {
      const findings: LocalFinding[] = [];
      for (const d of detectors) {
        const f = d.check(text);
        if (f) findings.push(f);
      }
      if (findings.length > 0) {
        return {
          allowed: false,
          code: 'CONTENT_BLOCKED_LOCAL',
          findings,
          categories: [],
          provider: { status: 'skipped' },
        };
      }
      if (provider === undefined) {
        return {
          allowed: true,
          code: 'CONTENT_ALLOWED',
          findings,
          categories: [],
          provider: { status: 'skipped' },
        };
      }
      const signals: AbortSignal[] = [];
      if (callOptions?.signal) signals.push(callOptions.signal);
      if (timeoutMs !== undefined) {
        const make = options.createTimeoutSignal ?? platformTimeout();
        if (make) signals.push(make(timeoutMs));
      }
      const linked = linkSignals(signals);
      const signal = linked.signal;
      let status: 'ok' | 'timeout' | 'error' = 'ok';
      let verdict: ProviderVerdict | undefined;
      try {
        verdict = await new Promise<ProviderVerdict>((resolve, reject) => {
          if (signal.aborted) return reject(new ProviderAborted());
          signal.addEventListener('abort', () => reject(new ProviderAborted()), { once: true });
          provider.moderate(text, { signal }).then(resolve, reject);
        });
      } catch (e) {
        status = e instanceof ProviderAborted || signal.aborted ? 'timeout' : 'error';
      } finally {
        linked.release();
      }
      const p = { status, name: provider.name } as const;
      if (verdict === undefined) {
        return failOpen
          ? {
              allowed: true,
              code: 'PROVIDER_FAILED_ALLOWED',
              findings,
              categories: [],
              provider: p,
            }
          : {
              allowed: false,
              code: 'PROVIDER_FAILED_BLOCKED',
              findings,
              categories: [],
              provider: p,
            };
      }
      return verdict.flagged
        ? {
            allowed: false,
            code: 'CONTENT_FLAGGED',
            findings,
            categories: verdict.categories,
            provider: p,
          }
        : {
            allowed: true,
            code: 'CONTENT_ALLOWED',
            findings,
            categories: verdict.categories,
            provider: p,
          };
    },
  };
}

/**
 * A local detector that blocks text containing personal data or secrets (see `detect`).
 *
 * @example
 * ```ts
 * piiDetector({ types: ['CREDIT_CARD', 'US_SSN'] }).check('ssn 536-22-1234'); // { code: 'PII_DETECTED', ... }
 * ```
 */
export function piiDetector(options: { types?: readonly PiiType[] } = {}): LocalDetector {
  const types = options.types;
  detect('', { types }); // validates the type names once, here
  return {
    name: 'pii',
    check(text) {
      const found = detect(text, { types });
      if (found.length === 0) return undefined;
      const kinds = [...new Set(found.map((e) => e.type))].join(', ');
      return { code: 'PII_DETECTED', reason: `Contains personal data or secrets (${kinds}).` };
    },
  };
}

/**
 * A local detector that blocks text whose prompt-injection score reaches `threshold`.
 *
 * @example
 * ```ts
 * promptInjectionDetector({ threshold: 0.5, source: 'tool' });
 * ```
 */
export function promptInjectionDetector(
  options: { threshold?: number; source?: InjectionSource } = {},
): LocalDetector {
  const threshold = numberOption('promptInjectionDetector', 'threshold', options.threshold, 0.5, {
    min: 0,
    max: 1,
  });
  if (threshold === 0) {
    throw new RangeError('promptInjectionDetector: threshold must be above 0 (0 flags every text)');
  }
  const source = options.source ?? 'user';
  return {
    name: 'prompt-injection',
    check(text) {
      const r = scorePromptInjection(text, source);
      if (r.score < threshold) return undefined;
      return {
        code: 'PROMPT_INJECTION',
        reason: `Looks like prompt injection (${r.reasons.map((x) => x.code).join(', ')}).`,
      };
    },
  };
}
