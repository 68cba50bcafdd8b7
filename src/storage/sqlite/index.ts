// The embedded store: etcd's MVCC model on one SQLite file. This file only wires the parts:
// schema.ts (opening, checks), writer.ts (group commit), reads.ts, watch-hub.ts, expiry.ts (TTL),
// compactor.ts.
import type Database from 'better-sqlite3';
import { realClock, type Clock } from '../../machinery/clock.js';
import {
  DEFAULT_COMPACTION_RETENTION_MS,
  StoreError,
  type GetOptions,
  type GetResult,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type Watch,
  type WatchHandlers,
  type WriteOptions,
} from '../types.js';
import { assertValidKey, assertValidTtl, assertValidValue } from '../validate.js';
import { Compactor } from './compactor.js';
import { ExpirySweeper } from './expiry.js';
import { Reader } from './reads.js';
import { openDatabase } from './schema.js';
import type { StoreState } from './state.js';
import { WatchHub } from './watch-hub.js';
import { GroupCommitWriter, type WriteOp } from './writer.js';

export interface SqliteStoreOptions {
  /** The database file; created (with its schema) when missing. */
  path: string;
  clock?: Clock;
  /** History kept by automatic compaction (default 5 minutes). */
  compactionRetentionMs?: number;
  /** How often automatic compaction looks (default 1 minute; 0 disables it). */
  compactionIntervalMs?: number;
  /** Events a watcher may have waiting before it is ended with 'WatcherTooSlow' (default 10,000). */
  watchBufferLimit?: number;
}

export interface SqliteStoreStats {
  revision: number;
  compactRevision: number;
  /** Write transactions committed (group commit: many writes per transaction under load). */
  commits: number;
  /** Writes committed. */
  writes: number;
  largestBatch: number;
  /** fsyncs that made commits durable. */
  syncs: number;
  watchers: number;
}

export class SqliteStore implements Store {
  private readonly state: StoreState;
  private readonly reader: Reader;
  private readonly writer: GroupCommitWriter;
  private readonly hub: WatchHub;
  private readonly expiry: ExpirySweeper;
  private readonly compactor: Compactor;
  private closing: Promise<void> | null = null;
  private readonly db: Database.Database;

  constructor(private readonly opts: SqliteStoreOptions) {
    const clock = opts.clock ?? realClock;
    const opened = openDatabase(opts.path);
    const db = opened.db;
    this.db = db;
    this.state = { revision: opened.revision, written: opened.revision, compactRevision: opened.compactRevision, closed: false };
    this.reader = new Reader(db, this.state);
    this.hub = new WatchHub(this.reader, this.state, opts.watchBufferLimit ?? 10_000);
    this.expiry = new ExpirySweeper(db, clock, (key, revision) => this.writer.submit({ kind: 'expire', key, expectedModRevision: revision }));
    this.writer = new GroupCommitWriter(db, this.state, clock, (events, earliestExpiry) => {
      this.hub.publish(events);
      if (earliestExpiry !== null) this.expiry.note(earliestExpiry);
    });
    this.compactor = new Compactor(db, this.state, clock, {
      retentionMs: opts.compactionRetentionMs ?? DEFAULT_COMPACTION_RETENTION_MS,
      intervalMs: opts.compactionIntervalMs ?? 60_000,
    });
    this.expiry.start();
    this.compactor.start();
  }

  async get(key: string, opts: GetOptions = {}): Promise<GetResult> {
    this.assertOpen();
    return this.reader.get(key, opts.revision);
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    return this.reader.list(prefix, opts);
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    return this.reader.count(prefix);
  }

  async create(key: string, value: Buffer, opts: WriteOptions = {}): Promise<KeyValue> {
    assertValidKey(key);
    assertValidValue(value);
    assertValidTtl(opts.ttlSeconds);
    return this.write({ kind: 'create', key, value, ttlSeconds: opts.ttlSeconds ?? 0 });
  }

  async update(key: string, value: Buffer, expectedModRevision: number, opts: WriteOptions = {}): Promise<KeyValue> {
    assertValidKey(key);
    assertValidValue(value);
    assertValidTtl(opts.ttlSeconds);
    return this.write({ kind: 'update', key, value, expectedModRevision, ttlSeconds: opts.ttlSeconds ?? 0 });
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    assertValidKey(key);
    return this.write({ kind: 'delete', key, expectedModRevision });
  }

  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch {
    return this.hub.watch(prefix, afterRevision, handlers);
  }

  compact(revision: number): Promise<void> {
    return this.compactor.compact(revision);
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.state.revision;
  }

  async compactRevision(): Promise<number> {
    this.assertOpen();
    return this.state.compactRevision;
  }

  /** One round of automatic compaction now (what the timer does), for tests and operators. */
  runAutoCompaction(): Promise<void> {
    return this.compactor.autoCompact();
  }

  stats(): SqliteStoreStats {
    return {
      ...this.writer.getStats(),
      revision: this.state.revision,
      compactRevision: this.state.compactRevision,
      watchers: this.hub.size,
    };
  }

  /** Commits writes already accepted, ends watchers with 'Closed', releases the file. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.writer.flushAll();
    this.state.closed = true;
    this.expiry.stop();
    await this.compactor.stop();
    // Writes an expiry sweep queued while we waited.
    this.writer.flushAll();
    await this.writer.close();
    this.hub.endAll(new StoreError('Closed', 'the store is closed'));
    try {
      // Keeps the query planner's statistics fresh for the next start; cheap when nothing changed.
      this.db.pragma('optimize');
    } finally {
      this.db.close();
    }
    // Let the watchers' onError calls run before close() resolves.
    await new Promise((r) => setImmediate(r));
  }

  private async write(op: WriteOp): Promise<KeyValue> {
    return (await this.writer.submit(op)) as KeyValue;
  }

  private assertOpen(): void {
    if (this.state.closed) throw new StoreError('Closed', 'the store is closed');
  }
}

export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(opts);
}
