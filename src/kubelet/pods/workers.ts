// Per-pod workers: syncs of one pod never overlap, pods proceed in parallel, and triggers that
// arrive during a sync coalesce into one more sync after it (the kubelet's podWorkers).
import type { Clock } from '../../machinery/clock.js';
import type { KubeletLog } from '../types.js';

interface Slot { running: Promise<void> | null; again: boolean; timer: { cancel(): void } | null; timerAt: number }

export class PodWorkers {
  private slots = new Map<string, Slot>();
  private stopped = false;

  constructor(private readonly sync: (uid: string) => Promise<void>, private readonly clock: Clock, private readonly log: KubeletLog = () => {}) {}

  /** Syncs the pod as soon as it is not already syncing. */
  trigger(uid: string): void {
    if (this.stopped) return;
    let s = this.slots.get(uid);
    if (!s) this.slots.set(uid, (s = { running: null, again: false, timer: null, timerAt: 0 }));
    if (s.running) { s.again = true; return; }
    const slot = s;
    slot.running = (async () => {
      do {
        slot.again = false;
        try {
          await this.sync(uid);
        } catch (err) {
          this.log('pod sync failed', { uid, err: (err as Error).message });
          // A failed sync is retried soon rather than waiting for the next event.
          this.at(uid, this.clock.now() + 1000);
        }
      } while (slot.again && !this.stopped);
      slot.running = null;
      if (!slot.timer) this.slots.delete(uid);
    })();
  }

  /** True while a sync of the pod runs (or is about to run again). */
  isSyncing(uid: string): boolean {
    return !!this.slots.get(uid)?.running;
  }

  /** Syncs the pod at (or soon after) a time; the earliest pending request wins. */
  at(uid: string, when: number): void {
    if (this.stopped) return;
    let s = this.slots.get(uid);
    if (!s) this.slots.set(uid, (s = { running: null, again: false, timer: null, timerAt: 0 }));
    if (s.timer && s.timerAt <= when) return;
    s.timer?.cancel();
    const slot = s;
    slot.timerAt = when;
    slot.timer = this.clock.setTimeout(() => {
      slot.timer = null;
      this.trigger(uid);
    }, Math.max(0, when - this.clock.now()));
  }

  /** Resolves when no sync is running. */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.slots.values()].map((s) => s.running).filter((p): p is Promise<void> => !!p);
      if (!running.length) return;
      await Promise.all(running);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.slots.values()) { s.timer?.cancel(); s.timer = null; }
    await this.idle();
    this.slots.clear();
  }
}
