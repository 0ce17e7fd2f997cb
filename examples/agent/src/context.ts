// Everything the example servers share: the agent, the credentials it accepts, and one
// jaf-sec pipeline per kind of route. Stores are in memory (bounded); swap in @jaf-sec/redis
// stores to run more than one process.
import { createMessageSchema, validateBody } from '@jaf-sec/core/input';
import {
  type ApiKeyRecord,
  createMemoryKeyStore,
  hashApiKey,
  issueApiKey,
  parseApiKey,
} from '@jaf-sec/core/keys';
import {
  authenticate,
  createSecurity,
  requirePermission,
  type Security,
} from '@jaf-sec/core/protect';
import { createTokenIssuer, type TokenClaims } from '@jaf-sec/core/tokens';
import { type AgentService, createAgentService } from './agent-service';
import type { RouteGuard } from './handlers';

/** Token issuer and audience of the example. */
export const EXAMPLE_ISSUER = 'https://auth.example.test';
export const EXAMPLE_AUDIENCE = 'agent-api';
/** The owner and scope of the service API key. */
export const SERVICE_OWNER = 'svc-agent-runner';
export const SERVICE_SCOPE = 'agent:process';

/** Options of {@link createAgentContext}. */
export interface AgentContextOptions {
  /** HS256 secret, at least 32 bytes. Default: 32 random bytes (tokens die with the process). */
  readonly jwtSecret?: string | undefined;
  /** An API key to accept for the service owner (e.g. from the environment). Default: a new one. */
  readonly apiKey?: string | undefined;
  /** Clock for every pipeline and token, ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/** What every example server is built from. */
export interface AgentContext {
  readonly agent: AgentService;
  /** One pipeline per route guard. */
  readonly security: Readonly<Record<RouteGuard, Security>>;
  /** Signs a token for this server (HS256, 1 h unless `expiresIn` says otherwise). */
  issueToken(claims: TokenClaims, options?: { now?: number; expiresIn?: number }): Promise<string>;
  /** The API key this server accepts for {@link SERVICE_OWNER} with {@link SERVICE_SCOPE}. */
  readonly apiKey: string;
}

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Builds the example's agent, credentials and pipelines:
 * - `chat`: a bearer JWT with `chat:basic`, and a body that is an agent message
 *   (`{ content, type: 'text' }`, checked by `validateBody` on the raw bytes);
 * - `chatAdvanced`: the same, plus `chat:advanced` checked in dry-run (reported, not enforced);
 * - `process`: an API key (`x-api-key`) with the `agent:process` scope;
 * - `admin`: a bearer JWT with `agent:manage`.
 *
 * @example
 * ```ts
 * const ctx = await createAgentContext();
 * const token = await ctx.issueToken({ sub: 'user-1', permissions: ['chat:basic'] });
 * ```
 */
export async function createAgentContext(options: AgentContextOptions = {}): Promise<AgentContext> {
  const clock = options.clock ?? Date.now;
  const secret = options.jwtSecret ?? randomSecret();
  const key = { alg: 'HS256' as const, kid: 'example-1', secret };
  const issuer = createTokenIssuer({
    key,
    issuer: EXAMPLE_ISSUER,
    audience: EXAMPLE_AUDIENCE,
    clock,
  });

  const store = createMemoryKeyStore();
  let apiKey: string;
  if (options.apiKey === undefined) {
    apiKey = (
      await issueApiKey(store, {
        owner: SERVICE_OWNER,
        scopes: [SERVICE_SCOPE],
        environment: 'test',
        now: clock(),
      })
    ).key;
  } else {
    apiKey = options.apiKey;
    const parsed = parseApiKey(apiKey);
    if (!parsed.ok)
      throw new TypeError('createAgentContext: apiKey is not a well-formed jaf-sec API key.');
    const record: ApiKeyRecord = {
      id: 'key_example',
      hash: hashApiKey(apiKey),
      owner: SERVICE_OWNER,
      scopes: [SERVICE_SCOPE],
      prefix: parsed.value.prefix,
      environment: parsed.value.environment,
      hint: '',
      createdAt: clock(),
      usageCount: 0,
    };
    await store.put(record, clock());
  }

  const jwt = authenticate({
    jwt: { keys: [key], issuer: EXAMPLE_ISSUER, audience: EXAMPLE_AUDIENCE, clock },
  });
  const service = authenticate({ apiKey: { store } });
  // Chat bodies are agent messages, checked on the raw bytes (size, depth, UTF-8, shape)
  // before any handler parses them; the handler then reads the same bytes again.
  const message = validateBody({
    schema: createMessageSchema({ maxLength: 4000, types: ['text'] }),
  });
  const pipeline = (...rules: Parameters<typeof createSecurity>[0]['rules']) =>
    createSecurity({ rules, clock });

  return {
    agent: createAgentService({ clock }),
    security: {
      chat: pipeline(jwt, requirePermission('chat:basic'), message),
      chatAdvanced: pipeline(
        jwt,
        requirePermission('chat:basic'),
        requirePermission('chat:advanced', { dryRun: true }),
        message,
      ),
      process: pipeline(service, requirePermission(SERVICE_SCOPE)),
      admin: pipeline(jwt, requirePermission('agent:manage')),
    },
    issueToken: (claims, callOptions) => issuer.issue(claims, callOptions),
    apiKey,
  };
}
