// Reads: the latest state comes from `current` (an index lookup per key, never history); reads at
// an older revision and watch replays come from `log` through its (key, id) index.
import type Database from 'better-sqlite3';
import { StoreError, type GetResult, type ListOptions, type ListResult, type WatchEvent } from '../types.js';
import { prefixEnd } from '../validate.js';
import { packedSelect, readPacked, type PackedRow } from './packed-list.js';
import { KV_COLUMNS, toKeyValue, toWatchEvent, type EventRow, type KvRow, type LogRow } from './rows.js';
import type { StoreState } from './state.js';

// Aliased, so the names stay the bare column names when a statement wraps this one (packed lists).
const L_COLUMNS = KV_COLUMNS.split(', ').map((c) => `l.${c} AS ${c}`).join(', ');

export class Reader {
  private readonly getLatest;
  private readonly getAt;
  private readonly listLatest;
  private readonly listLatestFrom;
  private readonly listLatestAfter;
  private readonly listAt;
  private readonly listAtFrom;
  private readonly listAtAfter;
  private readonly countLatest;
  private readonly events;

  constructor(db: Database.Database, private readonly state: StoreState) {
    this.getLatest = db.prepare<[string], KvRow>(`SELECT ${L_COLUMNS} FROM current c JOIN log l ON l.id = c.revision WHERE c.key = ?`);
    this.getAt = db.prepare<[string, number], LogRow>(`SELECT ${KV_COLUMNS}, deleted FROM log WHERE key = ? AND id <= ? ORDER BY id DESC LIMIT 1`);
    // Lists are read packed (packed-list.ts says why): the whole range in one pass, or in chunks.
    const latest = `SELECT ${L_COLUMNS} FROM current c JOIN log l ON l.id = c.revision WHERE c.key >= ? AND c.key < ?`;
    this.listLatest = db.prepare<[string, string], PackedRow>(packedSelect(latest));
    const latestChunk = (cmp: string) =>
      db.prepare<[string, string, number], PackedRow>(
        packedSelect(`SELECT ${L_COLUMNS} FROM current c JOIN log l ON l.id = c.revision WHERE c.key ${cmp} ? AND c.key < ? ORDER BY c.key LIMIT ?`),
      );
    this.listLatestFrom = latestChunk('>=');
    this.listLatestAfter = latestChunk('>');
    // The newest row at or below the revision for each key, skipping keys whose newest is a
    // tombstone. Walks the (key, id) index in key order, so a chunk stops after `limit` keys.
    const at = (cmp: string, chunk: string) =>
      packedSelect(`SELECT ${L_COLUMNS} FROM log l
         WHERE l.key ${cmp} ? AND l.key < ? AND l.id <= ?
           AND l.id = (SELECT MAX(x.id) FROM log x WHERE x.key = l.key AND x.id <= ?)
           AND l.deleted = 0 ${chunk}`);
    this.listAt = db.prepare<[string, string, number, number], PackedRow>(at('>=', ''));
    this.listAtFrom = db.prepare<[string, string, number, number, number], PackedRow>(at('>=', 'ORDER BY l.key LIMIT ?'));
    this.listAtAfter = db.prepare<[string, string, number, number, number], PackedRow>(at('>', 'ORDER BY l.key LIMIT ?'));
    this.countLatest = db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM current WHERE key >= ? AND key < ?');
    this.events = db.prepare<[number, number, string, string, number], EventRow>(
      `SELECT ${L_COLUMNS}, l.deleted, p.id AS p_id, p.value AS p_value, p.create_revision AS p_create_revision,
              p.version AS p_version, p.ttl AS p_ttl
       FROM log l LEFT JOIN log p ON p.id = l.prev_revision AND l.prev_revision > 0
       WHERE l.id > ? AND l.id <= ? AND l.key >= ? AND l.key < ? ORDER BY l.id LIMIT ?`,
    );
  }

  get(key: string, revision?: number): GetResult {
    const at = this.resolveRevision(revision);
    if (at === this.state.revision && this.latestIsDurable()) {
      const row = this.getLatest.get(key);
      return { kv: row ? toKeyValue(row) : null, revision: at };
    }
    const row = this.getAt.get(key, at);
    return { kv: row && !row.deleted ? toKeyValue(row) : null, revision: at };
  }

  list(prefix: string, opts: ListOptions = {}): ListResult {
    const at = this.resolveRevision(opts.revision);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const hi = prefixEnd(prefix);
    const latest = at === this.state.revision && this.latestIsDurable();
    // Read one more than the limit to learn whether more follow.
    const want = limit > 0 ? limit + 1 : Infinity;
    const after = opts.startAfter !== undefined && opts.startAfter >= prefix;
    const lo = after ? (opts.startAfter as string) : prefix;
    const kvs = readPacked(
      latest
        ? {
            whole: () => this.listLatest.get(prefix, hi),
            chunk: (from, exclusive, n) => (exclusive ? this.listLatestAfter : this.listLatestFrom).get(from, hi, n),
          }
        : {
            whole: () => this.listAt.get(prefix, hi, at, at),
            chunk: (from, exclusive, n) => (exclusive ? this.listAtAfter : this.listAtFrom).get(from, hi, at, at, n),
          },
      lo,
      after,
      want,
    );
    const more = limit > 0 && kvs.length > limit;
    if (more) kvs.length = limit;
    return { kvs, revision: at, more };
  }

  /**
   * `current` holds rows still waiting for their fsync (writer.ts) while state.written is ahead:
   * then reads at the latest revision go through the log at that revision instead.
   */
  private latestIsDurable(): boolean {
    return this.state.written === this.state.revision;
  }

  /** Counts `current`, which may include writes still waiting for their fsync (an estimate for metrics). */
  count(prefix: string): number {
    return this.countLatest.get(prefix, prefixEnd(prefix))?.n ?? 0;
  }

  /** Log entries under prefix with afterRevision < revision <= uptoRevision, oldest first. */
  eventsBetween(prefix: string, afterRevision: number, uptoRevision: number, limit: number): WatchEvent[] {
    return this.events.all(afterRevision, uptoRevision, prefix, prefixEnd(prefix), limit).map(toWatchEvent);
  }

  private resolveRevision(revision: number | undefined): number {
    if (revision === undefined || revision === 0) return this.state.revision;
    if (!Number.isInteger(revision) || revision < 0) throw new StoreError('InvalidKey', `revision ${revision} is not a non-negative integer`);
    if (revision > this.state.revision) {
      throw new StoreError('FutureRevision', `revision ${revision} is newer than the store's current revision ${this.state.revision}`);
    }
    if (revision < this.state.compactRevision) {
      throw new StoreError('Compacted', `revision ${revision} has been compacted; the oldest readable revision is ${this.state.compactRevision}`);
    }
    return revision;
  }
}
