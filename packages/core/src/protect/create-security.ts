import type {
  Decision,
  Principal,
  Rule,
  RuleContext,
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

  async function protect(request: SecurityRequest): Promise<Decision> {
    const decision = await run(request);
    if (onDecision) {
      try {
        await onDecision(decision, request);
      } catch {
        // Logging must never change the outcome.
      }
    }
    return decision;
  }

  async function run(request: SecurityRequest): Promise<Decision> {
    const headers: Record<string, string> = {};
    const results: RuleResult[] = [];
    const state: Record<string, unknown> = {};
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return {
        allowed: false,
        status: 400,
        code: 'BAD_REQUEST_URL',
        message: 'Bad request.',
        headers,
        principal: undefined,
        results,
        state,
      };
    }
    let principal: Principal | undefined;
    const ctx: RuleContext = {
      request,
      url,
      now: clock(),
      get principal() {
        return principal;
      },
      state,
    };

    for (const rule of rules) {
      const dryRun = rule.dryRun === true;
      let outcome: Awaited<ReturnType<Rule['evaluate']>>;
      try {
        outcome = await rule.evaluate(ctx);
      } catch {
        results.push({ rule: rule.name, conclusion: 'error', code: 'RULE_FAILED', dryRun });
        if (rule.onError === 'allow' || dryRun) continue;
        return {
          allowed: false,
          status: 503,
          code: 'RULE_FAILED',
          message: 'Service temporarily unavailable.',
          headers,
          principal,
          results,
          state,
        };
      }
      if (outcome.headers) Object.assign(headers, outcome.headers);
      const code = outcome.code ?? (outcome.conclusion === 'allow' ? 'ALLOWED' : 'SKIPPED');
      results.push({
        rule: rule.name,
        conclusion: outcome.conclusion,
        code,
        dryRun,
        status:
          outcome.conclusion === 'deny' || outcome.conclusion === 'respond'
            ? outcome.status
            : undefined,
        details: outcome.details,
      });
      if (outcome.conclusion === 'allow') {
        if (outcome.principal) principal = outcome.principal;
        continue;
      }
      if (outcome.conclusion === 'skip' || dryRun) continue;
      return {
        allowed: false,
        status: outcome.status,
        code,
        message: outcome.conclusion === 'deny' ? outcome.message : '',
        headers,
        principal,
        results,
        state,
      };
    }
    return {
      allowed: true,
      status: ALLOWED_STATUS,
      code: 'ALLOWED',
      message: '',
      headers,
      principal,
      results,
      state,
    };
  }

  return {
    protect,
    rules,
    with: (...extra: Rule[]) => createSecurity({ ...options, rules: [...rules, ...extra] }),
  };
}
