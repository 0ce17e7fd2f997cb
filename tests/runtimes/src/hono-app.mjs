// The Hono app the runtime tests serve: @jaf-sec/hono in front of one route that needs a
// JWT with chat:basic. The same module runs on Bun (Bun.serve) and in workerd (bundled).

import { authenticate, createSecurity, requirePermission } from '@jaf-sec/core/protect';
import { createTokenIssuer } from '@jaf-sec/core/tokens';
import { jafSec } from '@jaf-sec/hono';
import { Hono } from 'hono';

// A fixed test secret: these tests mint their own tokens, nothing here is a real credential.
export const JWT_SECRET = new TextEncoder().encode('runtime-tests-hs256-secret-32byte');

export function createApp() {
  const security = createSecurity({
    rules: [
      authenticate({ jwt: { keys: [{ alg: 'HS256', secret: JWT_SECRET }] } }),
      requirePermission('chat:basic'),
    ],
  });
  const app = new Hono();
  app.use('/chat', jafSec(security));
  app.get('/chat', (c) => c.json({ hello: c.get('principal')?.id ?? null }));
  return app;
}

/** A token the app accepts, valid for a minute from `now`. */
export function mintToken(now) {
  const issuer = createTokenIssuer({ key: { alg: 'HS256', secret: JWT_SECRET }, expiresIn: 60 });
  return issuer.issue({ sub: 'runtime-user', permissions: ['chat:basic'] }, { now });
}

/** Sends the two requests the tests expect answers to, through `fetchFn`. */
export async function exercise(fetchFn, base, now) {
  const anonymous = await fetchFn(`${base}/chat`);
  const token = await mintToken(now);
  const authorized = await fetchFn(`${base}/chat`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    anonymous: { status: anonymous.status, body: await anonymous.json() },
    authorized: { status: authorized.status, body: await authorized.json() },
  };
}
