import fc from 'fast-check';
import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('allows a burst of capacity, then refuses with the seconds until the next token', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 3, windowSec: 60, now: () => now });
    expect([1, 2, 3].map(() => buckets.take('a').allowed)).toEqual([true, true, true]);
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSec: 20 });
    expect(buckets.take('b').allowed).toBe(true); // another identity is unaffected
    now += 20_000;
    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
  });

  it('never allows more than capacity + elapsed * rate requests (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 300 }),
        (capacity, windowSec, gaps) => {
          let now = 0;
          const buckets = new TokenBuckets({ capacity, windowSec, now: () => now });
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            if (buckets.take('k').allowed) allowed++;
          }
          return allowed <= capacity + Math.floor((now / 1000) * (capacity / windowSec)) + 1e-9;
        },
      ),
    );
  });

  it('bounds memory by dropping idle buckets', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 2, windowSec: 1, maxKeys: 10, now: () => now });
    for (let i = 0; i < 100; i++) {
      buckets.take(`id-${i}`);
      now += 1_000;
    }
    expect(buckets.size).toBeLessThanOrEqual(10);
  });
});
