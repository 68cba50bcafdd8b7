// The Store contract: etcd's MVCC model, spoken by every backend (embedded SQLite, real etcd).
//
// Words as etcd uses them:
// - revision: cluster-wide counter, +1 for every write (create, update, delete, TTL expiry).
// - createRevision: the revision at which the key was (last) created.
// - modRevision: the revision of the key's last write.
// - version: number of writes to the key since its creation (1 after create).
// Revisions are 64-bit integers in the backends; in JavaScript they are `number`, exact up to 2^53.

export interface KeyValue {
  key: string;
  value: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
  /** Seconds-to-live the key was written with, if any (0/undefined = none). */
  ttlSeconds?: number;
}

export interface GetOptions {
  /** Read as of this revision (must not be compacted away). Default: latest. */
  revision?: number;
}

export interface GetResult {
  kv: KeyValue | null;
  /** The store revision the read was served at. */
  revision: number;
}

export interface ListOptions {
  /** Maximum number of keys to return; 0/undefined = all. */
  limit?: number;
  /** Return only keys strictly greater than this one (paging: pass the last key of the previous page). */
  startAfter?: string;
  /** Read as of this revision (must not be compacted away). Default: latest. Use the first page's
   *  revision for every later page so a paged list is one consistent snapshot. */
  revision?: number;
}

export interface ListResult {
  kvs: KeyValue[];
  /** The revision the list was read at (consistent for all returned keys). */
  revision: number;
  /** True when more keys under the prefix follow the last returned key. */
  more: boolean;
}

export interface WriteOptions {
  /** Expire the key this many seconds after the write; expiry is a delete at a new revision. */
  ttlSeconds?: number;
}

export type WatchEventType = 'put' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  /** The key after the event. For deletes: key, empty value, modRevision = the delete's revision. */
  kv: KeyValue;
  /** The key's value before this event; null for a create. Always set for deletes. */
  prevKv: KeyValue | null;
}

export interface WatchHandlers {
  /** Events in revision order, never a gap, never a repeat. Called with batches. A handler may
   *  return a Promise: the backend then waits for it before handing this watcher its next batch
   *  and buffers meanwhile (bounded: past the limit the watch ends with 'WatcherTooSlow'). */
  onEvents(events: WatchEvent[]): void | Promise<void>;
  /** The watch has ended (compacted start revision, watcher too slow, store closed...).
   *  No events follow. The watcher may resume from the last revision it saw. */
  onError(err: StoreError): void;
}

export interface Watch {
  /** Stop delivering; idempotent. */
  cancel(): void;
}

export interface Store {
  get(key: string, opts?: GetOptions): Promise<GetResult>;
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Count keys under prefix at the latest revision. */
  count(prefix: string): Promise<number>;
  /** Fails with code 'Exists' if the key is present. */
  create(key: string, value: Buffer, opts?: WriteOptions): Promise<KeyValue>;
  /** Compare-and-swap on modRevision. 'NotFound' if absent, 'Conflict' if stale; nothing changes then. */
  update(key: string, value: Buffer, expectedModRevision: number, opts?: WriteOptions): Promise<KeyValue>;
  /** Returns the deleted key-value (prevKv). 'NotFound' if absent, 'Conflict' if the expectation is stale. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /** Every change under prefix with revision > afterRevision. 'Compacted' (via onError) if that
   *  history is gone. afterRevision = current revision means "only future changes". */
  watch(prefix: string, afterRevision: number, handlers: WatchHandlers): Watch;
  /** Drop history at or below revision (the latest version of each live key is kept). */
  compact(revision: number): Promise<void>;
  /** The latest revision. */
  currentRevision(): Promise<number>;
  /** The oldest revision still readable (anything at or below compactRevision is gone). */
  compactRevision(): Promise<number>;
  close(): Promise<void>;
}

export type StoreErrorCode =
  | 'NotFound'
  | 'Exists'
  | 'Conflict'
  | 'Compacted' // revision requested is older than the compaction point (API: 410 Gone / Expired)
  | 'FutureRevision' // revision requested is newer than the store's
  | 'TooLarge' // value over MAX_VALUE_BYTES
  | 'InvalidKey'
  | 'WatcherTooSlow' // watcher's buffer overflowed; resume from the last seen revision
  | 'Corrupt' // the database cannot be trusted (refuse to start)
  | 'Unsupported' // e.g. database schema newer than this build
  | 'Closed'
  | 'Unavailable'; // backend not reachable

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** For Conflict/Exists: the current key-value, when the backend knows it. */
    readonly current?: KeyValue | null,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

/** etcd's default request limit: objects larger than this are refused (Kubernetes' 1.5 MiB). */
export const MAX_VALUE_BYTES = 1572864;
/** Keys are printable, non-empty and bounded (etcd's practical limit is far above this). */
export const MAX_KEY_BYTES = 3072;
/** History kept by automatic compaction (Kubernetes compacts every 5 minutes). */
export const DEFAULT_COMPACTION_RETENTION_MS = 5 * 60 * 1000;
