// Opening the SQLite file: refuse anything we cannot trust, initialise a new file, set durability.
//
// Layout (why two tables): `log` is the append-only history, one row per write, id = revision;
// it serves watches, reads at old revisions and compaction. `current` maps each live key to the
// log row holding its latest value, so get/list/count at the latest revision never scan history
// (kine's GROUP BY over the whole log is what makes its lists slow).
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { StoreError } from '../types.js';

/** Bump when the layout changes; a file with a higher number is refused, never downgraded. */
export const SCHEMA_VERSION = 1;
/** SQLite's header field for "which application owns this file": ASCII 'k8ts'. */
export const APPLICATION_ID = 0x6b387473;
export const MAGIC = 'k8ts-store';

const SCHEMA_SQL = `
CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value ANY NOT NULL
) WITHOUT ROWID, STRICT;

CREATE TABLE log (
  id              INTEGER PRIMARY KEY,  -- the revision (64-bit)
  key             TEXT NOT NULL,
  deleted         INTEGER NOT NULL,     -- 1: tombstone (delete or TTL expiry)
  create_revision INTEGER NOT NULL,     -- 0 for tombstones
  prev_revision   INTEGER NOT NULL,     -- the row this write superseded (0: none); gives prevKv
  version         INTEGER NOT NULL,     -- 0 for tombstones
  ttl             INTEGER NOT NULL,     -- seconds-to-live written with (0: none)
  value           BLOB NOT NULL
) STRICT;
CREATE INDEX log_key_id ON log (key, id);

CREATE TABLE current (
  key        TEXT PRIMARY KEY,
  revision   INTEGER NOT NULL,          -- log.id of the key's latest write
  expires_at INTEGER                    -- ms since epoch (injected clock), NULL: never
) WITHOUT ROWID, STRICT;
CREATE INDEX current_expiry ON current (expires_at) WHERE expires_at IS NOT NULL;
`;

const REQUIRED_TABLES = ['meta', 'log', 'current'];

export interface OpenedDatabase {
  db: Database.Database;
  /** Highest revision ever assigned (survives compaction of a trailing tombstone). */
  revision: number;
  compactRevision: number;
}

export function openDatabase(path: string): OpenedDatabase {
  const hadData = fs.existsSync(path) && fs.statSync(path).size > 0;
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (err) {
    throw new StoreError('Unavailable', `cannot open store file ${path}: ${(err as Error).message}`);
  }
  try {
    // One process owns the file: the revision counter lives in memory, a second writer would fork
    // history. EXCLUSIVE also spares the shared-memory file in WAL mode.
    db.pragma('locking_mode = EXCLUSIVE');
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (tables.length === 0 && appId === 0) {
      initialise(db);
    } else {
      checkExisting(db, path, tables, appId);
    }
    db.pragma('journal_mode = WAL');
    // FULL: every commit fsyncs the WAL, so an acknowledged write survives a crash or power loss.
    // The writer lowers this to NORMAL when it can fsync the WAL itself, off the event loop, before
    // acknowledging (writer.ts, wal-sync.ts): the same guarantee without blocking on each sync.
    db.pragma('synchronous = FULL');
    // After a checkpoint, shrink a WAL that a burst inflated.
    db.pragma('journal_size_limit = 67108864');
    // Take the exclusive lock now, so a second process fails at start-up, not at its first write.
    db.exec('BEGIN IMMEDIATE; COMMIT');
    const meta = readMeta(db);
    const maxId = (db.prepare('SELECT MAX(id) AS m FROM log').get() as { m: number | null }).m ?? 0;
    return { db, revision: Math.max(maxId, meta.compactRevision), compactRevision: meta.compactRevision };
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw mapSqliteError(err, path, hadData);
  }
}

function initialise(db: Database.Database): void {
  // auto_vacuum must be chosen before the first table exists; INCREMENTAL lets compaction give
  // freed pages back to the file system.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    db.exec(SCHEMA_SQL);
    const put = db.prepare('INSERT INTO meta (name, value) VALUES (?, ?)');
    put.run('magic', MAGIC);
    put.run('schema_version', SCHEMA_VERSION);
    put.run('compact_revision', 0);
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function checkExisting(db: Database.Database, path: string, tables: string[], appId: number): void {
  if (appId !== APPLICATION_ID) {
    throw new StoreError('Corrupt', `${path} is a SQLite database that is not a k8ts store (application_id ${appId}); refusing to use it`);
  }
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  if (userVersion > SCHEMA_VERSION) {
    throw new StoreError(
      'Unsupported',
      `${path} was written by a newer k8ts (store schema version ${userVersion}; this build supports up to ${SCHEMA_VERSION}); upgrade k8ts or restore a backup`,
    );
  }
  const missing = REQUIRED_TABLES.filter((t) => !tables.includes(t));
  if (missing.length > 0 || userVersion < 1) {
    throw new StoreError('Corrupt', `${path} is a k8ts store missing ${missing.length ? `tables ${missing.join(', ')}` : 'its schema version'}; refusing to start over existing data`);
  }
  const check = db.pragma('quick_check', { simple: true }) as string;
  if (check !== 'ok') throw new StoreError('Corrupt', `${path} failed SQLite's integrity check: ${check}`);
  const meta = readMeta(db);
  if (meta.magic !== MAGIC) throw new StoreError('Corrupt', `${path} has a wrong magic in its meta table (${JSON.stringify(meta.magic)})`);
  if (meta.schemaVersion !== userVersion) {
    throw new StoreError('Corrupt', `${path} disagrees with itself about its schema version (${meta.schemaVersion} vs ${userVersion})`);
  }
}

function readMeta(db: Database.Database): { magic: unknown; schemaVersion: unknown; compactRevision: number } {
  const rows = db.prepare('SELECT name, value FROM meta').all() as { name: string; value: unknown }[];
  const m = new Map(rows.map((r) => [r.name, r.value]));
  const compactRevision = m.get('compact_revision');
  if (typeof compactRevision !== 'number') throw new StoreError('Corrupt', 'the store meta table has no compact_revision');
  return { magic: m.get('magic'), schemaVersion: m.get('schema_version'), compactRevision };
}

function mapSqliteError(err: unknown, path: string, hadData: boolean): StoreError {
  const code = (err as { code?: string }).code ?? '';
  const msg = (err as Error).message;
  if (code === 'SQLITE_NOTADB') return new StoreError('Corrupt', `${path} is not a SQLite database (${msg}); refusing to use it`);
  if (code.startsWith('SQLITE_CORRUPT')) return new StoreError('Corrupt', `${path} is corrupt: ${msg}`);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('Unavailable', `${path} is in use by another process`);
  }
  return new StoreError(hadData ? 'Corrupt' : 'Unavailable', `cannot open store file ${path}: ${msg}`);
}
