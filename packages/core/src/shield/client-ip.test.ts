import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientIp, createClientIpResolver } from './client-ip.js';
import { parseForwardedHeader } from './forwarded.js';

const req = (ip: string | undefined, headers: Record<string, string> = {}) => ({
  ip,
  headers: new Headers(headers),
});

describe('clientIp', () => {
  it('uses the socket address and ignores every forwarding header when no proxy is trusted', () => {
    const r = req('203.0.113.9', {
      'x-forwarded-for': '1.1.1.1',
      forwarded: 'for=2.2.2.2',
      'x-real-ip': '3.3.3.3',
      'cf-connecting-ip': '4.4.4.4',
    });
    expect(clientIp(r)).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from a peer outside the trusted ranges (spoofing)', () => {
    const resolve = createClientIpResolver({ trustedProxies: ['10.0.0.0/8'] });
    const info = resolve(req('198.51.100.7', { 'x-forwarded-for': '192.0.2.1' }));
    expect(info).toMatchObject({ ip: '198.51.100.7', source: 'peer' });
  });

  it('walks X-Forwarded-For from the right past trusted proxies to the first other address', () => {
    const resolve = createClientIpResolver({ trustedProxies: ['10.0.0.0/8'] });
    // The client prepended a lie; the first untrusted address from the right is the truth.
    const info = resolve(req('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 203.0.113.50, 10.0.0.1' }));
    expect(info).toMatchObject({ ip: '203.0.113.50', source: 'header' });
  });

  it('accepts ports and brackets in X-Forwarded-For entries', () => {
    const resolve = createClientIpResolver({ trustedProxies: ['loopback'] });
    expect(resolve(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.5:4711' }))?.ip).toBe(
      '203.0.113.5',
    );
    expect(resolve(req('::1', { 'x-forwarded-for': '[2001:db8::5]:443' }))?.ip).toBe('2001:db8::5');
  });

  it('stops at garbage instead of skipping it, keeping the nearest verified hop', () => {
    const resolve = createClientIpResolver({ trustedProxies: ['10.0.0.0/8'] });
    const info = resolve(req('10.0.0.2', { 'x-forwarded-for': '203.0.113.1, nonsense, 10.0.0.1' }));
    expect(info?.ip).toBe('10.0.0.1');
  });

  it('treats a hop count as the number of proxies in front of the app', () => {
    const one = createClientIpResolver({ trustedProxies: 1 });
    const two = createClientIpResolver({ trustedProxies: 2 });
    const r = req('192.0.2.200', { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 192.0.2.100' });
    expect(one(r)?.ip).toBe('192.0.2.100');
    expect(two(r)?.ip).toBe('203.0.113.7');
  });

  it('reads RFC 7239 Forwarded when configured, quoted IPv6 with a port included', () => {
    const resolve = createClientIpResolver({ trustedProxies: ['10.0.0.0/8'], header: 'forwarded' });
    const info = resolve(
      req('10.1.1.1', {
        forwarded: 'for=198.51.100.1, for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.9',
      }),
    );
    expect(info?.ip).toBe('2001:db8:cafe::17');
  });

  it('reads only the configured header, so a client-sent Forwarded cannot override X-Forwarded-For', () => {
    const resolve = createClientIpResolver({ trustedProxies: ['10.0.0.0/8'] });
    const info = resolve(
      req('10.0.0.1', { forwarded: 'for=6.6.6.6', 'x-forwarded-for': '203.0.113.8' }),
    );
    expect(info?.ip).toBe('203.0.113.8');
  });

  it('believes CF-Connecting-IP only from Cloudflare ranges', () => {
    const resolve = createClientIpResolver({ trustedProxies: ['cloudflare'] });
    expect(resolve(req('173.245.48.10', { 'cf-connecting-ip': '203.0.113.77' }))?.ip).toBe(
      '203.0.113.77',
    );
    expect(resolve(req('198.51.100.1', { 'cf-connecting-ip': '203.0.113.77' }))?.ip).toBe(
      '198.51.100.1',
    );
  });

  it('reads the platform header for Vercel and Fly presets', () => {
    expect(
      clientIp(req('100.64.0.1', { 'x-real-ip': '203.0.113.3' }), { trustedProxies: ['vercel'] }),
    ).toBe('203.0.113.3');
    expect(
      clientIp(req('fdaa::1', { 'fly-client-ip': '2001:db8::3' }), { trustedProxies: ['fly'] }),
    ).toBe('2001:db8::3');
  });

  it('trusts AWS load balancers on private ranges and reads the right of X-Forwarded-For', () => {
    const resolve = createClientIpResolver({ trustedProxies: ['aws-alb'] });
    expect(resolve(req('172.31.5.6', { 'x-forwarded-for': '6.6.6.6, 203.0.113.99' }))?.ip).toBe(
      '203.0.113.99',
    );
  });

  it('keys IPv6 clients by /64 and IPv4-mapped peers as IPv4', () => {
    const resolve = createClientIpResolver();
    expect(resolve(req('2001:db8:1:2:3:4:5:6'))?.key).toBe('2001:db8:1:2::/64');
    expect(resolve(req('::ffff:203.0.113.4'))).toMatchObject({
      ip: '203.0.113.4',
      key: '203.0.113.4',
    });
    expect(createClientIpResolver({ ipv6Prefix: 56 })(req('2001:db8:1:2ff::1'))?.key).toBe(
      '2001:db8:1:200::/56',
    );
  });

  it('returns undefined when there is no usable address', () => {
    expect(clientIp(req(undefined))).toBeUndefined();
    expect(clientIp(req('not-an-ip'))).toBeUndefined();
  });

  it('rejects misconfiguration at construction with a fix-it message', () => {
    expect(() => createClientIpResolver({ trustedProxies: ['10.0.0.1/8'] })).toThrow(/host bits/);
    expect(() => createClientIpResolver({ trustedProxies: ['heroku' as 'fly'] })).toThrow(/preset/);
    expect(() => createClientIpResolver({ trustedProxies: -1 })).toThrow(/hop count/);
    expect(() => createClientIpResolver({ trustedProxies: ['cloudflare', 'fly'] })).toThrow(
      /disagree/,
    );
  });

  it('never lets a header from an untrusted peer change the answer (property)', () => {
    const resolve = createClientIpResolver({ trustedProxies: ['10.0.0.0/8'] });
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (xff, fwd) => {
        const info = resolve(req('198.51.100.23', { 'x-forwarded-for': xff, forwarded: fwd }));
        expect(info?.ip).toBe('198.51.100.23');
      }),
    );
  });
});

