import { describe, expect, it } from 'vitest';
import { createClientAddressPseudonymizer, truncateClientAddress } from './client-address.js';
import { createAuditLog } from './create-audit-log.js';
import type { SecurityEvent } from './types.js';

describe('truncateClientAddress', () => {
  it('keeps the /24 of IPv4 and the /48 of IPv6, IPv4-mapped treated as IPv4', () => {
    expect(truncateClientAddress('203.0.113.77')).toBe('203.0.113.0/24');
    expect(truncateClientAddress('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(truncateClientAddress('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
  });

  it('says invalid for text that is not an address instead of logging it', () => {
    expect(truncateClientAddress('evil\n{"x":1}')).toBe('invalid');
    expect(truncateClientAddress('')).toBe('invalid');
  });
});

describe('createClientAddressPseudonymizer', () => {
  it('gives different pseudonyms under different keys and never the address itself', () => {
    const a = createClientAddressPseudonymizer(new Uint8Array(32).fill(1));
    const b = createClientAddressPseudonymizer(new Uint8Array(32).fill(2));
    expect(a('198.51.100.1')).not.toBe(b('198.51.100.1'));
    expect(a('198.51.100.1')).not.toContain('198.51');
    expect(a('2001:DB8::1')).toBe(a('2001:db8::1'));
  });

  it('keeps its own copy of the key', () => {
    const key = new Uint8Array(32).fill(3);
    const p = createClientAddressPseudonymizer(key);
    const before = p('192.0.2.1');
    key.fill(0);
    expect(p('192.0.2.1')).toBe(before);
  });

  it('logs "invalid" when a custom address function throws', () => {
    const events: SecurityEvent[] = [];
    const audit = createAuditLog({
      sink: (e) => events.push(e),
      clientAddress: () => {
        throw new Error('boom');
      },
    });
    audit.record('authz_fail', { client: '192.0.2.1' });
    expect(events[0]!.client).toBe('invalid');
  });
});
