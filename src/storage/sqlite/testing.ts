// Test helpers for the SQLite store: a fresh file in a temp dir, removed when the test ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { StoreError, type Store, type WatchEvent, type WatchHandlers } from '../types.js';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './index.js';

export function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8ts-sqlite-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a store on a new file; closes it (if the test did not) and deletes the file afterwards. */
export function newStore(t: TestContext, opts: Partial<SqliteStoreOptions> = {}): { store: SqliteStore; path: string; dir: string } {
  const dir = tempDir(t);
  const file = path.join(dir, 'store.db');
  const store = openSqliteStore({ path: file, compactionIntervalMs: 0, ...opts });
  t.after(() => store.close());
  return { store, path: file, dir };
}

export const buf = (s: string) => Buffer.from(s);

/** Polls until check() is true or the deadline passes (then throws). */
export async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A watch that records what it is given. */
export function recordWatch(store: Store, prefix: string, after: number, onEvents?: WatchHandlers['onEvents']) {
  const rec = { events: [] as WatchEvent[], batches: 0, error: null as StoreError | null, cancel: () => {} };
  const w = store.watch(prefix, after, {
    onEvents(evs) {
      rec.events.push(...evs);
      rec.batches++;
      return onEvents?.(evs);
    },
    onError(err) {
      rec.error = err;
    },
  });
  rec.cancel = () => w.cancel();
  return rec;
}
