import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../internal/canonical-json.js';
import { createMemoryNonceStore, type NonceStore } from '../signing/nonce-store.js';
import { createTokenIssuer } from '../tokens/create-token-issuer.js';
import { createKeyPair, NOW, SECRET_32 } from '../tokens/test-utils/token-fixtures.js';
import {
  createApprovalIssuer,
  createApprovalVerifier,
  hashApprovalArguments,
} from './approvals.js';

const key = { alg: 'HS256', secret: SECRET_32 } as const;
const request = {
  conversation: 'conv-7',
  tool: 'send_payment',
  args: { to: 'acct-1', amount: 120, memo: { ref: 'inv-9', lines: [1, 2] } },
  approver: 'alice',
};
const call = { conversation: 'conv-7', tool: 'send_payment', args: request.args };
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'OK' : r.error!.code);

function setup(store: NonceStore = createMemoryNonceStore(), approvers?: string[]) {
  const issuer = createApprovalIssuer({ key, audience: 'agent', clock: () => NOW });
  const verifier = createApprovalVerifier({
    keys: [key],
    audience: 'agent',
    store,
    clock: () => NOW,
    ...(approvers && { approvers }),
  });
  return { issuer, verifier };
}

describe('approval tickets', () => {
  it('verifies once for the approved call, then refuses a second use', async () => {
    const { issuer, verifier } = setup();
    const ticket = await issuer.issue(request);
    const first = await verifier.verify(ticket, call);
    expect(first.ok && first.value).toMatchObject({
      conversation: 'conv-7',
      tool: 'send_payment',
      approver: 'alice',
      exp: NOW / 1000 + 300,
    });
    expect(codeOf(await verifier.verify(ticket, call))).toBe('APPROVAL_ALREADY_USED');
  });

  it('accepts the same arguments in another key order or as JSON text', async () => {
    const { issuer, verifier } = setup();
    const reordered = { memo: { lines: [1, 2], ref: 'inv-9' }, amount: 120.0, to: 'acct-1' };
    expect(
      codeOf(await verifier.verify(await issuer.issue(request), { ...call, args: reordered })),
    ).toBe('OK');
    const text = '{"amount":1.2e2,"to":"acct-1","memo":{"ref":"inv-9","lines":[1,2]}}';
    expect(
      codeOf(await verifier.verify(await issuer.issue(request), { ...call, args: text })),
    ).toBe('OK');
  });

  it('refuses other arguments, another tool or conversation, and keeps the ticket usable', async () => {
    const { issuer, verifier } = setup();
    const ticket = await issuer.issue(request);
    const other = (patch: object) => verifier.verify(ticket, { ...call, ...patch });
    expect(codeOf(await other({ args: { ...request.args, amount: 1200 } }))).toBe(
      'APPROVAL_WRONG_ARGUMENTS',
    );
    expect(codeOf(await other({ args: { ...request.args, extra: null } }))).toBe(
      'APPROVAL_WRONG_ARGUMENTS',
    );
    expect(codeOf(await other({ args: { ...request.args, amount: '120' } }))).toBe(
      'APPROVAL_WRONG_ARGUMENTS',
    );
    expect(codeOf(await other({ tool: 'delete_account' }))).toBe('APPROVAL_WRONG_TOOL');
    expect(codeOf(await other({ conversation: 'conv-8' }))).toBe('APPROVAL_WRONG_CONVERSATION');
    expect(codeOf(await other({ args: '{"amount":' }))).toBe('APPROVAL_ARGUMENTS_INVALID');
    const duplicate =
      '{"to":"acct-1","amount":120,"memo":{"ref":"inv-9","lines":[1,2]},"to":"acct-666"}';
    expect(codeOf(await other({ args: duplicate }))).toBe('APPROVAL_ARGUMENTS_INVALID');
    expect(codeOf(await other({ args: { n: Number.NaN } }))).toBe('APPROVAL_ARGUMENTS_INVALID');
    // None of those used the ticket up.
    expect(codeOf(await verifier.verify(ticket, call))).toBe('OK');
  });

  it('refuses missing, expired, forged and foreign tickets', async () => {
    const { issuer, verifier } = setup();
    const ticket = await issuer.issue(request, { expiresIn: 60 });
    expect(codeOf(await verifier.verify(undefined, call))).toBe('APPROVAL_MISSING');
    expect(codeOf(await verifier.verify('', call))).toBe('APPROVAL_MISSING');
    expect(codeOf(await verifier.verify('x.y.z', call))).toBe('APPROVAL_INVALID');
    expect(codeOf(await verifier.verify(ticket, { ...call, now: NOW + 60_000 }))).toBe(
      'APPROVAL_EXPIRED',
    );
    // A JWT with the same key and the same claims but not typed approval+jwt.
    const plain = createTokenIssuer({ key, audience: 'agent', clock: () => NOW });
    const forged = await plain.issue({
      sub: 'alice',
      apv: { conv: 'conv-7', tool: 'send_payment', args: hashApprovalArguments(request.args) },
    });
    expect(codeOf(await verifier.verify(forged, call))).toBe('APPROVAL_INVALID');
    const [h, , s] = ticket.split('.');
    expect(codeOf(await verifier.verify(`${h}.e30.${s}`, call))).toBe('APPROVAL_INVALID');
  });

  it('checks the approver against an allow-list', async () => {
    const { issuer, verifier } = setup(undefined, ['bob']);
    expect(codeOf(await verifier.verify(await issuer.issue(request), call))).toBe(
      'APPROVAL_APPROVER_NOT_ALLOWED',
    );
    expect(
      codeOf(await verifier.verify(await issuer.issue({ ...request, approver: 'bob' }), call)),
    ).toBe('OK');
  });

  it('fails closed when the store fails, and a concurrent double use succeeds once', async () => {
    const broken = setup({ remember: () => Promise.reject(new Error('redis down')) });
    expect(codeOf(await broken.verifier.verify(await broken.issuer.issue(request), call))).toBe(
      'APPROVAL_STORE_UNAVAILABLE',
    );
    const { issuer, verifier } = setup();
    const ticket = await issuer.issue(request);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => verifier.verify(ticket, call)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('throws at issue on a malformed request, naming the field', async () => {
    const { issuer } = setup();
    await expect(issuer.issue({ ...request, conversation: '' })).rejects.toThrow(/conversation/);
    await expect(issuer.issue({ ...request, args: { when: new Date(0) } })).rejects.toThrow(
      /JSON data/,
    );
    await expect(issuer.issue({ ...request, args: 1n })).rejects.toThrow(/JSON data/);
    expect(() => createApprovalVerifier({ keys: [key] } as never)).toThrow(/store/);
    expect(() => createApprovalIssuer({ key, expiresIn: -1 })).toThrow(/expiresIn/);
  });

  it('works with an EdDSA key', async () => {
    const pair = await createKeyPair('EdDSA');
    const issuer = createApprovalIssuer({
      key: { alg: 'EdDSA', privateKey: pair.privatePem },
      clock: () => NOW,
    });
    const verifier = createApprovalVerifier({
      keys: [{ alg: 'EdDSA', publicKey: pair.publicPem }],
      store: createMemoryNonceStore(),
      clock: () => NOW,
    });
    expect(codeOf(await verifier.verify(await issuer.issue(request), call))).toBe('OK');
  });

  it('accepts exactly the arguments whose canonical JSON equals the approved ones', async () => {
    const { issuer, verifier } = setup();
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 3 }),
        fc.jsonValue({ maxDepth: 3 }),
        fc.boolean(),
        async (x, other, copy) => {
          // Half the time the same value with every object's keys reversed.
          const y = copy
            ? JSON.parse(JSON.stringify(x), (_k, v) =>
                v && typeof v === 'object' && !Array.isArray(v)
                  ? Object.fromEntries(Object.entries(v).reverse())
                  : v,
              )
            : other;
          // Arguments are an object (a string would be read as JSON text).
          const a = { v: x };
          const b = { v: y };
          const ticket = await issuer.issue({ ...request, args: a });
          const same =
            (canonicalJson(a) as { text: string }).text ===
            (canonicalJson(b) as { text: string }).text;
          if (copy) expect(same).toBe(true);
          expect(codeOf(await verifier.verify(ticket, { ...call, args: b }))).toBe(
            same ? 'OK' : 'APPROVAL_WRONG_ARGUMENTS',
          );
          // And the approved arguments themselves always pass (once).
          if (!same) expect(codeOf(await verifier.verify(ticket, { ...call, args: a }))).toBe('OK');
        },
      ),
      { numRuns: 300 },
    );
  });
});
