import type { ProtectMonitor } from '../protect/create-security.js';
import type { Decision, Rule, RuleResult, SecurityRequest } from '../protect/types.js';

/**
 * OpenTelemetry hooks. Core never imports `@opentelemetry/api`: the application passes the
 * API's exports (or its own `metrics`/`trace` objects) and these structural types describe
 * the few methods used. With nothing passed, every hook is a no-op and `instrument()` returns
 * the pipeline unchanged, so an application without OpenTelemetry pays nothing.
 */

/** Attribute values as OpenTelemetry accepts them. */
export type OtelAttributes = Record<string, string | number | boolean>;

/** The part of an OpenTelemetry `Counter` used. */
export interface OtelCounterLike {
  add(value: number, attributes?: OtelAttributes): void;
}

/** The part of an OpenTelemetry `Histogram` used. */
export interface OtelHistogramLike {
  record(value: number, attributes?: OtelAttributes): void;
}

/** The part of an OpenTelemetry `Meter` used. */
export interface OtelMeterLike {
  createCounter(name: string, options?: { description?: string; unit?: string }): OtelCounterLike;
  createHistogram(
    name: string,
    options?: {
      description?: string;
      unit?: string;
      advice?: { explicitBucketBoundaries?: number[] };
    },
  ): OtelHistogramLike;
}

/** The part of `@opentelemetry/api`'s `metrics` used. */
export interface OtelMetricsLike {
  getMeter(name: string, version?: string): OtelMeterLike;
}

/** The part of an OpenTelemetry `Span` used. */
export interface OtelSpanLike {
  setAttributes(attributes: OtelAttributes): unknown;
  addEvent(name: string, attributes?: OtelAttributes): unknown;
  isRecording?(): boolean;
}

/** The part of `@opentelemetry/api`'s `trace` used. */
export interface OtelTraceLike {
  getActiveSpan(): OtelSpanLike | undefined;
}

/** `import * as api from '@opentelemetry/api'` satisfies it. */
export interface OtelApiLike {
  readonly metrics?: OtelMetricsLike | undefined;
  readonly trace?: OtelTraceLike | undefined;
  /** The API's no-op meter: a meter identical to it records nothing, so the hooks skip metrics. */
  readonly createNoopMeter?: (() => unknown) | undefined;
}

/** Options of {@link createOtelHooks}. */
export interface OtelHooksOptions {
  /** `@opentelemetry/api`'s exports. Absent (and no `metrics`/`trace`): every hook is a no-op. */
  readonly api?: OtelApiLike | undefined;
  /** Overrides `api.metrics`. */
  readonly metrics?: OtelMetricsLike | undefined;
  /** Overrides `api.trace`. */
  readonly trace?: OtelTraceLike | undefined;
  /** Meter (instrumentation scope) name. Default `@jaf-sec/core`. */
  readonly meterName?: string | undefined;
  /** Monotonic clock in milliseconds for the duration histogram. Default `performance.now()`. */
  readonly clock?: (() => number) | undefined;
}

/** The agent-side checks that can be recorded. Other names are accepted as they are. */
export type AgentCheckKind = 'tool' | 'injection' | 'leak' | 'budget' | (string & {});

/** One agent check outcome (a tool call refused, an injection verdict, a leak finding, a budget refusal). */
export interface AgentCheckRecord {
  readonly kind: AgentCheckKind;
  /** `deny` for a refusal; `allow` for a check that passed (counted, no span event). */
  readonly conclusion: 'allow' | 'deny' | 'flag';
  /** The check's result code, e.g. `TOOL_NOT_ALLOWED`, `PROMPT_INJECTION`, `BUDGET_EXCEEDED`. */
  readonly code: string;
  /** Which rule or guard produced it, e.g. the tool policy's name. Never a tool argument. */
  readonly rule?: string | undefined;
}

/** The pipeline shape `instrument()` wraps (a `Security` from `createSecurity`). */
export interface InstrumentableSecurity {
  protect(request: SecurityRequest): Promise<Decision>;
  with(...rules: Rule[]): InstrumentableSecurity;
  readonly rules: readonly Rule[];
}

