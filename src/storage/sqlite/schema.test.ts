import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { isStoreError, type StoreErrorCode } from '../types.js';
import { openSqliteStore } from './index.js';
import { APPLICATION_ID, SCHEMA_VERSION, openDatabase } from './schema.js';
import { buf, tempDir } from './testing.js';

const open = (file: string) => openSqliteStore({ path: file, compactionIntervalMs: 0 });

/** A store file with a few keys, closed. */
async function populated(dir: string): Promise<string> {
  const file = path.join(dir, 'store.db');
  const store = open(file);
  for (let i = 0; i < 200; i++) await store.create(`/k/${i}`, Buffer.alloc(2000, i));
  await store.close();
  return file;
}

/** Opening must fail with `code`, and must leave the file exactly as it was. */
function assertRefused(file: string, code: StoreErrorCode, message: RegExp): void {
  const before = fs.readFileSync(file);
  assert.throws(() => open(file), (e) => isStoreError(e, code) && message.test(e.message), `expected ${code}`);
  assert.ok(fs.readFileSync(file).equals(before), 'the refused file was modified');
}

test('a new file is initialised and its data is there after a reopen', async (t) => {
  const file = path.join(tempDir(t), 'new.db');
  const first = open(file);
  await first.create('/a', buf('1'));
  await first.close();
  const db = new Database(file, { readonly: true });
  assert.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
  assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();
  const second = open(file);
  t.after(() => second.close());
  assert.equal((await second.get('/a')).kv?.value.toString(), '1');
  assert.equal(await second.currentRevision(), 1);
});

test('a file from a newer schema version is refused with Unsupported', async (t) => {
  const file = await populated(tempDir(t));
  const db = new Database(file);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assertRefused(file, 'Unsupported', /newer k8ts.*schema version 2/);
});

test('a file that is not SQLite is refused with Corrupt', async (t) => {
  const file = path.join(tempDir(t), 'garbage.db');
  fs.writeFileSync(file, Buffer.alloc(8192, 'not a database '));
  assertRefused(file, 'Corrupt', /not a SQLite database/);
});

test('a SQLite database of another application is refused with Corrupt', async (t) => {
  const file = path.join(tempDir(t), 'other.db');
  const db = new Database(file);
  db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
  db.close();
  assertRefused(file, 'Corrupt', /not a k8ts store/);
});

test('a k8ts store missing a table is refused with Corrupt rather than started empty', async (t) => {
  const file = await populated(tempDir(t));
  const db = new Database(file);
  db.exec('DROP TABLE current');
  db.pragma('journal_mode = DELETE');
  db.close();
  assertRefused(file, 'Corrupt', /missing tables current/);
});

test('a file with damaged pages is refused with Corrupt', async (t) => {
  const file = await populated(tempDir(t));
  const db = new Database(file);
  db.pragma('journal_mode = DELETE'); // everything in the main file, no WAL to paper over damage
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  // Scribble over the middle of the file (b-tree pages of the log), leaving the header intact.
  const fd = fs.openSync(file, 'r+');
  const size = fs.fstatSync(fd).size;
  for (let page = 3; page * pageSize < size; page += 3) fs.writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, page * pageSize);
  fs.closeSync(fd);
  assertRefused(file, 'Corrupt', /corrupt|integrity|malformed/i);
});

test('a second store on the same file is refused while the first is open', async (t) => {
  const file = path.join(tempDir(t), 'locked.db');
  const first = open(file);
  t.after(() => first.close());
  await first.create('/a', buf('1'));
  assert.throws(() => open(file), (e) => isStoreError(e, 'Unavailable') && /in use/.test(e.message));
  assert.equal((await first.create('/b', buf('2'))).modRevision, 2);
});

test('the store connection commits durably: WAL with synchronous=FULL, exclusive lock, incremental vacuum', async (t) => {
  const file = path.join(tempDir(t), 'pragmas.db');
  const { db } = openDatabase(file);
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2); // 2 = FULL: fsync of the WAL at every commit
    assert.equal(db.pragma('locking_mode', { simple: true }), 'exclusive');
    assert.equal(db.pragma('auto_vacuum', { simple: true }), 2); // 2 = INCREMENTAL
  } finally {
    db.close();
  }
});
