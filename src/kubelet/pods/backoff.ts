// Kubernetes' crash-loop back-off (client-go flowcontrol.Backoff as the kubelet uses it): 10 s,
// doubling on each restart up to 5 min; an entry untouched for twice the maximum (10 min) starts
// again from 10 s. A container is "in back-off" while less than the current delay has passed since
// it last finished.
import type { Clock } from '../../machinery/clock.js';

export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;

interface Entry { backoffMs: number; lastUpdate: number }

export class Backoff {
  private entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock, private readonly initialMs = BACKOFF_INITIAL_MS, private readonly maxMs = BACKOFF_MAX_MS) {}

  private expired(e: Entry, at: number): boolean {
    return at - e.lastUpdate > 2 * this.maxMs;
  }

  /** The current delay for id (0 when none). */
  get(id: string): number {
    return this.entries.get(id)?.backoffMs ?? 0;
  }

  /** True while less than the current delay has passed since eventTime (ms). */
  isInBackOffSince(id: string, eventTime: number): boolean {
    const e = this.entries.get(id);
    const now = this.clock.now();
    if (!e || this.expired(e, now)) return false;
    return now - eventTime < e.backoffMs;
  }

  /** Records one more restart: the first (or after a long quiet) sets the initial delay, later ones double it. */
  next(id: string, eventTime: number): void {
    const e = this.entries.get(id);
    if (!e || this.expired(e, eventTime)) {
      this.entries.set(id, { backoffMs: this.initialMs, lastUpdate: this.clock.now() });
    } else {
      e.backoffMs = Math.min(e.backoffMs * 2, this.maxMs);
      e.lastUpdate = this.clock.now();
    }
  }

  /** When the back-off that started at eventTime ends (ms since the epoch). */
  endsAt(id: string, eventTime: number): number {
    return eventTime + this.get(id);
  }

  /** Forgets entries of ids starting with prefix (a pod's containers when the pod goes). */
  forget(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  /** Drops entries idle for more than twice the maximum. */
  gc(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (this.expired(e, now)) this.entries.delete(k);
  }
}

/** A duration as Go's time.Duration.String() prints it ("10s", "1m20s", "5m0s"): messages quote it. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const totalS = ms / 1000;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS - h * 3600 - m * 60;
  const sec = `${Number.isInteger(s) ? s : Number(s.toFixed(9))}s`;
  if (h) return `${h}h${m}m${sec}`;
  if (m) return `${m}m${sec}`;
  return sec;
}
