import type { ApiKeyErrorCode } from '../../keys/api-key-errors.js';
import { API_KEY_MESSAGES } from '../../keys/api-key-errors.js';
import {
  type ApiKeyResult,
  type ApiKeyVerifier,
  type ApiKeyVerifierOptions,
  createApiKeyVerifier,
} from '../../keys/verify-api-key.js';
import type { RoleSet } from '../../rbac/define-roles.js';
import {
  createTokenVerifier,
  type TokenVerifier,
  type TokenVerifierOptions,
} from '../../tokens/create-token-verifier.js';
import { TOKEN_ERROR_MESSAGES } from '../../tokens/token-failures.js';
import type { TokenClaims, TokenErrorCode, TokenResult } from '../../tokens/token-types.js';
import { OUTAGE_CODES } from '../outage-codes.js';
import type { Principal, Rule, RuleContext, RuleOutcome } from '../types.js';

/**
 * Codes the `authenticate` rule adds to those of tokens ({@link TokenErrorCode}) and API
 * keys ({@link ApiKeyErrorCode}):
 *
 * - `AUTH_MISSING` (401) — no credential at all.
 * - `AUTH_MALFORMED` (401) — an `Authorization` header that is not `Bearer <token>`.
 * - `AUTH_MULTIPLE_CREDENTIALS` (401) — both a bearer token and an API key were sent.
 * - `AUTH_SUBJECT_MISSING` (401) — a valid token with neither `sub` nor `user_id`.
 */
export type AuthErrorCode =
  | 'AUTH_MISSING'
  | 'AUTH_MALFORMED'
  | 'AUTH_MULTIPLE_CREDENTIALS'
  | 'AUTH_SUBJECT_MISSING';

/** API key authentication: where the key comes from and how it is checked. */
export interface AuthenticateApiKeyOptions extends Omit<ApiKeyVerifierOptions, 'clock'> {
  /** Request header carrying the key. Default `x-api-key`. */
  readonly header?: string | undefined;
}

/** Options of {@link authenticate}. At least one of `jwt` and `apiKey` is required. */
export interface AuthenticateOptions {
  /** Bearer JWTs: a verifier from `createTokenVerifier`, or its options (imported once here). */
  readonly jwt?: TokenVerifier | TokenVerifierOptions | undefined;
  /** API keys in a header (default `x-api-key`), verified against a KeyStore. */
  readonly apiKey?: AuthenticateApiKeyOptions | undefined;
  /**
   * Roles: a token's `roles` claim is expanded through these roles into
   * `principal.permissions` (for the handler). Pass the same set to `requirePermission` so
   * role denials are honoured.
   */
  readonly rbac?: RoleSet | undefined;
  /** When no credential is sent, continue without a principal instead of denying. Bad credentials are still denied. */
  readonly optional?: boolean | undefined;
  /** `realm` of the `WWW-Authenticate` challenge. Default `api`. */
  readonly realm?: string | undefined;
  /** Decide and report, but never block. */
  readonly dryRun?: boolean | undefined;
  /** Rule name in decisions. Default `authenticate`. */
  readonly name?: string | undefined;
}

const AUTH_MESSAGES: Readonly<Record<AuthErrorCode, string>> = {
  AUTH_MISSING: 'Authentication required.',
  AUTH_MALFORMED: 'The Authorization header must read "Bearer <token>".',
  AUTH_MULTIPLE_CREDENTIALS: 'Send one credential: a bearer token or an API key, not both.',
  AUTH_SUBJECT_MISSING: 'The token does not name a subject.',
};

function isTokenVerifier(value: unknown): value is TokenVerifier {
  return typeof (value as TokenVerifier | undefined)?.verify === 'function';
}

function quoted(text: string): string {
  // A quoted-string per RFC 9110; the values here are fixed strings, never client input.
  return `"${text.replace(/["\\]/g, '')}"`;
}

/**
 * Position just after `Bearer` + spaces when the header uses the Bearer scheme
 * (case-insensitive, RFC 9110 11.1), else -1.
 */
function bearerStart(header: string): number {
  if (header.length < 8) return -1;
  // Compare `bearer` case-insensitively without allocating (| 32 lower-cases ASCII letters).
  for (let i = 0; i < 6; i++) {
    if ((header.charCodeAt(i) | 32) !== BEARER.charCodeAt(i)) return -1;
  }
  if (header.charCodeAt(6) !== 32) return -1;
  let i = 7;
  while (i < header.length && header.charCodeAt(i) === 32) i++;
  return i < header.length ? i : -1;
}

