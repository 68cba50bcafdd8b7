// Automatic compaction, the way kube-apiserver drives etcd's: every interval, compact to the
// revision that was current one interval ago, so at least one interval of history is always kept.
// Several stores sharing an etcd may all run one; compacting to an already-compacted revision is a
// no-op, and each compacts only revisions older than its interval.
import type { Clock } from '../../machinery/clock.js';

export interface CompactorTarget {
  currentRevision(): Promise<number>;
  compact(revision: number): Promise<void>;
}

export class Compactor {
  private timer: { cancel(): void } | null = null;
  private previous = 0;
  private stopped = false;

  constructor(
    private readonly target: CompactorTarget,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      const current = await this.target.currentRevision();
      if (this.previous > 0) await this.target.compact(this.previous);
      this.previous = current;
    } catch (err) {
      this.onError(err);
    }
    if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.tick(), this.intervalMs);
  }
}
