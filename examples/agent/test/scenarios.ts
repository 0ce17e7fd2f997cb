// THE scenario table: one list of requests and expected outcomes, run unchanged against every
// adapter (Express, Fastify, Hono, Next.js, and the plain fetch handler) in real servers.

/** Which credential a scenario sends. */
export type CredentialKind =
  | 'none'
  | 'malformedToken'
  | 'foreignToken' // signed with another secret
  | 'expiredToken'
  | 'tokenWithoutPermission'
  | 'userToken'
  | 'adminToken'
  | 'apiKey'
  | 'corruptApiKey' // one character changed: fails the checksum offline
  | 'unknownApiKey'; // well-formed, never issued

export interface Scenario {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly credential: CredentialKind;
  /** JSON-encoded when an object; sent as is when a string. */
  readonly body?: unknown;
  readonly status: number;
  /** The error code of a denial. */
  readonly code?: string;
  /** The principal id the handler saw (allowed requests). */
  readonly principal?: string;
  readonly principalKind?: string;
  /** The agent's reply: proves the handler parsed the body a rule had already read. */
  readonly reply?: string;
  /** Would-be denials of dry-run rules, reported by the handler. */
  readonly dryRunDenials?: readonly string[];
}

const chat = { content: 'Hello, agent', type: 'text' };

// biome-ignore format: a table reads best one scenario per line
export const SCENARIOS: readonly Scenario[] = [
  { name: 'no credentials → 401', method: 'POST', path: '/chat', credential: 'none', body: chat, status: 401, code: 'AUTH_MISSING' },
  { name: 'malformed token → 401', method: 'POST', path: '/chat', credential: 'malformedToken', body: chat, status: 401, code: 'TOKEN_MALFORMED' },
  { name: 'token signed with another key → 401', method: 'POST', path: '/chat', credential: 'foreignToken', body: chat, status: 401, code: 'TOKEN_SIGNATURE_INVALID' },
  { name: 'expired token → 401 TOKEN_EXPIRED', method: 'POST', path: '/chat', credential: 'expiredToken', body: chat, status: 401, code: 'TOKEN_EXPIRED' },
  { name: 'valid JWT without chat:basic → 403', method: 'POST', path: '/chat', credential: 'tokenWithoutPermission', body: chat, status: 403, code: 'INSUFFICIENT_PERMISSIONS' },
  { name: 'valid JWT with chat:basic → 200, handler sees the user and the body', method: 'POST', path: '/chat', credential: 'userToken', body: chat, status: 200, principal: 'user-1', principalKind: 'jwt', reply: 'You said: Hello, agent' },
  { name: 'body that is not an agent message → 400 (a rule read the body)', method: 'POST', path: '/chat', credential: 'userToken', body: { message: 'hi' }, status: 400, code: 'BODY_SCHEMA_INVALID' },
  { name: 'body that is not JSON → 400', method: 'POST', path: '/chat', credential: 'userToken', body: '{"content": ', status: 400, code: 'BODY_INVALID_JSON' },
  { name: 'admin route with a user JWT → 403', method: 'GET', path: '/admin/agents', credential: 'userToken', status: 403, code: 'INSUFFICIENT_PERMISSIONS' },
  { name: 'admin route with agent:manage → 200', method: 'GET', path: '/admin/agents', credential: 'adminToken', status: 200, principal: 'admin-1', principalKind: 'jwt' },
  { name: 'valid API key with the scope → 200, handler sees the service', method: 'POST', path: '/api/agents/process', credential: 'apiKey', body: { task: 'summarize' }, status: 200, principal: 'svc-agent-runner', principalKind: 'api_key' },
  { name: 'API key with a bad checksum → 401', method: 'POST', path: '/api/agents/process', credential: 'corruptApiKey', body: { task: 'x' }, status: 401, code: 'API_KEY_MALFORMED' },
  { name: 'API key never issued → 401', method: 'POST', path: '/api/agents/process', credential: 'unknownApiKey', body: { task: 'x' }, status: 401, code: 'API_KEY_NOT_FOUND' },
  { name: 'JWT on the API-key route → 401', method: 'POST', path: '/api/agents/process', credential: 'userToken', body: { task: 'x' }, status: 401, code: 'AUTH_MISSING' },
  { name: 'dry run → 200 and the would-be denial reported', method: 'POST', path: '/chat/advanced', credential: 'userToken', body: chat, status: 200, principal: 'user-1', reply: 'You said: Hello, agent', dryRunDenials: ['INSUFFICIENT_PERMISSIONS'] },
];
