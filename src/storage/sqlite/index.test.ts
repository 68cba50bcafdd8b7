import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStoreError } from '../types.js';
import { openSqliteStore } from './index.js';
import { buf, newStore } from './testing.js';

test('close commits writes already accepted, then every call fails with Closed', async (t) => {
  const { store, path } = newStore(t);
  const pending = Array.from({ length: 20 }, (_, i) => store.create(`/p/${i}`, buf('v')));
  await store.close();
  const done = await Promise.all(pending);
  assert.deepEqual(done.map((kv) => kv.modRevision), Array.from({ length: 20 }, (_, i) => i + 1));
  await assert.rejects(store.create('/late', buf('v')), (e) => isStoreError(e, 'Closed'));
  await assert.rejects(store.get('/p/0'), (e) => isStoreError(e, 'Closed'));
  await assert.rejects(store.list('/'), (e) => isStoreError(e, 'Closed'));
  await assert.rejects(store.compact(1), (e) => isStoreError(e, 'Closed'));
  await store.close(); // idempotent
  const again = openSqliteStore({ path, compactionIntervalMs: 0 });
  t.after(() => again.close());
  assert.equal(await again.count('/p/'), 20);
});

test('the revision counter continues after a reopen', async (t) => {
  const { store, path } = newStore(t);
  await store.create('/a', buf('1'));
  await store.create('/b', buf('1'));
  await store.close();
  const again = openSqliteStore({ path, compactionIntervalMs: 0 });
  t.after(() => again.close());
  assert.equal(await again.currentRevision(), 2);
  assert.equal((await again.create('/c', buf('1'))).modRevision, 3);
});

test('a single sequential writer commits each write on its own, promptly', async (t) => {
  const { store } = newStore(t);
  const started = Date.now();
  for (let i = 0; i < 200; i++) await store.create(`/s/${i}`, buf('v'));
  assert.equal(store.stats().commits, 200);
  // Generous bound: a commit is one fsync; this only catches a write path that waits on a timer.
  assert.ok(Date.now() - started < 10_000);
});
