// TTL expiry: one timer (on the injected clock) set for the earliest expiry in `current`. When it
// fires, every due key is deleted through the writer at a new revision, so watchers see an
// ordinary delete. A key rewritten meanwhile is left alone (the expiry carries the revision it saw).
import type Database from 'better-sqlite3';
import type { Clock } from '../../machinery/clock.js';

/** Longest single timer: Node's setTimeout overflows past 2^31-1 ms; we simply look again later. */
const MAX_TIMER_MS = 60 * 60 * 1000;
/** Keys expired per sweep; the rest follow on the next, immediate, sweep. */
const SWEEP_LIMIT = 1000;

export type ExpireFn = (key: string, revision: number) => Promise<unknown>;

export class ExpirySweeper {
  private timer: { cancel(): void } | null = null;
  private timerAt = Infinity;
  private sweeping = false;
  private stopped = false;
  private readonly due;
  private readonly earliest;

  constructor(
    db: Database.Database,
    private readonly clock: Clock,
    private readonly expire: ExpireFn,
  ) {
    this.due = db.prepare<[number, number], { key: string; revision: number }>(
      'SELECT key, revision FROM current WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?',
    );
    this.earliest = db.prepare<[], { at: number | null }>('SELECT MIN(expires_at) AS at FROM current WHERE expires_at IS NOT NULL');
  }

  /** Look at the file for the earliest expiry (start-up, and after each sweep). */
  start(): void {
    const at = this.earliest.get()?.at ?? null;
    if (at !== null) this.note(at);
  }

  /** A write set an expiry at `at` (ms): make sure the timer fires by then. */
  note(at: number): void {
    if (this.stopped || this.sweeping || at >= this.timerAt) return;
    this.timer?.cancel();
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.clock.now()));
    this.timerAt = this.clock.now() + delay;
    if (delay === 0) {
      // Already due: sweep on the next turn rather than wait for a clock that tests drive by hand.
      const im = setImmediate(() => this.sweep());
      this.timer = { cancel: () => clearImmediate(im) };
    } else {
      this.timer = this.clock.setTimeout(() => this.sweep(), delay);
    }
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
  }

  private sweep(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.stopped) return;
    const due = this.due.all(this.clock.now(), SWEEP_LIMIT);
    if (due.length === 0) {
      this.start();
      return;
    }
    this.sweeping = true;
    void Promise.allSettled(due.map((d) => this.expire(d.key, d.revision))).then(() => {
      this.sweeping = false;
      if (!this.stopped) this.start();
    });
  }
}
