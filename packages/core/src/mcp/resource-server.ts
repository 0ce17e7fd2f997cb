import type { TokenClaims, TokenResult } from '../tokens/token-types.js';

/**
 * Why an MCP request was refused (MCP authorization 2025-06-18, RFC 6750, RFC 9728). Stable.
 *
 * | code | status | OAuth error | meaning |
 * |---|---|---|---|
 * | `MCP_TOKEN_MISSING` | 401 | (none) | no bearer token: the client should start authorization |
 * | `MCP_TOKEN_IN_QUERY` | 400 | `invalid_request` | a token in the URL query (MCP forbids it) |
 * | `MCP_REQUEST_MALFORMED` | 400 | `invalid_request` | a malformed or repeated Authorization header |
 * | `MCP_TOKEN_INVALID` | 401 | `invalid_token` | the token does not verify (signature, expiry, ...) |
 * | `MCP_AUDIENCE_INVALID` | 401 | `invalid_token` | the token was not issued for this server (RFC 8707) |
 * | `MCP_INSUFFICIENT_SCOPE` | 403 | `insufficient_scope` | a required scope is missing |
 */
export type McpAuthErrorCode =
  | 'MCP_TOKEN_MISSING'
  | 'MCP_TOKEN_IN_QUERY'
  | 'MCP_REQUEST_MALFORMED'
  | 'MCP_TOKEN_INVALID'
  | 'MCP_AUDIENCE_INVALID'
  | 'MCP_INSUFFICIENT_SCOPE';

/**
 * The canonical form of a resource URI (RFC 8707, MCP authorization): lower-case scheme and
 * host, no default port, no trailing slash on an empty path, path kept as is. Undefined when
 * it is not an absolute https URI (http only for loopback), or has a fragment.
 */
export function canonicalResourceUri(uri: string): string | undefined {
  if (typeof uri !== 'string' || uri.length > 2048 || uri.includes('#')) return undefined;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return undefined;
  }
  const loopback =
    u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) return undefined;
  if (u.username !== '' || u.password !== '') return undefined;
  // The URL parser already lower-cases scheme and host and drops the default port.
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${u.protocol}//${u.host}${path}${u.search}`;
}

/** Options of {@link protectedResourceMetadata}. */
export interface ProtectedResourceOptions {
  /** This server's resource URI (e.g. `https://mcp.example.com/mcp`). */
  readonly resource: string;
  /** Issuer URLs of the authorization servers that issue tokens for it. */
  readonly authorizationServers: readonly string[];
  readonly scopesSupported?: readonly string[] | undefined;
  readonly resourceName?: string | undefined;
  readonly resourceDocumentation?: string | undefined;
}

/** The RFC 9728 metadata document, and where it is served. */
export interface ProtectedResourceMetadata {
  /** The JSON body. */
  readonly document: Readonly<Record<string, unknown>>;
  /** The well-known path (RFC 9728 section 3.1), e.g. `/.well-known/oauth-protected-resource/mcp`. */
  readonly path: string;
  /** The absolute URL of the document: put it in `WWW-Authenticate` (`resource_metadata`). */
  readonly url: string;
}

/**
 * Builds the OAuth 2.0 Protected Resource Metadata (RFC 9728) an MCP server must publish,
 * with its well-known path: the resource path is appended to
 * `/.well-known/oauth-protected-resource`.
 *
 * @throws TypeError when the resource is not a canonical https URI or no authorization server is given.
 * @example
 * ```ts
 * const meta = protectedResourceMetadata({ resource: 'https://mcp.example.com/mcp', authorizationServers: ['https://auth.example.com'] });
 * app.get(meta.path, (_req, res) => res.json(meta.document));
 * ```
 */
