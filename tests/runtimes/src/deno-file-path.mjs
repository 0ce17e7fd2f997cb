// Deno imports a built core entry BY FILE PATH (Deno.args[0], a file: URL): no package name,
// no node_modules lookup for core itself. The test copies this file into a folder outside any
// package.json (so no package scope can resolve a `#` import) and passes the vectors folder
// as Deno.args[1]. Prints one JSON line with what it observed.
const [coreUrl, vectorsUrl] = Deno.args;
const json = async (name) =>
  (await import(new URL(name, vectorsUrl).href, { with: { type: 'json' } })).default;
const fernetSpec = await json('fernet-spec.json');
const webhooks = await json('standard-webhooks.json');

const core = await import(coreUrl);
const checks = {};

const g = fernetSpec.generate[0];
checks.fernet =
  (await core.fernetEncrypt(g.src, g.secret, {
    now: Date.parse(g.now),
    iv: new Uint8Array(g.iv),
  })) === g.token;

const w = webhooks.vectors.find((x) => x.id === 'sign-fixed');
checks.webhook =
  core.signWebhook({ id: w.msg_id, timestamp: w.timestamp, payload: w.payload }, w.secret)[
    'webhook-signature'
  ] === w.expected_signature;

// Which primitive this tree carries: node:crypto answers ES256 synchronously (docs/tokens.md).
const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
  'sign',
  'verify',
]);
const issuer = core.createTokenIssuer({
  key: { alg: 'ES256', privateKey: await crypto.subtle.exportKey('jwk', pair.privateKey) },
});
const verifier = core.createTokenVerifier({
  keys: [{ alg: 'ES256', publicKey: await crypto.subtle.exportKey('jwk', pair.publicKey) }],
});
await verifier.ready();
const now = Date.UTC(2026, 0, 1);
const token = await issuer.issue({ sub: 'p', exp: now / 1000 + 60 }, { now });
const sync = verifier.verifySync(token, { now });
const hashBackend = sync === undefined ? 'noble' : sync.ok ? 'node' : 'unexpected';

console.log(
  JSON.stringify({
    version: Deno.version.deno,
    exports: Object.keys(core).length,
    checks,
    hashBackend,
  }),
);