const BEARER = 'bearer';

/**
 * A rule that authenticates the caller by a bearer JWT (`Authorization: Bearer <jwt>`)
 * and/or an API key header (`x-api-key: <key>` by default), and sets the principal:
 * from a JWT, id = `sub` (or `user_id`), permissions = the `permissions` claim (plus the
 * `roles` claim expanded through `rbac`), roles = the `roles` claim; from an API key,
 * id = the key's owner, permissions = its scopes.
 *
 * API keys are read only from their own header, never from `Authorization`, so a JWT is
 * never looked up in the key store nor a key handed to the JWT verifier. A request that
 * carries both is refused (`AUTH_MULTIPLE_CREDENTIALS`) rather than guessing which counts.
 *
 * Denials: 401 with `WWW-Authenticate: Bearer realm="api"` (plus `error="invalid_token"`
 * when a credential was refused) and the specific code — `AUTH_MISSING`, `AUTH_MALFORMED`,
 * `AUTH_MULTIPLE_CREDENTIALS`, `AUTH_SUBJECT_MISSING`, any {@link TokenErrorCode} or
 * {@link ApiKeyErrorCode}; 503 for `JWKS_UNAVAILABLE`, `TOKEN_REVOCATION_UNAVAILABLE` and
 * `API_KEY_STORE_UNAVAILABLE`. Messages are fixed strings: the credential is never echoed.
 *
 * @param options - `jwt` and/or `apiKey`, plus `rbac`, `optional`, `realm`, `dryRun`, `name`.
 * @returns A {@link Rule} for `createSecurity`.
 * @throws TypeError at construction when neither `jwt` nor `apiKey` is given, or their
 *   options are invalid.
 * @example
 * ```ts
 * const security = createSecurity({
 *   rules: [
 *     authenticate({ jwt: { keys: [{ alg: 'HS256', secret }] }, apiKey: { store } }),
 *     requirePermission('chat:basic'),
 *   ],
 * });
 * ```
 */
