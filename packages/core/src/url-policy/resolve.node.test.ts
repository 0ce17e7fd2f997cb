import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { pinnedLookup, resolveUrl } from './resolve.node.js';
import { createUrlPolicy } from './url-policy.js';

const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'OK' : r.error!.code);

describe('resolveUrl (node)', () => {
  const policy = createUrlPolicy({ schemes: ['http', 'https'] });

  it('checks every resolved address and pins the first', async () => {
    const r = await resolveUrl(policy, 'https://docs.example.com/', {
      resolve: async () => ['93.184.216.34'],
    });
    expect(r.ok && { address: r.value.address, family: r.value.family }).toEqual({
      address: '93.184.216.34',
      family: 4,
    });
    const rebinding = await resolveUrl(policy, 'https://docs.example.com/', {
      resolve: async () => ['93.184.216.34', '169.254.169.254'],
    });
    expect(codeOf(rebinding)).toBe('URL_ADDRESS_BLOCKED');
  });

  it('answers URL_NOT_RESOLVED on a failing or hanging resolver, and skips DNS for literals', async () => {
    const failing = await resolveUrl(policy, 'https://nx.example.com/', {
      resolve: () => Promise.reject(new Error('ENOTFOUND')),
    });
    expect(codeOf(failing)).toBe('URL_NOT_RESOLVED');
    const hanging = await resolveUrl(policy, 'https://slow.example.com/', {
      resolve: () => new Promise(() => {}),
      timeoutMs: 20,
    });
    expect(codeOf(hanging)).toBe('URL_NOT_RESOLVED');
    let asked = false;
    const literal = await resolveUrl(policy, 'http://0x7f000001/', {
      resolve: async () => {
        asked = true;
        return ['93.184.216.34'];
      },
    });
    expect(codeOf(literal)).toBe('URL_ADDRESS_BLOCKED');
    expect(asked).toBe(false);
  });

  it('uses node:dns by default (localhost is refused before any lookup)', async () => {
    expect(codeOf(await resolveUrl(policy, 'http://localhost/'))).toBe('URL_HOST_NOT_ALLOWED');
  });

  it('pins the socket to the checked address whatever the name resolves to later', async () => {
    const server = createServer((req, res) => res.end(`host=${req.headers.host}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // An internal service the agent may reach: 127.0.0.0/8 explicitly allowed.
      const internal = createUrlPolicy({ schemes: ['http'], allowAddresses: ['127.0.0.0/8'] });
      let answers = 0;
      const r = await resolveUrl(internal, `http://service.example.test:${port}/`, {
        resolve: async () => (answers++ === 0 ? ['127.0.0.1'] : ['169.254.169.254']),
      });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const body = await new Promise<string>((resolve, reject) => {
        get(r.value.url, { lookup: r.value.lookup }, (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve(text));
        }).on('error', reject);
      });
      expect(body).toBe(`host=service.example.test:${port}`);
      expect(answers).toBe(1); // the connection never asked DNS again
    } finally {
      server.close();
    }
  });

  it('pinnedLookup answers both callback shapes', async () => {
    const lookup = pinnedLookup({ address: '::1', family: 6 });
    const one = await new Promise((resolve) =>
      lookup('x', {}, (_e, address, family) => resolve([address, family])),
    );
    expect(one).toEqual(['::1', 6]);
    const all = await new Promise((resolve) =>
      lookup('x', { all: true }, (_e, addresses) => resolve(addresses)),
    );
    expect(all).toEqual([{ address: '::1', family: 6 }]);
  });
});
