// Compaction: drop history at or below a revision, keeping for every key the newest row at or
// below it (unless that row is a tombstone), so a read at exactly the compact revision still works.
// Each log row names the row it superseded (prev_revision), so compacting (old, rev] only has to
// delete the rows superseded by rows in that range plus the range's tombstones: work in proportion
// to the history dropped, done in chunks so writers are never held up for long.
//
// Automatic compaction samples the revision on a timer (injected clock) and compacts to the
// newest sample at least `retentionMs` old, so at least that much history stays watchable.
// Freed pages go back to the file system (incremental vacuum + WAL truncation): the file stays
// bounded under churn.
import type Database from 'better-sqlite3';
import type { Clock } from '../../machinery/clock.js';
import { StoreError } from '../types.js';
import type { StoreState } from './state.js';

/** Revisions compacted per transaction. */
const CHUNK_REVISIONS = 5000;

export interface CompactorOptions {
  retentionMs: number;
  intervalMs: number;
}

export class Compactor {
  private chain: Promise<void> = Promise.resolve();
  private timer: { cancel(): void } | null = null;
  private samples: { at: number; revision: number }[] = [];
  private stopped = false;
  private readonly deleteSuperseded;
  private readonly deleteTombstones;
  private readonly setCompactRevision;

  constructor(
    private readonly db: Database.Database,
    private readonly state: StoreState,
    private readonly clock: Clock,
    private readonly opts: CompactorOptions,
  ) {
    this.deleteSuperseded = db.prepare<[number, number]>(
      'DELETE FROM log WHERE id IN (SELECT prev_revision FROM log WHERE id > ? AND id <= ? AND prev_revision > 0)',
    );
    this.deleteTombstones = db.prepare<[number, number]>('DELETE FROM log WHERE id > ? AND id <= ? AND deleted = 1');
    this.setCompactRevision = db.prepare<[number]>(`UPDATE meta SET value = ? WHERE name = 'compact_revision'`);
  }

  /** Compacting to a revision already compacted is a no-op; beyond the latest is an error. */
  compact(revision: number): Promise<void> {
    if (this.state.closed) return Promise.reject(new StoreError('Closed', 'the store is closed'));
    if (!Number.isInteger(revision) || revision < 0) {
      return Promise.reject(new StoreError('InvalidKey', `compact revision ${revision} is not a non-negative integer`));
    }
    if (revision > this.state.revision) {
      return Promise.reject(new StoreError('FutureRevision', `cannot compact to revision ${revision}: the store is at ${this.state.revision}`));
    }
    const run = this.chain.then(() => this.run(revision));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Start the automatic compaction timer. */
  start(): void {
    if (this.opts.intervalMs <= 0 || this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      // Re-arm first: a slow round never costs a sample (rounds queue on the compaction chain).
      this.start();
      void this.autoCompact().catch(() => undefined);
    }, this.opts.intervalMs);
  }

  /** One automatic round: remember this moment's revision, compact to the newest old-enough one. */
  autoCompact(): Promise<void> {
    const now = this.clock.now();
    this.samples.push({ at: now, revision: this.state.revision });
    let target = -1;
    while (this.samples.length > 0 && this.samples[0].at <= now - this.opts.retentionMs) {
      target = this.samples.shift()!.revision;
    }
    if (target <= this.state.compactRevision) return Promise.resolve();
    return this.compact(target);
  }

  /** Stop the timer and wait for a compaction in progress to reach a chunk boundary. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.chain;
  }

  private async run(revision: number): Promise<void> {
    let freed = false;
    while (this.state.compactRevision < revision) {
      if (this.stopped) throw new StoreError('Closed', 'the store closed during compaction');
      const from = this.state.compactRevision;
      const to = Math.min(revision, from + CHUNK_REVISIONS);
      this.db.transaction(() => {
        // Superseded rows first: tombstones are themselves superseding rows.
        this.deleteSuperseded.run(from, to);
        this.deleteTombstones.run(from, to);
        this.setCompactRevision.run(to);
      }).immediate();
      this.state.compactRevision = to;
      freed = true;
      if (to < revision) await new Promise((r) => setImmediate(r));
    }
    if (freed && !this.state.closed) this.reclaim();
  }

  /** Give free pages back to the file system and reset the WAL. */
  private reclaim(): void {
    this.db.pragma('incremental_vacuum');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
