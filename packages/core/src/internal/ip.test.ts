import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cidrContains,
  formatIp,
  groupIp,
  type IpAddress,
  isIp,
  isIpv4Mapped,
  parseCidr,
  parseIp,
  parseIpLoose,
  unmapIpv4,
} from './ip.js';

const ip = (text: string): IpAddress => {
  const r = parseIp(text);
  if (!r.ok) throw new Error(`test setup: ${text} should parse`);
  return r.value;
};
const cidr = (text: string) => {
  const r = parseCidr(text);
  if (!r.ok) throw new Error(`test setup: ${text} should parse`);
  return r.value;
};

describe('parseIp: IPv4', () => {
  it('accepts dotted quads and keeps the bytes in network order', () => {
    expect(Array.from(ip('203.0.113.7').bytes)).toEqual([203, 0, 113, 7]);
    expect(Array.from(ip('0.0.0.0').bytes)).toEqual([0, 0, 0, 0]);
    expect(Array.from(ip('255.255.255.255').bytes)).toEqual([255, 255, 255, 255]);
  });

  it.each([
    '256.0.0.1',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.04',
    '1.2.3.',
    '.1.2.3',
    '1..2.3',
    '0x7f.0.0.1',
    '127.1',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4%eth0',
    '1.2.3.4/8',
    '1.2.3.4:80',
    '1234.1.1.1',
    '',
    'localhost',
  ])('rejects %j with IP_INVALID', (text) => {
    const r = parseIp(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('IP_INVALID');
  });
});

describe('parseIp: IPv6', () => {
  it('expands "::" and reads every group', () => {
    expect(formatIp(ip('2001:0db8:0000:0000:0000:0000:0000:0001'))).toBe('2001:db8::1');
    expect(Array.from(ip('::').bytes)).toEqual(new Array(16).fill(0));
    expect(ip('::1').bytes[15]).toBe(1);
    expect(formatIp(ip('1::'))).toBe('1::');
    expect(formatIp(ip('1:2:3:4:5:6:7::'))).toBe('1:2:3:4:5:6:7:0');
    expect(formatIp(ip('FE80::ABCD'))).toBe('fe80::abcd');
  });

  it('reads an embedded IPv4 tail and recognises IPv4-mapped addresses', () => {
    const mapped = ip('::ffff:192.0.2.1');
    expect(isIpv4Mapped(mapped)).toBe(true);
    expect(formatIp(mapped)).toBe('::ffff:192.0.2.1');
    expect(formatIp(unmapIpv4(mapped))).toBe('192.0.2.1');
    expect(formatIp(ip('64:ff9b::198.51.100.1'))).toBe('64:ff9b::c633:6401');
    expect(formatIp(ip('1:2:3:4:5:6:1.2.3.4'))).toBe('1:2:3:4:5:6:102:304');
    expect(isIpv4Mapped(ip('::1'))).toBe(false);
  });

  it('keeps a zone id and shows it after %', () => {
    const scoped = ip('fe80::1%eth0');
    expect(scoped.zone).toBe('eth0');
    expect(formatIp(scoped)).toBe('fe80::1%eth0');
  });

  it.each([
    ':',
    ':::',
    '1:::2',
    '1::2::3',
    ':1::',
    '1:',
    ':1',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '12345::',
    'g::1',
    '::ffff:1.2.3',
    '::ffff:1.2.3.04',
    '1.2.3.4::',
    '::1.2.3.4:1',
    '1:2:3:4:5:6:7:1.2.3.4',
    '[::1]',
    'fe80::1%',
    'fe80::1%a%b',
    'fe80::1%a/b',
    '::1 ',
  ])('rejects %j with IP_INVALID', (text) => {
    const r = parseIp(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('IP_INVALID');
  });

  it('formats like RFC 5952: longest zero run compressed, the first on a tie, never a single group', () => {
    expect(formatIp(ip('2001:db8:0:0:1:0:0:1'))).toBe('2001:db8::1:0:0:1');
    expect(formatIp(ip('2001:0:0:1:0:0:0:1'))).toBe('2001:0:0:1::1');
    expect(formatIp(ip('2001:db8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1');
  });
});

describe('parseIp: properties', () => {
  const v6bytes = fc.uint8Array({ minLength: 16, maxLength: 16 });

  it('round-trips any 16 bytes through formatIp, and formats as the WHATWG URL parser does', () => {
    fc.assert(
      fc.property(v6bytes, (bytes) => {
        const text = formatIp({ version: 6, bytes });
        const back = parseIpLoose(text);
        expect(back && Array.from(back.bytes)).toEqual(Array.from(bytes));
        if (!isIpv4Mapped({ version: 6, bytes })) {
          expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
        }
      }),
    );
  });

  it('round-trips any IPv4 address', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (bytes) => {
        const text = formatIp({ version: 4, bytes });
        expect(formatIp(ip(text))).toBe(text);
      }),
    );
  });

  it('never throws, and every IPv6 it accepts the WHATWG URL parser accepts as the same address', () => {
    const alphabet = fc.constantFrom(...'0123456789abcdefABCDEF:.:::'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 45 }), (text) => {
        const parsed = parseIpLoose(text);
        if (parsed?.version === 6) {
          const viaUrl = new URL(`http://[${text}]/`).hostname;
          expect(viaUrl.slice(1, -1)).toBe(
            isIpv4Mapped(parsed)
              ? new URL(`http://[${formatIp(parsed)}]/`).hostname.slice(1, -1)
              : formatIp(parsed),
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts exactly the random dotted strings that are strict quads', () => {
    const octet = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map(String),
      fc.constantFrom('00', '01', '007', ''),
    );
    fc.assert(
      fc.property(fc.array(octet, { minLength: 3, maxLength: 5 }), (parts) => {
        const text = parts.join('.');
        const strict =
          parts.length === 4 &&
          parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
        expect(isIp(text)).toBe(strict);
      }),
    );
  });
});

describe('parseCidr and cidrContains', () => {
  it('parses ranges and bare addresses', () => {
    expect(cidr('10.0.0.0/8').prefix).toBe(8);
    expect(cidr('192.0.2.7').prefix).toBe(32);
    expect(cidr('2001:db8::/32').prefix).toBe(32);
    expect(cidr('::/0').prefix).toBe(0);
  });

  it.each([
    '10.0.0.1/8',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/08',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '2001:db8::/129',
    'fe80::%eth0/64',
    'nonsense/8',
  ])('rejects %j with CIDR_INVALID', (text) => {
    const r = parseCidr(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('CIDR_INVALID');
  });

  it('matches addresses inside the range only', () => {
    const net = cidr('172.16.0.0/12');
    expect(cidrContains(net, ip('172.16.0.1'))).toBe(true);
    expect(cidrContains(net, ip('172.31.255.255'))).toBe(true);
    expect(cidrContains(net, ip('172.32.0.0'))).toBe(false);
    expect(cidrContains(cidr('0.0.0.0/0'), ip('8.8.8.8'))).toBe(true);
    expect(cidrContains(cidr('2001:db8::/33'), ip('2001:db8:7fff::1'))).toBe(true);
    expect(cidrContains(cidr('2001:db8::/33'), ip('2001:db8:8000::1'))).toBe(false);
  });

  it('matches IPv4-mapped peers against IPv4 ranges and the reverse, never other IPv6', () => {
    expect(cidrContains(cidr('10.0.0.0/8'), ip('::ffff:10.1.2.3'))).toBe(true);
    expect(cidrContains(cidr('::ffff:10.0.0.0/104'), ip('10.1.2.3'))).toBe(true);
    expect(cidrContains(cidr('10.0.0.0/8'), ip('::a01:203'))).toBe(false);
    expect(cidrContains(cidr('::/0'), ip('10.1.2.3'))).toBe(false);
  });

  it('agrees with a bit-by-bit reference on random ranges', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 128 }),
        (a, b, prefix) => {
          const net = { version: 6 as const, bytes: a, prefix };
          let same = true;
          for (let bit = 0; bit < prefix; bit++) {
            const mask = 0x80 >> (bit % 8);
            if ((a[bit >> 3]! & mask) !== (b[bit >> 3]! & mask)) same = false;
          }
          expect(cidrContains(net, { version: 6, bytes: b })).toBe(same);
        },
      ),
    );
  });
});