export function protectedResourceMetadata(
  options: ProtectedResourceOptions,
): ProtectedResourceMetadata {
  const resource = canonicalResourceUri(options?.resource);
  if (resource === undefined) {
    throw new TypeError(
      'protectedResourceMetadata: resource must be an absolute https URI without a fragment',
    );
  }
  const servers = options.authorizationServers;
  if (
    !Array.isArray(servers) ||
    servers.length === 0 ||
    !servers.every((s) => canonicalResourceUri(s) !== undefined)
  ) {
    throw new TypeError(
      'protectedResourceMetadata: authorizationServers must list at least one https issuer URL',
    );
  }
  const document: Record<string, unknown> = {
    resource,
    authorization_servers: [...servers],
    bearer_methods_supported: ['header'],
  };
  if (options.scopesSupported !== undefined)
    document.scopes_supported = [...options.scopesSupported];
  if (options.resourceName !== undefined) document.resource_name = options.resourceName;
  if (options.resourceDocumentation !== undefined)
    document.resource_documentation = options.resourceDocumentation;
  const u = new URL(resource);
  const path = `/.well-known/oauth-protected-resource${u.pathname === '/' ? '' : u.pathname}`;
  return { document: Object.freeze(document), path, url: `${u.origin}${path}` };
}

/** A quoted-string (RFC 9110) value: quotes and backslashes escaped, controls dropped. */
const quote = (v: string) =>
  `"${v.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f]/g, '')}"`;

/**
 * The `WWW-Authenticate` value of a refusal (RFC 6750 section 3, RFC 9728 section 5.1):
 * `Bearer resource_metadata="..."`, plus `error`, `error_description` and `scope` when given.
 */
export function wwwAuthenticate(challenge: {
  readonly resourceMetadataUrl: string;
  readonly error?: string | undefined;
  readonly errorDescription?: string | undefined;
  readonly scope?: string | undefined;
}): string {
  const parts = [`resource_metadata=${quote(challenge.resourceMetadataUrl)}`];
  if (challenge.error !== undefined) parts.push(`error=${quote(challenge.error)}`);
  if (challenge.errorDescription !== undefined)
    parts.push(`error_description=${quote(challenge.errorDescription)}`);
  if (challenge.scope !== undefined) parts.push(`scope=${quote(challenge.scope)}`);
  return `Bearer ${parts.join(', ')}`;
}

/** The structural verifier the guard uses (a `createTokenVerifier` verifier fits). */
export interface McpTokenVerifier {
  verify(token: string): Promise<TokenResult>;
}

/** The parts of a request the guard reads. */
export interface McpRequest {
  /** The request URL (absolute or path with query). */
  readonly url: string;
  /** Headers: a plain object (Node) or anything with `get` (Fetch `Headers`). */
  readonly headers:
    | Readonly<Record<string, string | readonly string[] | undefined>>
    | { get(name: string): string | null };
}

/** A refusal with the HTTP answer to send. */
export interface McpRefusal {
  readonly status: 400 | 401 | 403;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<{ error?: string; error_description?: string }>;
}

/** What the guard gives: the verified token, or a refusal with its HTTP answer. */
export type McpAuthResult =
  | {
      readonly ok: true;
      readonly value: { readonly claims: TokenClaims; readonly scopes: readonly string[] };
    }
  | {
      readonly ok: false;
      readonly error: { readonly code: McpAuthErrorCode; readonly message: string };
      readonly response: McpRefusal;
    };

/** Options of {@link createMcpTokenGuard}. */
export interface McpTokenGuardOptions {
  /** This server's canonical resource URI; the token's `aud` must name it (RFC 8707). */
  readonly resource: string;
  /** Verifies signature, expiry and issuer; leave its `audience` unset (the guard checks it). */
  readonly verifier: McpTokenVerifier;
  /** The metadata URL for the challenge (from {@link protectedResourceMetadata}). */
  readonly resourceMetadataUrl: string;
  /** Scopes every request needs. */
  readonly requiredScopes?: readonly string[] | undefined;
}

/**
 * Creates the token guard of an MCP server acting as an OAuth resource server (MCP
 * authorization 2025-06-18): bearer token from the Authorization header only (a token in the
 * query string is refused), audience checked against this server's canonical resource URI,
 * scopes checked, and every refusal answered with the right status, `WWW-Authenticate`
 * challenge and body.
 *
 * @throws TypeError when `resource` is not a canonical https URI or no verifier is given.
 * @example
 * ```ts
 * const guard = createMcpTokenGuard({ resource: meta.document.resource as string, verifier, resourceMetadataUrl: meta.url });
 * const auth = await guard.check({ url: req.url, headers: req.headers });
 * if (!auth.ok) return res.status(auth.response.status).set(auth.response.headers).json(auth.response.body);
 * ```
 */
