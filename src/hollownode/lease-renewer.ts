// Renews many node Leases from one timer: each lease has a due time, spread evenly over the
// period when registered, so 5,000 nodes at 10 s make a steady 500 renewals a second instead of
// 5,000 at once; every tick renews what is due, a bounded number at a time.
import type { Clock } from '../machinery/clock.js';

export interface LeaseRenewerOptions {
  clock: Clock;
  periodMs: number;
  /** Renewals in flight at once. */
  concurrency: number;
  /** Writes one lease; a rejection is logged and retried at the next due time. */
  renew(name: string): Promise<void>;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

interface Slot {
  due: number;
  paused: boolean;
  inFlight: boolean;
}

export class LeaseRenewer {
  private readonly slots = new Map<string, Slot>();
  private readonly tickMs: number;
  private timer: { cancel(): void } | null = null;
  private running = false;
  private active = 0;
  private pending: string[] = [];
  private idleWaiters: (() => void)[] = [];
  /** Completed renewals, by lease name (for tests and metrics). */
  readonly renewals = new Map<string, number>();

  constructor(private readonly opts: LeaseRenewerOptions) {
    this.tickMs = Math.max(5, Math.min(1000, Math.floor(opts.periodMs / 20)));
  }

  /** Track a lease; its first renewal comes offsetMs from now (spread them over the period). */
  add(name: string, offsetMs: number): void {
    this.slots.set(name, { due: this.opts.clock.now() + offsetMs, paused: false, inFlight: false });
  }

  pause(name: string): void {
    const s = this.slots.get(name);
    if (s) s.paused = true;
  }

  /** Resume renewing, with a renewal at once. */
  resume(name: string): void {
    const s = this.slots.get(name);
    if (!s) return;
    s.paused = false;
    s.due = this.opts.clock.now();
    if (this.running) this.tick();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stops the timer and waits for renewals in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
    this.pending = [];
    if (this.active > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = this.opts.clock.setTimeout(() => {
      this.tick();
      this.schedule();
    }, this.tickMs);
  }

  private tick(): void {
    const now = this.opts.clock.now();
    for (const [name, s] of this.slots) {
      if (s.paused || s.inFlight || s.due > now) continue;
      s.inFlight = true;
      // The next due time counts from the schedule, not from when the write lands, so the spread
      // holds; a node that fell a whole period behind starts again from now.
      s.due = s.due + this.opts.periodMs <= now ? now + this.opts.periodMs : s.due + this.opts.periodMs;
      this.pending.push(name);
    }
    this.pump();
  }

  private pump(): void {
    while (this.running && this.active < this.opts.concurrency && this.pending.length > 0) {
      const name = this.pending.shift()!;
      this.active++;
      this.opts.renew(name).then(
        () => this.renewals.set(name, (this.renewals.get(name) ?? 0) + 1),
        (err: unknown) => this.opts.log?.('lease renewal failed', { node: name, err: err instanceof Error ? err.message : String(err) }),
      ).finally(() => {
        this.active--;
        const s = this.slots.get(name);
        if (s) s.inFlight = false;
        if (this.active === 0) for (const w of this.idleWaiters.splice(0)) w();
        this.pump();
      });
    }
    if (!this.running && this.active === 0) for (const w of this.idleWaiters.splice(0)) w();
  }
}
