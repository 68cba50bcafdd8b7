// The controller work queue with client-go semantics. Handlers add keys; workers get() them. A key
// waiting in the queue is held once however often it is added (dirty set); a key being processed
// is never handed to a second worker: if it is added meanwhile it is queued again on done(), so the
// newest state is always processed once more after the change that caused the add.
import { realClock, type Clock } from '../machinery/clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions<K> {
  clock?: Clock;
  rateLimiter?: RateLimiter<K>;
  /** For logs. */
  name?: string;
}

export class WorkQueue<K = string> {
  private queue: K[] = [];
  private dirty = new Set<K>();
  private processing = new Set<K>();
  private waiters: ((k: K | undefined) => void)[] = [];
  private delayed = new Map<K, { at: number; cancel(): void }>();
  private shuttingDown = false;
  private drainWaiters: (() => void)[] = [];
  private readonly clock: Clock;
  private readonly limiter: RateLimiter<K>;
  readonly name: string;

  constructor(opts: WorkQueueOptions<K> = {}) {
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
    this.name = opts.name ?? '';
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  private push(key: K): void {
    const w = this.waiters.shift();
    if (w) {
      // Handed straight to a waiting worker: it is processing from now on.
      this.dirty.delete(key);
      this.processing.add(key);
      w(key);
    } else {
      this.queue.push(key);
    }
  }

  /** The next key, or undefined once the queue is shut down and empty. Call done(key) after. */
  get(): Promise<K | undefined> {
    const key = this.queue.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Processing of key finished; if it was added meanwhile it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    // Added while it was processed: queue it now (even during shutdown, as client-go does).
    if (this.dirty.has(key)) this.push(key);
    if (this.processing.size === 0) for (const d of this.drainWaiters.splice(0)) d();
  }

  len(): number {
    return this.queue.length;
  }

  /** Adds key after ms on the queue's clock; a key already waiting keeps the earlier time. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) { this.add(key); return; }
    const at = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const t = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, cancel: () => t.cancel() });
  }

  /** Adds key after the rate limiter says so (per-item backoff and the overall bucket). */
  addRateLimited(key: K): void {
    this.addAfter(key, this.limiter.when(key));
  }

  /** The key succeeded: reset its backoff. */
  forget(key: K): void {
    this.limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.limiter.numRequeues(key);
  }

  shuttingDownNow(): boolean {
    return this.shuttingDown;
  }

  /** Stops accepting keys; workers get the keys still queued, then undefined. Delayed adds are dropped. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const d of this.delayed.values()) d.cancel();
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }

  /** shutDown(), then resolves once every key handed out has been marked done. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }
}

export interface RunWorkersOptions {
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * n workers calling sync(key) until the queue shuts down: success forgets the key's backoff, an
 * error re-adds it rate-limited. Resolves when every worker has exited.
 */
export async function runWorkers<K>(queue: WorkQueue<K>, n: number, sync: (key: K) => Promise<void>, opts: RunWorkersOptions = {}): Promise<void> {
  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        opts.log?.('sync failed; requeueing with backoff', { queue: queue.name, key: String(key), requeues: queue.numRequeues(key), err: (err as Error)?.message ?? String(err) });
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
}
