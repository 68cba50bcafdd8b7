// The few numbers every part of the SQLite store shares. They change only inside this process:
// the file is opened in EXCLUSIVE mode, so no other writer can move them.
export interface StoreState {
  /** The latest durable revision: what readers and watchers see as the latest. */
  revision: number;
  /**
   * The latest revision written to the file (>= revision): the writer's own counter. Rows above
   * `revision` wait for their fsync (writer.ts) and must not be shown yet.
   */
  written: number;
  /** History at or below this revision is gone (reads exactly at it still work, as in etcd). */
  compactRevision: number;
  closed: boolean;
}
