import { describe, expect, it } from 'vitest';
import { compileHostList } from './host-list.js';

describe('compileHostList', () => {
  it('matches exact hosts and subdomains of wildcard entries, as the URL parser writes them', () => {
    const allowed = compileHostList(['Example.COM', '*.cdn.example', '[::1]', '127.0.0.1'], 't');
    expect(allowed('example.com')).toBe(true);
    expect(allowed('example.com.')).toBe(true);
    expect(allowed('www.example.com')).toBe(false);
    expect(allowed('img.cdn.example')).toBe(true);
    expect(allowed('cdn.example')).toBe(false);
    expect(allowed('evilcdn.example')).toBe(false);
    expect(allowed('[::1]')).toBe(true);
    expect(allowed('127.0.0.1')).toBe(true);
  });

  it('refuses entries that parse as something other than a host (user info, paths)', () => {
    for (const bad of ['a@evil.com', 'evil.com/path', '', 'http://x', 'a b']) {
      expect(() => compileHostList([bad], 'createExfiltrationGuard')).toThrow(
        /^createExfiltrationGuard: hosts entry/,
      );
    }
  });
});