describe('groupIp', () => {
  it('groups IPv6 by /64 by default, so rotating the interface id keeps the key', () => {
    const a = groupIp(ip('2001:db8:1:2:aaaa:bbbb:cccc:dddd'));
    const b = groupIp(ip('2001:db8:1:2::1'));
    expect(a).toBe('2001:db8:1:2::/64');
    expect(b).toBe(a);
    expect(groupIp(ip('2001:db8:1:3::1'))).not.toBe(a);
  });

  it('keeps IPv4 addresses whole by default and unmaps mapped ones', () => {
    expect(groupIp(ip('203.0.113.9'))).toBe('203.0.113.9');
    expect(groupIp(ip('::ffff:203.0.113.9'))).toBe('203.0.113.9');
    expect(groupIp(ip('203.0.113.9'), { ipv4Prefix: 24 })).toBe('203.0.113.0/24');
  });

  it('drops the zone and honours a configured IPv6 prefix', () => {
    expect(groupIp(ip('fe80::1%eth0'))).toBe('fe80::/64');
    expect(groupIp(ip('2001:db8:1:2::1'), { ipv6Prefix: 48 })).toBe('2001:db8:1::/48');
    expect(groupIp(ip('2001:db8:1:2::1'), { ipv6Prefix: 128 })).toBe('2001:db8:1:2::1');
  });
});
