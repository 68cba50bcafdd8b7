// Work-queue rate limiters as client-go defines them: how long an item waits before it is retried.
// The default combines a per-item exponential backoff (a failing key waits 5 ms, 10 ms, ... up to
// 1000 s) with one token bucket for the whole queue (10 per second, bursts of 100), so neither one
// broken object nor a thousand of them can hammer the API server.
import type { Clock } from '../machinery/clock.js';

export interface RateLimiter<K> {
  /** The delay before `item` may be processed again; counts a failure of `item`. */
  when(item: K): number;
  /** The item succeeded: forget its failures. */
  forget(item: K): void;
  numRequeues(item: K): number;
}

/** base * 2^failures, capped at max (client-go ItemExponentialFailureRateLimiter). */
export class ItemExponentialRateLimiter<K> implements RateLimiter<K> {
  private failures = new Map<K, number>();
  constructor(private baseMs = 5, private maxMs = 1000 * 1000) {}
  when(item: K): number {
    const n = this.failures.get(item) ?? 0;
    this.failures.set(item, n + 1);
    const delay = this.baseMs * Math.pow(2, n);
    return Number.isFinite(delay) && delay < this.maxMs ? delay : this.maxMs;
  }
  forget(item: K): void {
    this.failures.delete(item);
  }
  numRequeues(item: K): number {
    return this.failures.get(item) ?? 0;
  }
}

/** A token bucket (golang.org/x/time/rate Reserve semantics): each call takes a token, borrowing from the future when empty. */
export class BucketRateLimiter<K> implements RateLimiter<K> {
  private tokens: number;
  private last: number;
  constructor(private qps: number, private burst: number, private clock: Clock) {
    this.tokens = burst;
    this.last = clock.now();
  }
  when(_item: K): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }
  forget(_item: K): void {}
  numRequeues(_item: K): number {
    return 0;
  }
}

/** The longest delay of several limiters. */
export class MaxOfRateLimiter<K> implements RateLimiter<K> {
  private limiters: RateLimiter<K>[];
  constructor(...limiters: RateLimiter<K>[]) {
    this.limiters = limiters;
  }
  when(item: K): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(item)));
  }
  forget(item: K): void {
    for (const l of this.limiters) l.forget(item);
  }
  numRequeues(item: K): number {
    return Math.max(0, ...this.limiters.map((l) => l.numRequeues(item)));
  }
}

/** client-go DefaultControllerRateLimiter: max(5 ms..1000 s per item, 10 qps / burst 100 overall). */
export function defaultControllerRateLimiter<K>(clock: Clock): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(new ItemExponentialRateLimiter<K>(5, 1000 * 1000), new BucketRateLimiter<K>(10, 100, clock));
}
