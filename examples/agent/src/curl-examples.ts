// The requests the server prints at start, one per outcome. The test of the server parses
// the printed curl lines and sends them, so what a new user copies is what is tested.

/** Credentials minted when the server starts. */
export interface DevCredentials {
  readonly userToken: string;
  readonly adminToken: string;
  readonly expiredToken: string;
  readonly apiKey: string;
  /** An origin of the CORS allow-list, for the preflight example (none: no such example). */
  readonly allowedOrigin?: string | undefined;
}

/** One example request and the status it should get. */
export interface CurlExample {
  readonly title: string;
  readonly status: number;
  readonly method: 'GET' | 'POST' | 'OPTIONS';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** The example requests, in the order they are printed. */
export function listCurlExamples(c: DevCredentials): CurlExample[] {
  const user = { authorization: `Bearer ${c.userToken}` };
  const chat = JSON.stringify({ content: 'Hello, agent', type: 'text' });
  const preflight = (origin: string) => ({
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization, content-type',
  });
  const cors: CurlExample[] = [
    ...(c.allowedOrigin
      ? [
          {
            title: `CORS preflight from an allowed origin (${c.allowedOrigin})`,
            status: 204,
            method: 'OPTIONS' as const,
            path: '/chat',
            headers: preflight(c.allowedOrigin),
          },
        ]
      : []),
    {
      title: 'CORS preflight from an origin not on the list (CORS_ORIGIN_NOT_ALLOWED)',
      status: 403,
      method: 'OPTIONS',
      path: '/chat',
      headers: preflight('https://evil.example'),
    },
  ];
  return [
    {
      title: 'chat as a user (JWT with chat:basic)',
      status: 200,
      method: 'POST',
      path: '/chat',
      headers: { ...user, ...JSON_TYPE },
      body: chat,
    },
    {
      title: 'no credentials',
      status: 401,
      method: 'POST',
      path: '/chat',
      headers: JSON_TYPE,
      body: chat,
    },
    {
      title: 'malformed token',
      status: 401,
      method: 'POST',
      path: '/chat',
      headers: { authorization: 'Bearer not-a-jwt', ...JSON_TYPE },
      body: chat,
    },
    {
      title: 'expired token (TOKEN_EXPIRED)',
      status: 401,
      method: 'POST',
      path: '/chat',
      headers: { authorization: `Bearer ${c.expiredToken}`, ...JSON_TYPE },
      body: chat,
    },
    {
      title: 'admin route with a user token (missing agent:manage)',
      status: 403,
      method: 'GET',
      path: '/admin/agents',
      headers: user,
    },
    {
      title: 'admin route with an admin token',
      status: 200,
      method: 'GET',
      path: '/admin/agents',
      headers: { authorization: `Bearer ${c.adminToken}` },
    },
    {
      title: 'service call with the API key (agent:process)',
      status: 200,
      method: 'POST',
      path: '/api/agents/process',
      headers: { 'x-api-key': c.apiKey, ...JSON_TYPE },
      body: JSON.stringify({ task: 'summarize the inbox' }),
    },
    {
      title: 'dry run: chat:advanced is missing, reported in x-jaf-dry-run but not enforced',
      status: 200,
      method: 'POST',
      path: '/chat/advanced',
      headers: { ...user, ...JSON_TYPE },
      body: chat,
    },
    {
      title: 'chat with an email address: the reply comes back redacted ([EMAIL])',
      status: 200,
      method: 'POST',
      path: '/chat',
      headers: { ...user, ...JSON_TYPE },
      body: JSON.stringify({ content: 'Write to ana@example.com', type: 'text' }),
    },
    ...cors,
  ];
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The curl command line of an example, e.g. `curl -i -X POST http://127.0.0.1:3000/chat -H '...'`. */
export function formatCurl(baseUrl: string, example: CurlExample): string {
  const parts = ['curl', '-i', '-X', example.method, baseUrl + example.path];
  for (const [name, value] of Object.entries(example.headers))
    parts.push('-H', quote(`${name}: ${value}`));
  if (example.body !== undefined) parts.push('-d', quote(example.body));
  return parts.join(' ');
}
