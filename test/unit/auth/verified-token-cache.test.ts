import { VerifiedTokenCache } from '../../../src/auth/verified-token-cache.js';

describe('VerifiedTokenCache', () => {
  let clock = 1_000_000;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('serves a verified token until its expiry, for the same secret only', () => {
    const cache = new VerifiedTokenCache<string>(10, now);
    cache.set('t1', 'secret-a', 'alice', clock / 1000 + 60);
    expect(cache.get('t1', 'secret-a')).toBe('alice');
    expect(cache.get('t1', 'secret-b')).toBeNull();
    // A miss on the wrong secret drops the entry: the next caller verifies again.
    expect(cache.get('t1', 'secret-a')).toBeNull();
    cache.set('t1', 'secret-a', 'alice', clock / 1000 + 60);
    clock += 60_000;
    expect(cache.get('t1', 'secret-a')).toBeNull();
  });

  it('does not keep tokens without an expiry or already expired', () => {
    const cache = new VerifiedTokenCache<string>(10, now);
    cache.set('no-exp', 's', 'x', undefined);
    cache.set('past', 's', 'y', clock / 1000 - 1);
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used token when full', () => {
    const cache = new VerifiedTokenCache<string>(2, now);
    const exp = clock / 1000 + 60;
    cache.set('a', 's', 'A', exp);
    cache.set('b', 's', 'B', exp);
    expect(cache.get('a', 's')).toBe('A');
    cache.set('c', 's', 'C', exp);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 's')).toBeNull();
    expect(cache.get('a', 's')).toBe('A');
    expect(cache.get('c', 's')).toBe('C');
  });
});
