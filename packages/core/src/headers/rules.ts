import type { Rule, RuleOutcome } from '../protect/types.js';
import { type CorsOptions, createCors } from './cors.js';
import { type CsrfOptions, createCsrfProtection } from './csrf.js';
import {
  createCspNonce,
  type SecurityHeadersOptions,
  securityHeaders,
} from './security-headers.js';

/** Options of {@link securityHeadersRule}. */
export interface SecurityHeadersRuleOptions extends SecurityHeadersOptions {
  /**
   * Whether responses go over https (for HSTS and `upgrade-insecure-requests`): `'auto'`
   * reads the request URL's scheme (default); `true` when TLS ends at a proxy in front and
   * the site is https-only.
   */
  readonly secure?: 'auto' | boolean | undefined;
  readonly dryRun?: boolean | undefined;
}

/**
 * A protect rule that sets the security headers on every response (denials included) and,
 * when the CSP uses nonces, publishes a fresh nonce as `decision.state.cspNonce`.
 *
 * @param options - as for `securityHeaders`, plus `secure`.
 * @returns a Rule named `security-headers` (always allows).
 * @throws TypeError on a bad option (see `securityHeaders`).
 * @example
 * ```ts
 * const security = createSecurity({ rules: [securityHeadersRule({ contentSecurityPolicy: { nonce: true } })] });
 * // in the handler: `<script nonce="${decision.state.cspNonce}">`
 * ```
 */
export function securityHeadersRule(options: SecurityHeadersRuleOptions = {}): Rule {
  const headers = securityHeaders(options);
  const secure = options.secure ?? 'auto';
  return {
    name: 'security-headers',
    dryRun: options.dryRun,
    evaluate(ctx): RuleOutcome {
      const isSecure = secure === 'auto' ? ctx.url.protocol === 'https:' : secure;
      if (!headers.usesNonce) return { conclusion: 'allow', headers: headers.forRequest(isSecure) };
      const nonce = createCspNonce();
      ctx.state.cspNonce = nonce;
      return { conclusion: 'allow', headers: headers.forRequest(isSecure, nonce) };
    },
  };
}

/** Options of {@link corsRule}. */
export interface CorsRuleOptions extends CorsOptions {
  /**
   * Deny (403) a cross-origin request from an origin that is not allowed. Default true;
   * `false` lets it through without CORS headers (the browser then hides the response).
   */
  readonly rejectDisallowed?: boolean | undefined;
  readonly dryRun?: boolean | undefined;
}

/**
 * A protect rule for CORS: answers allowed preflights with 204 (`respond`), adds CORS
 * headers and `Vary: Origin` to allowed cross-origin requests, and denies the rest with
 * 403 and `CORS_ORIGIN_NOT_ALLOWED`, `CORS_METHOD_NOT_ALLOWED` or `CORS_HEADER_NOT_ALLOWED`.
 * Same-origin requests pass untouched.
 *
 * @param options - as for `createCors`, plus `rejectDisallowed`.
 * @returns a Rule named `cors`.
 * @throws TypeError on a refused configuration (`'*'` with credentials, `null` origin...).
 * @example
 * ```ts
 * corsRule({ origins: ['https://app.example.com'], credentials: true });
 * ```
 */
export function corsRule(options: CorsRuleOptions): Rule {
  const cors = createCors(options);
  const reject = options.rejectDisallowed !== false;
  return {
    name: 'cors',
    dryRun: options.dryRun,
    evaluate(ctx): RuleOutcome {
      const d = cors.decide({
        method: ctx.request.method,
        headers: ctx.request.headers,
        origin: ctx.url.origin,
      });
      switch (d.kind) {
        case 'preflight':
          return { conclusion: 'respond', status: 204, code: 'CORS_PREFLIGHT', headers: d.headers };
        case 'rejected':
          if (!reject) return { conclusion: 'allow', code: d.code, headers: d.headers };
          return {
            conclusion: 'deny',
            status: 403,
            code: d.code,
            message: 'Cross-origin request not allowed.',
            headers: d.headers,
          };
        default:
          return { conclusion: 'allow', headers: d.headers };
      }
    },
  };
}

/** Options of {@link csrfRule}. */
export interface CsrfRuleOptions extends CsrfOptions {
  readonly dryRun?: boolean | undefined;
}

/**
 * A protect rule against CSRF on unsafe requests that carry ambient credentials (cookies,
 * or HTTP Basic / Digest / Negotiate / NTLM authentication a browser resends), checked by
 * Sec-Fetch-Site and Origin; denies with 403 `CSRF_CROSS_ORIGIN`.
 *
 * @param options - as for `createCsrfProtection`.
 * @returns a Rule named `csrf`.
 * @example
 * ```ts
 * createSecurity({ rules: [csrfRule({ trustedOrigins: ['https://admin.example.com'] })] });
 * ```
 */
export function csrfRule(options: CsrfRuleOptions = {}): Rule {
  const csrf = createCsrfProtection(options);
  return {
    name: 'csrf',
    dryRun: options.dryRun,
    evaluate(ctx): RuleOutcome {
      const d = csrf.check({
        method: ctx.request.method,
        headers: ctx.request.headers,
        origin: ctx.url.origin,
      });
      if (d.ok) return d.checked ? { conclusion: 'allow' } : { conclusion: 'skip' };
      return { conclusion: 'deny', status: 403, code: d.code, message: d.message };
    },
  };
}