export function authenticate(options: AuthenticateOptions): Rule {
  if (!options || (options.jwt === undefined && options.apiKey === undefined)) {
    throw new TypeError(
      'authenticate: pass { jwt } (a TokenVerifier or its options), { apiKey: { store } }, or both.',
    );
  }
  const tokens: TokenVerifier | undefined =
    options.jwt === undefined
      ? undefined
      : isTokenVerifier(options.jwt)
        ? options.jwt
        : createTokenVerifier(options.jwt);
  // Bound once: the synchronous form, when the verifier offers one.
  const verifySync = tokens?.verifySync?.bind(tokens);
  let keys: ApiKeyVerifier | undefined;
  let keyHeader = 'x-api-key';
  if (options.apiKey !== undefined) {
    const { header, ...verifierOptions } = options.apiKey;
    if (header !== undefined) {
      if (typeof header !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(header)) {
        throw new TypeError(
          "authenticate: apiKey.header must be a header name such as 'x-api-key'.",
        );
      }
      if (header.toLowerCase() === 'authorization') {
        throw new TypeError(
          'authenticate: apiKey.header cannot be Authorization; it carries bearer tokens. Use a dedicated header such as x-api-key.',
        );
      }
      keyHeader = header.toLowerCase();
    }
    keys = createApiKeyVerifier(verifierOptions);
  }
  const rbac = options.rbac;
  const optional = options.optional === true;
  const realm = options.realm ?? 'api';
  if (typeof realm !== 'string' || realm.length === 0) {
    throw new TypeError("authenticate: realm must be a non-empty string such as 'api'.");
  }
  const challenge = { 'www-authenticate': `Bearer realm=${quoted(realm)}` };
  const challengeFor = (description: string) => ({
    'www-authenticate': `Bearer realm=${quoted(realm)}, error="invalid_token", error_description=${quoted(description)}`,
  });

  const deny = (
    code: AuthErrorCode | TokenErrorCode | ApiKeyErrorCode,
    message: string,
    headers: Readonly<Record<string, string>>,
    status = 401,
  ): RuleOutcome => ({ conclusion: 'deny', status, code, message, headers });

  const missing: RuleOutcome = optional
    ? { conclusion: 'skip', code: 'AUTH_MISSING' }
    : deny('AUTH_MISSING', AUTH_MESSAGES.AUTH_MISSING, challenge);

  // A client sends the same token with each request, and the verifier hands back the same
  // frozen result for it: the outcome built from the last one is reused (frozen too, so no
  // request can change what the next one sees). Results that are not frozen, e.g. from a
  // claims schema or a hand-written verifier, are never reused.
  let lastResult: TokenResult | undefined;
  let lastOutcome: RuleOutcome | undefined;

  // Plain callbacks on the verifiers' promises rather than async wrappers: one promise
  // fewer per request on the hot path.
  function onToken(result: TokenResult): RuleOutcome {
    if (result === lastResult) return lastOutcome!;
    if (!result.ok) {
      const code = result.error.code;
      // Our own fixed text per code, whatever message the verifier produced.
      const message = TOKEN_ERROR_MESSAGES[code] ?? 'token is invalid';
      if (OUTAGE_CODES.has(code)) return deny(code, message, {}, 503);
      return deny(code, message, challengeFor(message));
    }
    const claims: TokenClaims = result.value.claims;
    const id = typeof claims.sub === 'string' && claims.sub ? claims.sub : claims.user_id;
    if (typeof id !== 'string' || id.length === 0) {
      return deny(
        'AUTH_SUBJECT_MISSING',
        AUTH_MESSAGES.AUTH_SUBJECT_MISSING,
        challengeFor(AUTH_MESSAGES.AUTH_SUBJECT_MISSING),
      );
    }
    const granted = Array.isArray(claims.permissions) ? claims.permissions : [];
    const roles = Array.isArray(claims.roles) ? claims.roles : undefined;
    const principal: Principal = {
      id,
      kind: 'jwt',
      permissions: rbac && roles ? rbac.expand(roles, granted) : granted,
      roles,
      attributes: claims,
    };
    const outcome: RuleOutcome = { conclusion: 'allow', code: 'AUTHENTICATED', principal };
    if (Object.isFrozen(result) && Object.isFrozen(result.value) && Object.isFrozen(claims)) {
      Object.freeze(principal.permissions);
      Object.freeze(principal);
      lastResult = result;
      lastOutcome = Object.freeze(outcome);
    }
    return outcome;
  }

  function onApiKey(result: ApiKeyResult): RuleOutcome {
    if (!result.ok) {
      const { code } = result.error;
      const message = API_KEY_MESSAGES[code];
      if (code === 'API_KEY_INSUFFICIENT_PERMISSIONS') return deny(code, message, {}, 403);
      if (OUTAGE_CODES.has(code)) return deny(code, message, {}, 503);
      return deny(code, message, challengeFor(message));
    }
    const k = result.value;
    const principal: Principal = {
      id: k.owner,
      kind: 'api_key',
      permissions: k.scopes,
      attributes: {
        keyId: k.id,
        hint: k.hint,
        environment: k.environment,
        remainingUses: k.remainingUses,
        usageCount: k.usageCount,
        metadata: k.metadata,
      },
    };
    return { conclusion: 'allow', code: 'AUTHENTICATED', principal };
  }

  return {
    name: options.name ?? 'authenticate',
    dryRun: options.dryRun === true,
    evaluate(ctx: RuleContext): RuleOutcome | Promise<RuleOutcome> {
      const headers = ctx.request.headers;
      const authorization = tokens ? headers.get('authorization') : null;
      const key = keys ? headers.get(keyHeader) : null;
      if (authorization !== null && authorization !== '') {
        if (key !== null && key !== '') {
          return deny(
            'AUTH_MULTIPLE_CREDENTIALS',
            AUTH_MESSAGES.AUTH_MULTIPLE_CREDENTIALS,
            challengeFor(AUTH_MESSAGES.AUTH_MULTIPLE_CREDENTIALS),
          );
        }
        const start = bearerStart(authorization);
        if (start < 0) {
          return deny(
            'AUTH_MALFORMED',
            AUTH_MESSAGES.AUTH_MALFORMED,
            challengeFor(AUTH_MESSAGES.AUTH_MALFORMED),
          );
        }
        const token = authorization.slice(start);
        const callOptions = { now: ctx.now };
        // HMAC tokens without a revocation lookup are answered without a promise, so the
        // pipeline goes on to the next rule in the same tick.
        const settled = verifySync?.(token, callOptions);
        if (settled !== undefined) return onToken(settled);
        return tokens!.verify(token, callOptions).then(onToken);
      }
      if (key !== null && key !== '') return keys!.verify(key, { now: ctx.now }).then(onApiKey);
      return missing;
    },
  };
}
