// Group commit: writes that arrive while the event loop is busy are queued and committed together
// in one transaction, then each caller's promise settles. better-sqlite3 is synchronous, so this
// batching is what lets many concurrent writers share the cost of a sync. Each write is checked
// (CAS, existence) inside the transaction on its own: one write's conflict never affects the others
// in its batch.
//
// The fsync that makes a batch durable runs off the event loop (wal-sync.ts): a committed batch
// waits for it before its callers, readers (state.revision) and watchers learn of it, while the
// writes arriving meanwhile queue up and commit together when it returns, to share the next one.
// So acknowledged means durable, as before, but the event loop no longer stops for each sync.
import type Database from 'better-sqlite3';
import type { Clock } from '../../machinery/clock.js';
import { StoreError, type KeyValue, type WatchEvent } from '../types.js';
import { KV_COLUMNS, tombstone, toKeyValue, type KvRow } from './rows.js';
import type { StoreState } from './state.js';
import { WalSync, type LogSync } from './wal-sync.js';

export type WriteOp =
  | { kind: 'create'; key: string; value: Buffer; ttlSeconds: number }
  | { kind: 'update'; key: string; value: Buffer; expectedModRevision: number; ttlSeconds: number }
  | { kind: 'delete'; key: string; expectedModRevision?: number }
  /** TTL expiry: a delete that only happens if the key is still the version that expired. */
  | { kind: 'expire'; key: string; expectedModRevision: number };

/** What a committed batch tells the rest of the store. */
export interface CommitListener {
  (events: WatchEvent[], earliestExpiry: number | null): void;
}

export interface WriterStats {
  /** Transactions committed. */
  commits: number;
  /** Writes committed (successful ones; failed CAS checks are not writes). */
  writes: number;
  /** Largest number of queued operations handled by one transaction. */
  largestBatch: number;
  /** fsyncs that made commits durable (several commits can share one). */
  syncs: number;
}

interface Pending {
  op: WriteOp;
  resolve(kv: KeyValue | null): void;
  reject(err: unknown): void;
}

type Outcome = { kv: KeyValue | null } | { err: StoreError };

/** A committed transaction waiting for the fsync that makes it durable. */
interface Committed {
  batch: Pending[];
  outcomes: Outcome[];
  events: WatchEvent[];
  earliestExpiry: number | null;
  /** The last revision it wrote. */
  revision: number;
}

/** Bounds on one transaction, so a flood of writes still commits (and wakes watchers) in steps. */
const MAX_BATCH_OPS = 2000;
const MAX_BATCH_BYTES = 64 * 1024 * 1024;

export class GroupCommitWriter {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly stats: WriterStats = { commits: 0, writes: 0, largestBatch: 0, syncs: 0 };
  /** Null: SQLite syncs inside COMMIT (synchronous = FULL) and batches settle at once. */
  private readonly wal: LogSync | null;
  /** Committed, waiting for the next fsync. */
  private unsynced: Committed[] = [];
  /** Committed, covered by the fsync now running on the thread pool. */
  private syncing: Committed[] | null = null;
  /** fsyncs still running on the thread pool (flushAll may leave one behind); close waits for them. */
  private readonly running = new Set<Promise<void>>();
  private readonly current;
  private readonly insertLog;
  private readonly upsertCurrent;
  private readonly deleteCurrent;

  constructor(
    private readonly db: Database.Database,
    private readonly state: StoreState,
    private readonly clock: Clock,
    private readonly onCommit: CommitListener,
    /** How commits become durable; by default the WAL file's own fsync (tests pass one they drive). */
    wal?: LogSync | null,
  ) {
    this.current = db.prepare<[string], KvRow & { expires_at: number | null }>(
      `SELECT ${KV_COLUMNS.split(', ').map((c) => `l.${c}`).join(', ')}, c.expires_at FROM current c JOIN log l ON l.id = c.revision WHERE c.key = ?`,
    );
    this.insertLog = db.prepare(
      'INSERT INTO log (id, key, deleted, create_revision, prev_revision, version, ttl, value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.upsertCurrent = db.prepare(
      'INSERT INTO current (key, revision, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET revision = excluded.revision, expires_at = excluded.expires_at',
    );
    this.deleteCurrent = db.prepare('DELETE FROM current WHERE key = ?');
    this.wal = wal === undefined ? WalSync.open(db) : wal;
    if (this.wal) {
      db.pragma('synchronous = NORMAL');
      // A checkpoint still fsyncs (the WAL, then the database) inside the COMMIT that triggers it, on
      // the event loop: checkpoint every ~40 MB of WAL instead of SQLite's 4 MB, so ten times fewer
      // stalls. The WAL stays below journal_size_limit (64 MB, schema.ts).
      db.pragma('wal_autocheckpoint = 10000');
    }
  }

