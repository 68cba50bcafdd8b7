// The Store contract against the embedded SQLite backend (a temp database file per suite).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { runStoreConformance } from './conformance.js';

runStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sqlite-conformance-'));
  try {
    // A small watch buffer keeps the slow-watcher test short.
    const store = openSqliteStore({ path: join(dir, 'store.db'), watchBufferLimit: 1000 });
    return {
      store,
      async cleanup() {
        try {
          await store.close();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
});
