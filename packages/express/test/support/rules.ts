// Small inline rules shared by the adapter tests (express, fastify, hono, next). They stand
// in for real rules so the adapter tests exercise only the bridging: headers, denials,
// 'respond', the raw body, the body limit.
import { createSecurity, type Rule, type Security } from '@jaf-sec/core/protect';
import { expect } from 'vitest';

/** Authenticates `x-test-user: <id>`; 401 AUTH_REQUIRED with WWW-Authenticate otherwise. */
export const testAuth: Rule = {
  name: 'testAuth',
  evaluate(ctx) {
    // Published so tests can check what the adapter built: peer address, absolute URL, method.
    ctx.state.ip = ctx.request.ip;
    ctx.state.url = ctx.request.url;
    ctx.state.method = ctx.request.method;
    const id = ctx.request.headers.get('x-test-user');
    if (!id) {
      return {
        conclusion: 'deny',
        status: 401,
        code: 'AUTH_REQUIRED',
        message: 'Authentication required.',
        headers: { 'www-authenticate': 'Bearer' },
      };
    }
    return { conclusion: 'allow', principal: { id, kind: 'test', permissions: ['chat:basic'] } };
  },
};

/** Adds a header to every decision, so tests can see decision headers on allowed responses. */
export const testHeader: Rule = {
  name: 'testHeader',
  evaluate: () => ({ conclusion: 'skip', headers: { 'x-content-type-options': 'nosniff' } }),
};

/** Answers OPTIONS with 204 and no body (like a CORS preflight). */
export const testPreflight: Rule = {
  name: 'testPreflight',
  evaluate(ctx) {
    if (ctx.request.method !== 'OPTIONS') return { conclusion: 'skip' };
    return {
      conclusion: 'respond',
      status: 204,
      code: 'PREFLIGHT',
      headers: { 'access-control-allow-origin': '*' },
    };
  },
};

/** Reads the raw body and publishes it (as text) in the decision's state, like a signature check would. */
export const testBodyReader: Rule = {
  name: 'testBodyReader',
  async evaluate(ctx) {
    if (ctx.request.method !== 'POST') return { conclusion: 'skip' };
    const bytes = await ctx.request.body!();
    // Read twice: the adapter must cache, not read the stream again.
    const again = await ctx.request.body!();
    ctx.state.rawBody = new TextDecoder().decode(bytes);
    ctx.state.sameBytes = bytes.length === again.length && bytes.every((b, i) => b === again[i]);
    return { conclusion: 'allow' };
  },
};

/** The pipeline the adapter tests mount: headers, preflight, auth, body reader. */
export function createTestSecurity(): Security {
  return createSecurity({ rules: [testHeader, testPreflight, testAuth, testBodyReader] });
}

/** A JSON body with non-ASCII text and odd spacing, so a re-serialized body would differ. */
export const RAW_JSON = '{ "message" : "héllo 👋",  "n": 1 }';

// Assertions every adapter must satisfy for the same scenario, so each adapter's test states
// the request and the framework-specific extras, not the shared contract again.

/** A denial of `authorization: Bearer secret-token`: 401, headers, JSON error, no echo. */
export async function expectCredentialDenial(res: Response): Promise<void> {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  const text = await res.text();
  expect(JSON.parse(text)).toEqual({
    error: { code: 'AUTH_REQUIRED', message: 'Authentication required.' },
  });
  expect(text).not.toContain('secret-token');
}

/** A 'respond' outcome (the test preflight): 204, its header, an empty body. */
export async function expectRespondWithoutBody(res: Response): Promise<void> {
  expect(res.status).toBe(204);
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  expect(await res.text()).toBe('');
}

/** RAW_JSON posted by `ada`: the rule saw the exact bytes and the app's parser still parsed them. */
export async function expectRawJsonEcho(res: Response): Promise<void> {
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({
    principal: 'ada',
    parsed: { message: 'héllo 👋', n: 1 },
    raw: RAW_JSON,
    same: true,
  });
}
