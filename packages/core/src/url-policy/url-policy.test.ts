import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createUrlPolicy } from './url-policy.js';

const any = createUrlPolicy({ schemes: ['http', 'https'] });
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'OK' : r.error!.code);
const check = (url: string, policy = any) => codeOf(policy.checkUrl(url));

describe('createUrlPolicy: literal addresses', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://0x7f.1/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://017700000001/',
    'http://0177.0.0.1/',
    'http://127.000.000.001/',
    'http://0/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://0xa9fea9fe/',
    'http://2852039166/',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'http://100.64.0.1/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://192.0.0.192/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
    'http://[::127.0.0.1]/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://198.18.0.1/',
  ])('refuses %s', (url) => {
    expect(check(url)).toBe('URL_ADDRESS_BLOCKED');
  });

  it('allows public literals and reports the canonical address', () => {
    const r = any.checkUrl('http://0x5db8d822/');
    expect(r.ok && r.value.address).toBe('93.184.216.34');
    const v6 = any.checkUrl('https://[2606:4700:4700::1111]/dns');
    expect(v6.ok && v6.value).toMatchObject({ address: '2606:4700:4700::1111', port: 443 });
    expect(check('http://[::ffff:93.184.216.34]/')).toBe('OK');
  });

  it('reachable ranges can be allowed, and public ones denied', () => {
    const internal = createUrlPolicy({
      schemes: ['http'],
      allowAddresses: ['10.1.2.0/24'],
      denyAddresses: ['93.184.216.0/24'],
    });
    expect(check('http://10.1.2.3/', internal)).toBe('OK');
    expect(check('http://10.1.3.3/', internal)).toBe('URL_ADDRESS_BLOCKED');
    expect(check('http://93.184.216.34/', internal)).toBe('URL_ADDRESS_BLOCKED');
  });

  // Property: however the URL spells an IPv4 address, the verdict is that of the address.
  it('judges every spelling of an IPv4 address as the address itself', () => {
    const spellings = (b: number[]) => {
      const n = ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
      const hex = (x: number) => `0x${x.toString(16)}`;
      const oct = (x: number) => `0${x.toString(8)}`;
      return [
        b.join('.'),
        String(n),
        hex(n),
        oct(n),
        b.map(hex).join('.'),
        b.map(oct).join('.'),
        `${b[0]}.${(b[1]! << 16) + (b[2]! << 8) + b[3]!}`,
        `${b[0]}.${b[1]}.${(b[2]! << 8) + b[3]!}`,
        `[::ffff:${b.join('.')}]`,
      ];
    };
    const octet = fc.integer({ min: 0, max: 255 });
    // Bias towards special first octets so both verdicts are common.
    const first = fc.oneof(
      fc.constantFrom(0, 10, 100, 127, 169, 172, 192, 198, 203, 224, 255),
      octet,
    );
    let blocked = 0;
    let allowed = 0;
    fc.assert(
      fc.property(fc.tuple(first, octet, octet, octet), (b) => {
        const [canonical, ...others] = spellings(b).map((s) => check(`http://${s}/`));
        if (canonical === 'OK') allowed++;
        else blocked++;
        for (const other of others) expect(other).toBe(canonical);
      }),
      { numRuns: 1000 },
    );
    expect(blocked).toBeGreaterThan(100);
    expect(allowed).toBeGreaterThan(100);
  });
});

