import { describe, expect, it } from 'vitest';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('never holds more than its cap, evicting the least recently written live entry', () => {
    const map = new BoundedMap<number>(3);
    for (let i = 0; i < 10; i++) map.set(`k${i}`, i, Number.POSITIVE_INFINITY, 0);
    expect(map.size).toBe(3);
    expect(map.evicted).toBe(7);
    expect(map.get('k9', 0)).toBe(9);
    expect(map.get('k6', 0)).toBeUndefined();
  });

  it('expires entries by stored time with no timer, and prefers dropping expired ones', () => {
    const map = new BoundedMap<string>(2);
    map.set('a', 'A', 1000, 0);
    map.set('b', 'B', 5000, 0);
    expect(map.get('a', 999)).toBe('A');
    map.set('c', 'C', 5000, 1000); // a is expired at t=1000: dropped, not evicted
    expect(map.evicted).toBe(0);
    expect(map.get('b', 1000)).toBe('B');
    expect(map.get('c', 4999)).toBe('C');
    expect(map.get('c', 5000)).toBeUndefined();
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new BoundedMap(0)).toThrow(/positive integer/);
  });
});

describe('BoundedMap.prune', () => {
  it('drops every expired entry and keeps the live ones', () => {
    const map = new BoundedMap<number>(10);
    for (let i = 0; i < 6; i++) map.set(`k${i}`, i, i % 2 === 0 ? 100 : 500, 0);
    map.prune(100);
    expect(map.size).toBe(3);
    expect([...map.entries(100)].map(([k]) => k)).toEqual(['k1', 'k3', 'k5']);
    expect(map.evicted).toBe(0);
  });
});