describe('parseForwardedHeader', () => {
  it('parses the RFC 7239 examples', () => {
    const r = parseForwardedHeader(
      'for="_gazonk"; proto=http, For="[2001:db8:cafe::17]:4711", for=192.0.2.60;proto=http;by=203.0.113.43',
    );
    expect(r.ok && r.value).toEqual([
      { for: '_gazonk', proto: 'http' },
      { for: '[2001:db8:cafe::17]:4711' },
      { for: '192.0.2.60', proto: 'http', by: '203.0.113.43' },
    ]);
  });

  it('keeps commas and semicolons inside quoted strings and honours quoted-pairs', () => {
    const r = parseForwardedHeader('for="a,b;c", host="x\\"y"');
    expect(r.ok && r.value).toEqual([{ for: 'a,b;c' }, { host: 'x"y' }]);
  });

  it.each(['for', 'for=', 'for="unterminated', 'for=a;for=b', 'for=a b', '=x', 'fo r=1'])(
    'rejects %j with FORWARDED_INVALID',
    (value) => {
      const r = parseForwardedHeader(value);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('FORWARDED_INVALID');
    },
  );

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (v) => {
        const r = parseForwardedHeader(v);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });

  it('round-trips generated elements through serialisation', () => {
    const token = fc.stringMatching(/^[a-z0-9._-]{1,10}$/);
    const value = fc.string({ unit: fc.constantFrom(...'ab ,;="\\:[]1'.split('')), maxLength: 12 });
    const element = fc.dictionary(token, value, { minKeys: 1, maxKeys: 3 });
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 4 }), (elements) => {
        const text = elements
          .map((el) =>
            Object.entries(el)
              .map(([k, v]) => `${k}="${v.replace(/["\\]/g, (c) => `\\${c}`)}"`)
              .join(';'),
          )
          .join(', ');
        const r = parseForwardedHeader(text);
        expect(r.ok && r.value).toEqual(elements);
      }),
    );
  });
});
