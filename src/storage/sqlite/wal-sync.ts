// Durability off the event loop. With `synchronous = FULL` SQLite fsyncs the WAL inside COMMIT,
// and better-sqlite3 runs COMMIT on the event loop: every write batch stopped the whole API server
// for one fsync (3-5 ms on this kind of disk), most of its time under load. Instead the store
// commits with `synchronous = NORMAL` (COMMIT only write()s the WAL: it survives the process being
// killed, not yet a power loss) and fsyncs the WAL file itself on libuv's thread pool; the writer
// acknowledges a write, and shows it to readers and watchers, only after that fsync, so an
// acknowledged write survives power loss exactly as before. In WAL mode SQLite still syncs the WAL
// before a checkpoint copies it into the database and the database after, so a checkpoint never
// depends on our fsync.
//
// The WAL is opened once: SQLite keeps the same file (truncating, never deleting it) until the
// connection closes. Where it cannot be opened (an in-memory database), the store keeps FULL.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';

/** What the writer needs from the thing that makes its commits durable. */
export interface LogSync {
  sync(done: (err: Error | null) => void): void;
  syncNow(): void;
  close(): void;
}

export class WalSync implements LogSync {
  private constructor(private fd: number | null) {}

  /** The WAL of `db` (in WAL mode, already opened by a read), or null when there is none to sync. */
  static open(db: Database.Database): WalSync | null {
    if (db.memory) return null;
    const file = `${db.name}-wal`;
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return null;
    }
    try {
      // The WAL's directory entry must be durable too, or a power loss could lose the whole file.
      const dir = fs.openSync(path.dirname(file), 'r');
      try {
        fs.fsyncSync(dir);
      } finally {
        fs.closeSync(dir);
      }
      fs.fsyncSync(fd);
    } catch {
      fs.closeSync(fd);
      return null;
    }
    return new WalSync(fd);
  }

  /**
   * fdatasync on the thread pool: everything written to the WAL before this call is durable at
   * `done`. fdatasync flushes the data and the file size, all a WAL needs (SQLite's unix VFS
   * prefers it too), without waiting on a file-system journal commit for the modification time.
   */
  sync(done: (err: Error | null) => void): void {
    if (this.fd === null) {
      done(new Error('the WAL file is closed'));
      return;
    }
    fs.fdatasync(this.fd, done);
  }

  /** The same on this thread (closing the store). */
  syncNow(): void {
    if (this.fd !== null) fs.fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }
}