/** What {@link createOtelHooks} returns. */
export interface OtelHooks {
  /** False when no OpenTelemetry API was passed (all hooks are no-ops). */
  readonly enabled: boolean;
  /** False when no meter records (none passed, or the API's no-op meter: no SDK registered yet). */
  readonly metricsEnabled: boolean;
  /**
   * Wraps a pipeline: each `protect()` is timed (histogram), its rule results counted, and
   * a denial annotates the active span. Returns `security` itself when disabled.
   */
  instrument<S extends InstrumentableSecurity>(security: S): S;
  /**
   * The same as `instrument()` without the extra microtask: `createSecurity({ rules, monitor: hooks.monitor })`.
   * Undefined when disabled.
   */
  readonly monitor: ProtectMonitor | undefined;
  /** Counts a decision's rule results and annotates the active span; an `onDecision` listener. */
  onDecision(decision: Decision, request?: SecurityRequest): void;
  /** Records an agent check (tool denial, injection verdict, leak finding, budget refusal). */
  recordCheck(record: AgentCheckRecord): void;
}

/** Instrument and attribute names (OpenTelemetry semantic-convention style: namespaced, dotted, snake_case, UCUM units). */
export const OTEL_NAMES = {
  decisions: 'jaf_sec.decisions',
  duration: 'jaf_sec.protect.duration',
  checks: 'jaf_sec.agent.checks',
  denialEvent: 'jaf_sec.denial',
  rule: 'jaf_sec.rule.name',
  conclusion: 'jaf_sec.decision.conclusion',
  code: 'jaf_sec.decision.code',
  dryRun: 'jaf_sec.decision.dry_run',
  status: 'jaf_sec.decision.status',
  outcome: 'jaf_sec.decision.outcome',
  checkKind: 'jaf_sec.check.kind',
} as const;

// Seconds, the semantic conventions' duration unit; buckets from 100 µs to 10 s.
const DURATION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
// Attribute-set cache bound: codes and rule names are a small, developer-chosen set.
const MAX_CACHED_ATTRIBUTE_SETS = 1_024;
const MAX_LABEL = 64;

/**
 * A label safe for an attribute: only [A-Za-z0-9_.:-], at most 64 characters. Anything else
 * (a code a custom rule built from input, say) becomes `OTHER`, so neither PII nor an
 * unbounded number of series reaches the telemetry backend.
 */
function label(value: string | undefined): string {
  if (value === undefined || value.length === 0 || value.length > MAX_LABEL) return 'OTHER';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 58) || // 0-9 :
      (c >= 65 && c <= 90) || // A-Z
      (c >= 97 && c <= 122) || // a-z
      c === 95 || // _
      c === 46 || // .
      c === 45; // -
    if (!ok) return 'OTHER';
  }
  return value;
}

const NOOP_HOOKS: OtelHooks = Object.freeze({
  enabled: false,
  metricsEnabled: false,
  monitor: undefined,
  instrument: <S extends InstrumentableSecurity>(security: S): S => security,
  onDecision: () => {},
  recordCheck: () => {},
});

/**
 * OpenTelemetry metrics and span annotations for `protect()` and the agent checks.
 *
 * Metrics: `jaf_sec.decisions` (counter, `{decision}`, one per rule result, by rule, conclusion
 * and code), `jaf_sec.protect.duration` (histogram, seconds, by outcome and code),
 * `jaf_sec.agent.checks` (counter, `{check}`, by kind, conclusion and code). Spans: on a denial
 * the active span gets `jaf_sec.decision.code`/`jaf_sec.rule.name` attributes and a
 * `jaf_sec.denial` event. Only codes, rule names, conclusions and statuses are recorded:
 * never a credential, a principal, an address or a detail.
 *
 * @example
 * ```ts
 * import * as otel from '@opentelemetry/api';
 * const hooks = createOtelHooks({ api: otel });
 * const security = hooks.instrument(createSecurity({ rules }));
 * hooks.recordCheck({ kind: 'tool', conclusion: 'deny', code: 'TOOL_NOT_ALLOWED', rule: 'tools' });
 * ```
 * @throws TypeError at construction when `api`, `metrics` or `trace` lack the methods used.
 */