describe('createUrlPolicy: URL checks', () => {
  it('allows only the configured schemes (https by default)', () => {
    const strict = createUrlPolicy();
    expect(check('https://example.com/', strict)).toBe('OK');
    expect(check('http://example.com/', strict)).toBe('URL_SCHEME_NOT_ALLOWED');
    expect(check('file:///etc/passwd', strict)).toBe('URL_SCHEME_NOT_ALLOWED');
    expect(check('gopher://example.com/', strict)).toBe('URL_SCHEME_NOT_ALLOWED');
    expect(check('javascript:alert(1)', strict)).toBe('URL_SCHEME_NOT_ALLOWED');
    expect(check('data:text/plain,hi', strict)).toBe('URL_SCHEME_NOT_ALLOWED');
  });

  it('checks the host allow-list on the parsed host', () => {
    const policy = createUrlPolicy({ hosts: ['api.example.com', '*.wikipedia.org', 'bücher.de'] });
    expect(check('https://api.example.com/v1', policy)).toBe('OK');
    expect(check('https://API.Example.COM./v1', policy)).toBe('OK');
    expect(check('https://en.wikipedia.org/wiki/X', policy)).toBe('OK');
    expect(check('https://wikipedia.org/', policy)).toBe('URL_HOST_NOT_ALLOWED');
    expect(check('https://xn--bcher-kva.de/', policy)).toBe('OK');
    expect(check('https://evil.com/', policy)).toBe('URL_HOST_NOT_ALLOWED');
    expect(check('https://api.example.com.evil.com/', policy)).toBe('URL_HOST_NOT_ALLOWED');
    expect(check('https://evilwikipedia.org/', policy)).toBe('URL_HOST_NOT_ALLOWED');
    expect(check('https://api.example.com@evil.com/', policy)).toBe('URL_CREDENTIALS_NOT_ALLOWED');
    expect(check('https://evil.com#@api.example.com/', policy)).toBe('URL_HOST_NOT_ALLOWED');
    expect(check('https://evil.com\\@api.example.com/', policy)).toBe('URL_HOST_NOT_ALLOWED');
  });

  it('refuses local names, credentials, other ports, garbage and overlong URLs', () => {
    expect(check('http://localhost/')).toBe('URL_HOST_NOT_ALLOWED');
    expect(check('http://LOCALHOST./')).toBe('URL_HOST_NOT_ALLOWED');
    expect(check('http://app.localhost/')).toBe('URL_HOST_NOT_ALLOWED');
    expect(check('http://metadata.google.internal/')).toBe('URL_HOST_NOT_ALLOWED');
    expect(check('http://intranet/')).toBe('URL_HOST_NOT_ALLOWED');
    expect(check('http://user:pw@example.com/')).toBe('URL_CREDENTIALS_NOT_ALLOWED');
    const ports = createUrlPolicy({ ports: [443] });
    expect(check('https://example.com/', ports)).toBe('OK');
    expect(check('https://example.com:8443/', ports)).toBe('URL_PORT_NOT_ALLOWED');
    expect(check('not a url')).toBe('URL_INVALID');
    expect(check('/relative')).toBe('URL_INVALID');
    expect(codeOf(any.checkUrl(42 as unknown as string))).toBe('URL_INVALID');
    expect(check(`https://example.com/${'a'.repeat(2048)}`)).toBe('URL_TOO_LONG');
    expect(codeOf(any.checkUrl(new URL('https://example.com/')))).toBe('OK');
  });

  it('throws at construction on a malformed option', () => {
    expect(() => createUrlPolicy({ schemes: ['https:'] })).toThrow(/without ':'/);
    expect(() => createUrlPolicy({ hosts: ['https://x.com/'] })).toThrow(/host name/);
    expect(() => createUrlPolicy({ allowAddresses: ['10.0.0.1/8'] })).toThrow(/CIDR/);
    expect(() => createUrlPolicy({ ports: [0] })).toThrow(/port/);
    expect(() => createUrlPolicy({ maxUrlLength: 1 })).toThrow(RangeError);
  });
});

describe('checkAddresses', () => {
  const policy = createUrlPolicy();
  const checked = policy.checkUrl('https://docs.example.com/a');
  if (!checked.ok) throw new Error('setup');
  const c = checked.value;

  it('pins the first address when every resolved address is public', () => {
    const r = policy.checkAddresses(c, ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
    expect(r).toEqual({ ok: true, value: { address: '93.184.216.34', family: 4 } });
    const mapped = policy.checkAddresses(c, ['::ffff:93.184.216.34']);
    expect(mapped.ok && mapped.value).toEqual({ address: '93.184.216.34', family: 4 });
  });

  it('refuses when any address is special (a rebinding record set), or none is given', () => {
    expect(codeOf(policy.checkAddresses(c, ['93.184.216.34', '127.0.0.1']))).toBe(
      'URL_ADDRESS_BLOCKED',
    );
    expect(codeOf(policy.checkAddresses(c, ['::ffff:10.0.0.1']))).toBe('URL_ADDRESS_BLOCKED');
    expect(codeOf(policy.checkAddresses(c, ['0.0.0.0']))).toBe('URL_ADDRESS_BLOCKED');
    expect(codeOf(policy.checkAddresses(c, []))).toBe('URL_NOT_RESOLVED');
    expect(codeOf(policy.checkAddresses(c, ['example.com']))).toBe('URL_ADDRESS_INVALID');
    expect(codeOf(policy.checkAddresses(c, ['fe80::1%eth0']))).toBe('URL_ADDRESS_INVALID');
  });
});
