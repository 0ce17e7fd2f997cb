import type {
  Decision,
  Principal,
  Rule,
  RuleContext,
  RuleOutcome,
  RuleResult,
  SecurityRequest,
} from './types.js';

/** Options of {@link createSecurity}. */
export interface SecurityOptions {
  /** Rules run in this order; the first that denies (outside dry-run) stops the request. */
  readonly rules: readonly Rule[];
  /** Clock in milliseconds since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /**
   * Called with every decision (allowed or not), e.g. by the audit log. Errors it throws
   * are swallowed so logging can never change a security decision.
   */
  readonly onDecision?:
    | ((decision: Decision, request: SecurityRequest) => void | Promise<void>)
    | undefined;
  /**
   * Synchronous telemetry hook (e.g. `createOtelHooks(...).monitor`): `begin()` when a
   * request enters, `end(decision, begin's value)` before `protect()` resolves, in the
   * same tick. Errors it throws are swallowed.
   */
  readonly monitor?: ProtectMonitor | undefined;
}

/** See {@link SecurityOptions.monitor}. */
export interface ProtectMonitor {
  begin(): number;
  end(decision: Decision, start: number): void;
}

/** A configured pipeline. */
export interface Security {
  /** Runs the rules over one request. Never throws; a failing rule becomes a 503 (or an allow, if it says so). */
  protect(request: SecurityRequest): Promise<Decision>;
  /** A new pipeline with `rules` appended, e.g. a route's permission. Built once, not per request. */
  with(...rules: Rule[]): Security;
  readonly rules: readonly Rule[];
}

const ALLOWED_STATUS = 200;

// Thrown by Context.url when the request URL does not parse; protect() answers 400.
const BAD_URL = Symbol('BAD_URL');

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

// The per-request context. The URL is parsed on first use: rules that never look at it
// (authentication, permissions) do not pay for URL parsing.
class Context implements RuleContext {
  principal: Principal | undefined = undefined;
  readonly state: Record<string, unknown> = {};
  #url: URL | undefined;

  constructor(
    readonly request: SecurityRequest,
    readonly now: number,
  ) {}

  get url(): URL {
    if (this.#url === undefined) {
      try {
        this.#url = new URL(this.request.url);
      } catch {
        throw BAD_URL;
      }
    }
    return this.#url;
  }
}

/**
 * Composes rules into one `protect(request)` call that adapters run before the handler.
 *
 * @example
 * ```ts
 * const security = createSecurity({ rules: [authenticate({ jwt: { keys } }), requirePermission('chat:basic')] });
 * const decision = await security.protect(request);
 * if (!decision.allowed) return new Response(decision.message, { status: decision.status, headers: decision.headers });
 * ```
 * @throws TypeError at construction when a rule is malformed.
 */
export function createSecurity(options: SecurityOptions): Security {
  if (!options || !Array.isArray(options.rules)) {
    throw new TypeError(
      'createSecurity: pass { rules: [...] }, an array of rules such as authenticate() and requirePermission().',
    );
  }
  for (const rule of options.rules) {
    if (!rule || typeof rule.evaluate !== 'function' || typeof rule.name !== 'string') {
      throw new TypeError(
        'createSecurity: every rule needs a name and an evaluate(ctx) function; build rules with the factories jaf-sec exports.',
      );
    }
  }
  const rules = Object.freeze([...options.rules]);
  const clock = options.clock ?? Date.now;
  const onDecision = options.onDecision;
  const monitor = options.monitor;
  if (
    monitor !== undefined &&
    (typeof monitor.begin !== 'function' || typeof monitor.end !== 'function')
  ) {
    throw new TypeError(
      'createSecurity: monitor needs begin() and end(decision, start), e.g. createOtelHooks({ api }).monitor.',
    );
  }
  // Called on every way out of run(), so the monitor costs no extra microtask.
  const finish = (decision: Decision, start: number): Decision => {
    if (monitor) {
      try {
        monitor.end(decision, start);
      } catch {
        // Telemetry must never change the outcome.
      }
    }
    return decision;
  };

  const protect = onDecision
    ? async (request: SecurityRequest): Promise<Decision> => {
        const decision = await run(request);
        try {
          await onDecision(decision, request);
        } catch {
          // Logging must never change the outcome.
        }
        return decision;
      }
    : run;

  async function run(request: SecurityRequest): Promise<Decision> {
    const headers: Record<string, string> = {};
    const results: RuleResult[] = [];
    let start = 0;
    if (monitor) {
      try {
        start = monitor.begin();
      } catch {
        // As in finish().
      }
    }
    const ctx = new Context(request, clock());
    const deny = (status: number, code: string, message: string): Decision =>
      finish(
        {
          allowed: false,
          status,
          code,
          message,
          headers,
          principal: ctx.principal,
          results,
          state: ctx.state,
        },
        start,
      );

    for (const rule of rules) {
      const dryRun = rule.dryRun === true;
      let outcome: RuleOutcome;
      try {
        const pending = rule.evaluate(ctx);
        // Most rules decide synchronously; awaiting only real promises saves a tick per rule.
        outcome = isPromise(pending) ? await pending : pending;
      } catch (error) {
        if (error === BAD_URL) return deny(400, 'BAD_REQUEST_URL', 'Bad request.');
        results.push({ rule: rule.name, conclusion: 'error', code: 'RULE_FAILED', dryRun });
        if (rule.onError === 'allow' || dryRun) continue;
        return deny(503, 'RULE_FAILED', 'Service temporarily unavailable.');
      }
      if (outcome.headers) Object.assign(headers, outcome.headers);
      const conclusion = outcome.conclusion;
      const code = outcome.code ?? (conclusion === 'allow' ? 'ALLOWED' : 'SKIPPED');
      results.push({
        rule: rule.name,
        conclusion,
        code,
        dryRun,
        status: conclusion === 'deny' || conclusion === 'respond' ? outcome.status : undefined,
        details: outcome.details,
      });
      if (conclusion === 'allow') {
        if (outcome.principal) ctx.principal = outcome.principal;
        continue;
      }
      if (conclusion === 'skip' || dryRun) continue;
      return deny(outcome.status, code, conclusion === 'deny' ? outcome.message : '');
    }
    return finish(
      {
        allowed: true,
        status: ALLOWED_STATUS,
        code: 'ALLOWED',
        message: '',
        headers,
        principal: ctx.principal,
        results,
        state: ctx.state,
      },
      start,
    );
  }

  return {
    protect,
    rules,
    with: (...extra: Rule[]) => createSecurity({ ...options, rules: [...rules, ...extra] }),
  };
}