  submit(op: WriteOp): Promise<KeyValue | null> {
    if (this.state.closed) return Promise.reject(new StoreError('Closed', 'the store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not a microtask: writers woken by the previous commit's promises get to
        // queue their next write before this batch is cut.
        setImmediate(() => this.flush());
      }
    });
  }

  getStats(): WriterStats {
    return { ...this.stats };
  }

  /**
   * Commit everything queued now and make it durable on this thread (used by close: accepted
   * writes are never dropped).
   */
  flushAll(): void {
    while (this.queue.length > 0) this.commitBatch();
    const waiting = [...(this.syncing ?? []), ...this.unsynced];
    if (waiting.length === 0) return;
    // The fsync running on the thread pool finds its batches settled and leaves them alone.
    this.syncing = null;
    this.unsynced = [];
    let err: Error | null = null;
    try {
      this.wal?.syncNow();
    } catch (e) {
      err = e as Error;
    }
    this.stats.syncs++;
    for (const c of waiting) this.settle(c, err);
  }

  /** Waits for running fsyncs to return, then releases the WAL file (after the last flushAll). */
  async close(): Promise<void> {
    await Promise.all([...this.running]);
    this.wal?.close();
  }

  private flush(): void {
    this.scheduled = false;
    // While an fsync runs, writes wait in the queue: whatever commits now would wait for the next
    // fsync anyway, so they commit together when this one returns (one transaction, fewer WAL
    // pages to write and sync) at no cost in latency.
    if (this.queue.length === 0 || this.syncing) return;
    this.commitBatch();
    this.startSync();
    if (this.queue.length > 0 && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private commitBatch(): void {
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < MAX_BATCH_OPS && (n === 0 || bytes < MAX_BATCH_BYTES)) {
      const op = this.queue[n].op;
      bytes += op.kind === 'create' || op.kind === 'update' ? op.value.length : 0;
      n++;
    }
    const batch = this.queue.splice(0, n);
    const startRevision = this.state.written;
    const outcomes: Outcome[] = [];
    const events: WatchEvent[] = [];
    let earliestExpiry: number | null = null;
    try {
      this.db.exec('BEGIN IMMEDIATE');
      const now = this.clock.now();
      for (const p of batch) {
        const result = this.apply(p.op, now, events);
        if ('expiresAt' in result) {
          if (result.expiresAt !== null && (earliestExpiry === null || result.expiresAt < earliestExpiry)) earliestExpiry = result.expiresAt;
          outcomes.push({ kv: result.kv });
        } else outcomes.push(result);
      }
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.state.written = startRevision;
      const failure = new StoreError('Unavailable', `the store could not commit: ${(err as Error).message}`);
      for (const p of batch) p.reject(failure);
      return;
    }
    this.stats.commits++;
    this.stats.writes += this.state.written - startRevision;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    const committed: Committed = { batch, outcomes, events, earliestExpiry, revision: this.state.written };
    if (!this.wal) {
      this.settle(committed, null);
      return;
    }
    this.unsynced.push(committed);
  }

  /** One fsync at a time, covering every transaction committed since the last one. */
  private startSync(): void {
    if (this.syncing || this.unsynced.length === 0 || !this.wal) return;
    const group = this.unsynced;
    this.unsynced = [];
    this.syncing = group;
    const done = new Promise<void>((resolve) => {
      this.wal!.sync((err) => {
        resolve();
        // flushAll (closing) already settled them.
        if (this.syncing !== group) return;
        this.syncing = null;
        this.stats.syncs++;
        for (const c of group) this.settle(c, err);
        // The writes that queued up meanwhile (one bounded transaction; the rest follow).
        if (this.queue.length > 0 && !this.state.closed) this.commitBatch();
        this.startSync();
        if (this.queue.length > 0 && !this.scheduled) {
          this.scheduled = true;
          setImmediate(() => this.flush());
        }
      });
    });
    this.running.add(done);
    void done.then(() => this.running.delete(done));
  }

  /**
   * The batch is durable (or its fsync failed): readers and watchers see it, callers hear. A failed
   * fsync leaves the rows in the file, so they are published all the same, but the callers get
   * Unavailable: their write may or may not survive a power loss.
   */
  private settle(c: Committed, syncErr: Error | null): void {
    this.state.revision = Math.max(this.state.revision, c.revision);
    const failure = syncErr ? new StoreError('Unavailable', `the store could not sync its log, the write may be lost: ${syncErr.message}`) : null;
    c.batch.forEach((p, i) => {
      const o = c.outcomes[i];
      if ('err' in o) p.reject(o.err);
      else if (failure) p.reject(failure);
      else p.resolve(o.kv);
    });
    if (c.events.length > 0) this.onCommit(c.events, c.earliestExpiry);
  }

  /** One write inside the open transaction. Returns the result kv (null: expiry skipped). */
  private apply(op: WriteOp, now: number, events: WatchEvent[]): { kv: KeyValue | null; expiresAt: number | null } | { err: StoreError } {
    const row = this.current.get(op.key);
    const cur = row ? toKeyValue(row) : null;
    switch (op.kind) {
      case 'create':
        if (cur) return { err: new StoreError('Exists', `key ${op.key} already exists`, cur) };
        return this.put(op.key, op.value, op.ttlSeconds, null, now, events);
      case 'update':
        if (!cur) return { err: new StoreError('NotFound', `key ${op.key} not found`, null) };
        if (cur.modRevision !== op.expectedModRevision) {
          return { err: new StoreError('Conflict', `key ${op.key} is at revision ${cur.modRevision}, not ${op.expectedModRevision}`, cur) };
        }
        return this.put(op.key, op.value, op.ttlSeconds, cur, now, events);
      case 'delete':
        if (!cur) return { err: new StoreError('NotFound', `key ${op.key} not found`, null) };
        if (op.expectedModRevision !== undefined && cur.modRevision !== op.expectedModRevision) {
          return { err: new StoreError('Conflict', `key ${op.key} is at revision ${cur.modRevision}, not ${op.expectedModRevision}`, cur) };
        }
        return this.remove(cur, events);
      case 'expire':
        // Rewritten since the sweeper looked, or not due after all: nothing to do.
        if (!cur || cur.modRevision !== op.expectedModRevision || row?.expires_at === null || (row?.expires_at ?? Infinity) > now) {
          return { kv: null, expiresAt: null };
        }
        return this.remove(cur, events);
    }
  }

  private put(key: string, value: Buffer, ttlSeconds: number, prev: KeyValue | null, now: number, events: WatchEvent[]) {
    const revision = ++this.state.written;
    const createRevision = prev ? prev.createRevision : revision;
    const version = prev ? prev.version + 1 : 1;
    const expiresAt = ttlSeconds > 0 ? now + ttlSeconds * 1000 : null;
    this.insertLog.run(revision, key, 0, createRevision, prev ? prev.modRevision : 0, version, ttlSeconds, value);
    this.upsertCurrent.run(key, revision, expiresAt);
    const kv: KeyValue = { key, value, createRevision, modRevision: revision, version };
    if (ttlSeconds > 0) kv.ttlSeconds = ttlSeconds;
    events.push({ type: 'put', kv, prevKv: prev });
    return { kv, expiresAt };
  }

  private remove(cur: KeyValue, events: WatchEvent[]) {
    const revision = ++this.state.written;
    this.insertLog.run(revision, cur.key, 1, 0, cur.modRevision, 0, 0, Buffer.alloc(0));
    this.deleteCurrent.run(cur.key);
    events.push({ type: 'delete', kv: tombstone(cur.key, revision), prevKv: cur });
    return { kv: cur, expiresAt: null };
  }
}
