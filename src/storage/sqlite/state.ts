// The few numbers every part of the SQLite store shares. They change only inside this process:
// the file is opened in EXCLUSIVE mode, so no other writer can move them.
export interface StoreState {
  /** The latest committed revision. */
  revision: number;
  /** History at or below this revision is gone (reads exactly at it still work, as in etcd). */
  compactRevision: number;
  closed: boolean;
}
