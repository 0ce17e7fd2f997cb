import { describe, expect, it } from 'vitest';
import { compileMethodFilter, methodMatches, normalizeMethod } from './http-method.js';

describe('normalizeMethod', () => {
  it('upper-cases ASCII letters only, so a non-token method never passes as a safe one', () => {
    expect(normalizeMethod('get')).toBe('GET');
    expect(normalizeMethod('Post')).toBe('POST');
    expect(normalizeMethod('OPTIONS')).toBe('OPTIONS');
    // String#toUpperCase would give 'OPTIONS' (dotless i) and 'SS' for 'ß'.
    expect(normalizeMethod('optıons')).not.toBe('OPTIONS');
    expect(normalizeMethod('geß')).toBe('GEß');
    expect(normalizeMethod(42 as never)).toBe('');
  });

  it('matches HEAD wherever GET is listed, whatever the case', () => {
    const filter = compileMethodFilter(['get'], 'methods');
    expect(methodMatches(filter, 'HEAD')).toBe(true);
    expect(methodMatches(filter, 'head')).toBe(true);
    expect(methodMatches(filter, 'POST')).toBe(false);
  });
});