export function createOtelHooks(options: OtelHooksOptions = {}): OtelHooks {
  const metricsApi = options.metrics ?? options.api?.metrics;
  const traceApi = options.trace ?? options.api?.trace;
  if (metricsApi === undefined && traceApi === undefined) return NOOP_HOOKS;
  if (metricsApi !== undefined && typeof metricsApi.getMeter !== 'function') {
    throw new TypeError(
      "createOtelHooks: metrics needs getMeter(); pass { api } from `import * as api from '@opentelemetry/api'`.",
    );
  }
  if (traceApi !== undefined && typeof traceApi.getActiveSpan !== 'function') {
    throw new TypeError(
      "createOtelHooks: trace needs getActiveSpan(); pass { api } from `import * as api from '@opentelemetry/api'`.",
    );
  }
  const clock = options.clock ?? (() => performance.now());
  if (typeof clock !== 'function') {
    throw new TypeError('createOtelHooks: clock must be a function returning milliseconds.');
  }
  let meter: OtelMeterLike | undefined = metricsApi?.getMeter(options.meterName ?? '@jaf-sec/core');
  // No MeterProvider registered yet: the API hands out its no-op meter, for good (metrics in
  // the JS API have no proxy). Skip the work; create the hooks after the SDK has started.
  if (meter !== undefined && typeof options.api?.createNoopMeter === 'function') {
    try {
      if (meter === options.api.createNoopMeter()) meter = undefined;
    } catch {
      // Keep the meter.
    }
  }
  const decisions = meter?.createCounter(OTEL_NAMES.decisions, {
    description: 'Rule results of protect(), by rule, conclusion and code.',
    unit: '{decision}',
  });
  const duration = meter?.createHistogram(OTEL_NAMES.duration, {
    description: 'Duration of protect() calls.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const checks = meter?.createCounter(OTEL_NAMES.checks, {
    description:
      'Agent checks (tool calls, injection verdicts, leak findings, budgets), by kind, conclusion and code.',
    unit: '{check}',
  });

  // Frozen attribute sets, built once per distinct combination and found without building
  // a key string: rule -> code -> [conclusion x dry-run]. Bounded in total.
  let cachedSets = 0;
  const CONCLUSIONS = ['allow', 'deny', 'respond', 'skip', 'error'];
  const byRule = new Map<string, Map<string, OtelAttributes[]>>();
  const resultAttributes = (r: RuleResult): OtelAttributes => {
    let byCode = byRule.get(r.rule);
    let slots = byCode?.get(r.code);
    const index = CONCLUSIONS.indexOf(r.conclusion) * 2 + (r.dryRun ? 1 : 0);
    const hit = slots?.[index];
    if (hit !== undefined) return hit;
    const attributes: OtelAttributes = Object.freeze({
      [OTEL_NAMES.rule]: label(r.rule),
      [OTEL_NAMES.conclusion]: label(r.conclusion),
      [OTEL_NAMES.code]: label(r.code),
      [OTEL_NAMES.dryRun]: r.dryRun === true,
    });
    if (index < 0 || cachedSets >= MAX_CACHED_ATTRIBUTE_SETS) return attributes;
    if (!byCode) {
      byCode = new Map();
      byRule.set(r.rule, byCode);
    }
    if (!slots) {
      slots = [];
      byCode.set(r.code, slots);
    }
    slots[index] = attributes;
    cachedSets++;
    return attributes;
  };
  const allowedByCode = new Map<string, OtelAttributes>();
  const deniedByCode = new Map<string, OtelAttributes>();
  const durationAttributes = (d: Decision): OtelAttributes => {
    const map = d.allowed ? allowedByCode : deniedByCode;
    let attributes = map.get(d.code);
    if (attributes === undefined) {
      attributes = Object.freeze({
        [OTEL_NAMES.outcome]: d.allowed ? 'allowed' : 'denied',
        [OTEL_NAMES.code]: label(d.code),
      });
      if (cachedSets < MAX_CACHED_ATTRIBUTE_SETS) {
        map.set(d.code, attributes);
        cachedSets++;
      }
    }
    return attributes;
  };
  const checkSets = new Map<string, OtelAttributes>();
  const cached = (key: string, build: () => OtelAttributes): OtelAttributes => {
    let attributes = checkSets.get(key);
    if (attributes === undefined) {
      attributes = Object.freeze(build());
      if (cachedSets < MAX_CACHED_ATTRIBUTE_SETS) {
        checkSets.set(key, attributes);
        cachedSets++;
      }
    }
    return attributes;
  };

  // Telemetry must never change a decision or throw into the request path.
  const safely = (fn: () => void): void => {
    try {
      fn();
    } catch {
      // An exporter or a custom API object failed: the request goes on.
    }
  };

  function annotateDenial(
    rule: string | undefined,
    code: string,
    status: number | undefined,
    kind: string | undefined,
  ): void {
    const span = traceApi?.getActiveSpan();
    if (!span || (span.isRecording && !span.isRecording())) return;
    const attributes: OtelAttributes = {
      [OTEL_NAMES.code]: label(code),
      [OTEL_NAMES.rule]: label(rule),
    };
    if (status !== undefined) attributes[OTEL_NAMES.status] = status;
    if (kind !== undefined) attributes[OTEL_NAMES.checkKind] = label(kind);
    span.setAttributes(attributes);
    span.addEvent(OTEL_NAMES.denialEvent, attributes);
  }

  // Telemetry never throws into the request path: try/catch inline (no closure per call).
  function onDecision(decision: Decision): void {
    try {
      if (decisions) {
        const results = decision.results;
        for (let i = 0; i < results.length; i++) {
          decisions.add(1, resultAttributes(results[i] as RuleResult));
        }
      }
      if (!decision.allowed && traceApi) {
        // The rule that stopped the request: the last non-dry-run result with its code.
        let rule: string | undefined;
        for (let i = decision.results.length - 1; i >= 0; i--) {
          const r = decision.results[i] as RuleResult;
          if (r.code === decision.code && !r.dryRun) {
            rule = r.rule;
            break;
          }
        }
        annotateDenial(rule ?? 'protect', decision.code, decision.status, undefined);
      }
    } catch {
      // An exporter or a custom API object failed: the request goes on.
    }
  }

  function instrument<S extends InstrumentableSecurity>(security: S): S {
    if (!security || typeof security.protect !== 'function') {
      throw new TypeError('createOtelHooks: instrument() takes a pipeline from createSecurity().');
    }
    const record = (decision: Decision, start: number): Decision => {
      if (duration) {
        try {
          duration.record((clock() - start) / 1000, durationAttributes(decision));
        } catch {
          // As above.
        }
      }
      onDecision(decision);
      return decision;
    };
    // One `then`, no async wrapper: a single extra microtask per request.
    const protect = (request: SecurityRequest): Promise<Decision> => {
      const start = clock();
      return security.protect(request).then((decision) => record(decision, start));
    };
    return {
      ...security,
      rules: security.rules,
      protect,
      with: (...rules: Rule[]) => instrument(security.with(...rules)),
    } as S;
  }

  const monitor: ProtectMonitor = {
    begin: duration ? clock : () => 0,
    end(decision, start) {
      if (duration) {
        try {
          duration.record((clock() - start) / 1000, durationAttributes(decision));
        } catch {
          // As above.
        }
      }
      onDecision(decision);
    },
  };

  return {
    enabled: true,
    metricsEnabled: meter !== undefined,
    monitor,
    instrument,
    onDecision,
    recordCheck(record) {
      safely(() => {
        if (!record) return;
        const kind = label(record.kind);
        const code = label(record.code);
        checks?.add(
          1,
          cached(`c\u0000${kind}\u0000${record.conclusion}\u0000${code}`, () => ({
            [OTEL_NAMES.checkKind]: kind,
            [OTEL_NAMES.conclusion]: label(record.conclusion),
            [OTEL_NAMES.code]: code,
          })),
        );
        if (record.conclusion !== 'allow') annotateDenial(record.rule, code, undefined, kind);
      });
    },
  };
}
