/**
 * Per-identity token buckets, in memory, per process. Each identity may burst `capacity` requests and then gets
 * `capacity / windowSec` more per second. With N replicas the effective limit is N times higher: that is accepted
 * (the limit protects each instance and bounds a runaway client; a shared store can replace this class later).
 */
export interface TokenBucketOptions {
  capacity: number;
  windowSec: number;
  /** Buckets kept before idle (full) ones are dropped: bounds memory under many identities. */
  maxKeys?: number;
  now?: () => number;
}

export type TakeResult = { allowed: true; remaining: number } | { allowed: false; retryAfterSec: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenBucketOptions) {
    if (options.capacity < 1 || options.windowSec <= 0)
      throw new Error('token bucket needs capacity >= 1 and windowSec > 0');
    this.perMs = options.capacity / (options.windowSec * 1000);
    this.now = options.now ?? Date.now;
  }

  take(key: string): TakeResult {
    const now = this.now();
    const bucket = this.refill(this.buckets.get(key) ?? { tokens: this.options.capacity, at: now }, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.buckets.delete(key); // re-insert: the map stays ordered by last use
      this.buckets.set(key, bucket);
      this.evictIdle(now);
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    this.buckets.set(key, bucket);
    return { allowed: false, retryAfterSec: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perMs / 1000)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private refill(bucket: Bucket, now: number): Bucket {
    const tokens = Math.min(this.options.capacity, bucket.tokens + (now - bucket.at) * this.perMs);
    return { tokens, at: now };
  }

  private evictIdle(now: number): void {
    const max = this.options.maxKeys ?? 100_000;
    for (const [key, bucket] of this.buckets) {
      if (this.buckets.size <= max) return;
      // least recently used first; a full bucket forgets nothing by being dropped
      if (this.refill(bucket, now).tokens >= this.options.capacity || this.buckets.size > 2 * max)
        this.buckets.delete(key);
    }
  }
}