export function createMcpTokenGuard(options: McpTokenGuardOptions) {
  const resource = canonicalResourceUri(options?.resource);
  if (resource === undefined)
    throw new TypeError(
      'createMcpTokenGuard: resource must be an absolute https URI without a fragment',
    );
  if (typeof options.verifier?.verify !== 'function')
    throw new TypeError('createMcpTokenGuard needs a verifier (createTokenVerifier)');
  if (typeof options.resourceMetadataUrl !== 'string')
    throw new TypeError('createMcpTokenGuard needs resourceMetadataUrl');
  const required = [...(options.requiredScopes ?? [])];
  const metadata = options.resourceMetadataUrl;

  const refuse = (
    code: McpAuthErrorCode,
    message: string,
    status: 400 | 401 | 403,
    error?: string,
    scope?: string,
  ): McpAuthResult => {
    const body: { error?: string; error_description?: string } = {};
    if (error !== undefined) {
      body.error = error;
      body.error_description = message;
    }
    return {
      ok: false,
      error: { code, message },
      response: {
        status,
        headers: {
          'www-authenticate': wwwAuthenticate({
            resourceMetadataUrl: metadata,
            error,
            errorDescription: error === undefined ? undefined : message,
            scope,
          }),
          'cache-control': 'no-store',
        },
        body,
      },
    };
  };

  function header(req: McpRequest, name: string): string | readonly string[] | undefined {
    const h = req.headers as { get?: unknown };
    if (typeof h.get === 'function')
      return (h.get as (n: string) => string | null).call(req.headers, name) ?? undefined;
    const record = req.headers as Record<string, string | readonly string[] | undefined>;
    for (const key of Object.keys(record)) if (key.toLowerCase() === name) return record[key];
    return undefined;
  }

  async function check(req: McpRequest): Promise<McpAuthResult> {
    try {
      const query = new URL(req.url, 'http://x').searchParams;
      if (query.has('access_token')) {
        return refuse(
          'MCP_TOKEN_IN_QUERY',
          'Access tokens must be sent in the Authorization header.',
          400,
          'invalid_request',
        );
      }
      const raw = header(req, 'authorization');
      if (raw === undefined || raw === '')
        return refuse('MCP_TOKEN_MISSING', 'Authorization required.', 401);
      if (typeof raw !== 'string' || raw.includes(',')) {
        return refuse(
          'MCP_REQUEST_MALFORMED',
          'Send exactly one Authorization header.',
          400,
          'invalid_request',
        );
      }
      const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(raw);
      if (m === null) {
        return /^bearer\b/i.test(raw)
          ? refuse(
              'MCP_REQUEST_MALFORMED',
              'The bearer token is malformed.',
              400,
              'invalid_request',
            )
          : refuse('MCP_TOKEN_MISSING', 'Authorization required.', 401);
      }
      const verified = await options.verifier.verify(m[1]!);
      if (!verified.ok)
        return refuse(
          'MCP_TOKEN_INVALID',
          'The access token is invalid or expired.',
          401,
          'invalid_token',
        );
      const claims = verified.value.claims;
      const aud =
        typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
      if (!aud.some((a) => typeof a === 'string' && canonicalResourceUri(a) === resource)) {
        return refuse(
          'MCP_AUDIENCE_INVALID',
          'The access token was not issued for this server.',
          401,
          'invalid_token',
        );
      }
      const scopes =
        typeof claims.scope === 'string'
          ? claims.scope.split(' ').filter((s) => s.length > 0)
          : Array.isArray(claims.scp)
            ? (claims.scp as unknown[]).filter((s): s is string => typeof s === 'string')
            : [];
      const missing = required.filter((s) => !scopes.includes(s));
      if (missing.length > 0) {
        return refuse(
          'MCP_INSUFFICIENT_SCOPE',
          'The access token lacks a required scope.',
          403,
          'insufficient_scope',
          required.join(' '),
        );
      }
      return { ok: true, value: { claims, scopes } };
    } catch {
      return refuse(
        'MCP_REQUEST_MALFORMED',
        'The request could not be read.',
        400,
        'invalid_request',
      );
    }
  }

  return { check };
}

/** The guard {@link createMcpTokenGuard} returns. */
export type McpTokenGuard = ReturnType<typeof createMcpTokenGuard>;
