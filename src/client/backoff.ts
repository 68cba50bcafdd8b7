// Exponential backoff with jitter, shared by the REST client's retries and the reflector's
// reconnects. Jitter spreads a crowd of clients that all lost the same server apart again.
import type { Clock } from '../machinery/clock.js';

export interface BackoffOptions {
  /** First delay in ms. */
  initialMs: number;
  /** Upper bound for a delay in ms (before jitter). */
  maxMs: number;
  /** Growth per step (default 2). */
  factor?: number;
  /** Up to this fraction of the delay is added at random (default 1: 1x..2x, as client-go's wait.Jitter). */
  jitter?: number;
  random?: () => number;
}

/** The delay before retry number `attempt` (0 = first retry). */
export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const base = Math.min(o.maxMs, o.initialMs * Math.pow(o.factor ?? 2, attempt));
  const jitter = o.jitter ?? 1;
  return Math.round(base + base * jitter * (o.random ?? Math.random)());
}

/** A stateful backoff: grows on each failure, returns to the start after reset(). */
export class Backoff {
  private attempt = 0;
  constructor(private o: BackoffOptions) {}
  next(): number {
    return backoffDelay(this.attempt++, this.o);
  }
  reset(): void {
    this.attempt = 0;
  }
}

/** Sleeps on the injected clock; resolves early (false) when the signal aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) { resolve(false); return; }
    const onAbort = () => { t.cancel(); resolve(false); };
    const t = clock.setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(true); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After as seconds (the API server sends an integer; HTTP-dates are accepted too). */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v === '') return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
}
