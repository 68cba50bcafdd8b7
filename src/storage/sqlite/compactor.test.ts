import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { FakeClock } from '../../machinery/clock.js';
import { isStoreError } from '../types.js';
import { openSqliteStore } from './index.js';
import { buf, newStore, until } from './testing.js';

function logRevisions(file: string): number[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT id FROM log ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

test('compact drops superseded rows and tombstones at or below the revision, keeping what reads there need', async (t) => {
  const { store, path } = newStore(t);
  const a = await store.create('/a', buf('a1')); // 1
  await store.update('/a', buf('a2'), a.modRevision); // 2
  await store.create('/b', buf('b1')); // 3
  await store.delete('/b'); // 4
  await store.create('/c', buf('c1')); // 5
  await store.update('/a', buf('a3'), 2); // 6
  await store.compact(5);
  assert.equal(await store.compactRevision(), 5);
  // Exactly at the compact revision, reads still see the state then.
  assert.deepEqual((await store.list('/', { revision: 5 })).kvs.map((kv) => `${kv.key}=${kv.value}`), ['/a=a2', '/c=c1']);
  await assert.rejects(store.get('/a', { revision: 4 }), (e) => isStoreError(e, 'Compacted'));
  assert.equal((await store.get('/a')).kv?.value.toString(), 'a3');
  // Compacting again to the same or an older revision changes nothing; beyond the latest is refused.
  await store.compact(5);
  await store.compact(3);
  assert.equal(await store.compactRevision(), 5);
  await assert.rejects(store.compact(7), (e) => isStoreError(e, 'FutureRevision'));
  await store.close();
  // 1 (a1, superseded by 2), 3 (b1, deleted), 4 (the tombstone) are gone; 2 is a's value at 5.
  assert.deepEqual(logRevisions(path), [2, 5, 6]);
});

test('the compact revision and the revision counter survive a restart, even when the newest row was compacted', async (t) => {
  const { store, path } = newStore(t);
  await store.create('/a', buf('1'));
  await store.delete('/a');
  await store.compact(2);
  await store.close();
  assert.deepEqual(logRevisions(path), []);
  const again = openSqliteStore({ path, compactionIntervalMs: 0 });
  t.after(() => again.close());
  assert.equal(await again.compactRevision(), 2);
  assert.equal(await again.currentRevision(), 2);
  assert.equal((await again.create('/b', buf('x'))).modRevision, 3);
});

test('automatic compaction keeps at least the retention period of history', async (t) => {
  const clock = new FakeClock();
  const { store } = newStore(t, { clock, compactionRetentionMs: 300_000, compactionIntervalMs: 60_000 });
  let rev = 0;
  const revAtMinute: number[] = [];
  for (let minute = 0; minute < 10; minute++) {
    revAtMinute.push(rev);
    for (let i = 0; i < 10; i++) rev = (await store.create(`/m${minute}/${i}`, buf('v'))).modRevision;
    clock.advance(60_000);
  }
  // At minute 10 the newest sample at least 5 minutes old was taken at minute 5 (after its writes).
  await until(() => store.stats().compactRevision >= revAtMinute[5], 'automatic compaction');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await store.compactRevision(), revAtMinute[5]);
  // Everything within the last 5 minutes is still watchable.
  assert.ok((await store.list('/', { revision: revAtMinute[5] })).kvs.length > 0);
});

test('under steady churn with compaction the database file stops growing', async (t) => {
  const clock = new FakeClock();
  const { store, path } = newStore(t, { clock, compactionRetentionMs: 0, compactionIntervalMs: 0 });
  const value = Buffer.alloc(4096, 1);
  const keys = Array.from({ length: 50 }, (_, i) => `/churn/${i}`);
  const revs = new Map<string, number>();
  for (const k of keys) revs.set(k, (await store.create(k, value)).modRevision);
  const sizes: number[] = [];
  const fileBytes = () => ['', '-wal'].reduce((n, s) => n + (fs.existsSync(path + s) ? fs.statSync(path + s).size : 0), 0);
  for (let round = 0; round < 30; round++) {
    // 500 updates (~2 MB of values) per round, then one automatic compaction round.
    for (let i = 0; i < 10; i++) {
      await Promise.all(keys.map(async (k) => revs.set(k, (await store.update(k, value, revs.get(k)!)).modRevision)));
    }
    await store.runAutoCompaction();
    sizes.push(fileBytes());
  }
  const written = 30 * 500 * value.length;
  const late = Math.max(...sizes.slice(10));
  assert.ok(late <= sizes[9] * 1.2 + 1_000_000, `file kept growing: ${sizes.join(' ')}`);
  assert.ok(late < written / 5, `file ${late} bytes after ${written} bytes written`);
  assert.equal(await store.count('/churn/'), 50);
});
