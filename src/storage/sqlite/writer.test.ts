import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES, isStoreError } from '../types.js';
import { buf, newStore } from './testing.js';

test('create assigns the next revision with version 1 and createRevision = modRevision', async (t) => {
  const { store } = newStore(t);
  const a = await store.create('/a', buf('1'));
  const b = await store.create('/b', buf('2'));
  assert.deepEqual([a.modRevision, a.createRevision, a.version], [1, 1, 1]);
  assert.deepEqual([b.modRevision, b.createRevision, b.version], [2, 2, 1]);
  assert.equal(await store.currentRevision(), 2);
});

test('create of an existing key fails with Exists carrying the current value, and writes nothing', async (t) => {
  const { store } = newStore(t);
  await store.create('/a', buf('1'));
  await assert.rejects(store.create('/a', buf('2')), (e) => isStoreError(e, 'Exists') && e.current?.value.toString() === '1');
  assert.equal(await store.currentRevision(), 1);
  assert.equal((await store.get('/a')).kv?.value.toString(), '1');
});

test('update is a compare-and-swap on modRevision: stale fails with Conflict, absent with NotFound', async (t) => {
  const { store } = newStore(t);
  const a = await store.create('/a', buf('1'));
  const a2 = await store.update('/a', buf('2'), a.modRevision);
  assert.deepEqual([a2.modRevision, a2.createRevision, a2.version], [2, 1, 2]);
  await assert.rejects(store.update('/a', buf('3'), a.modRevision), (e) => isStoreError(e, 'Conflict') && e.current?.modRevision === 2);
  await assert.rejects(store.update('/nope', buf('3'), 1), (e) => isStoreError(e, 'NotFound'));
  assert.equal(await store.currentRevision(), 2);
  assert.equal((await store.get('/a')).kv?.value.toString(), '2');
});

test('delete returns the deleted value; stale expectation is a Conflict, absent key NotFound', async (t) => {
  const { store } = newStore(t);
  const a = await store.create('/a', buf('1'));
  await store.update('/a', buf('2'), a.modRevision);
  await assert.rejects(store.delete('/a', a.modRevision), (e) => isStoreError(e, 'Conflict'));
  const prev = await store.delete('/a', 2);
  assert.equal(prev.value.toString(), '2');
  assert.equal(prev.modRevision, 2);
  assert.equal(await store.currentRevision(), 3);
  assert.equal((await store.get('/a')).kv, null);
  await assert.rejects(store.delete('/a'), (e) => isStoreError(e, 'NotFound'));
  // Re-created after a delete: a new life, version 1 again.
  const again = await store.create('/a', buf('x'));
  assert.deepEqual([again.createRevision, again.version], [4, 1]);
});

test('a failed compare-and-swap in a batch does not affect the other writes committed with it', async (t) => {
  const { store } = newStore(t);
  const a = await store.create('/race', buf('0'));
  const before = store.stats().commits;
  const updates = Array.from({ length: 10 }, (_, i) => store.update('/race', buf(String(i)), a.modRevision));
  const creates = Array.from({ length: 10 }, (_, i) => store.create(`/other/${i}`, buf('x')));
  const results = await Promise.allSettled([...updates, ...creates]);
  assert.equal(store.stats().commits - before, 1, 'all 20 writes arrived in one tick and shared one transaction');
  const upd = results.slice(0, 10);
  assert.equal(upd.filter((r) => r.status === 'fulfilled').length, 1);
  assert.ok(upd.filter((r) => r.status === 'rejected').every((r) => isStoreError((r as PromiseRejectedResult).reason, 'Conflict')));
  assert.ok(results.slice(10).every((r) => r.status === 'fulfilled'));
  assert.equal(await store.currentRevision(), 12);
  assert.equal(await store.count('/other/'), 10);
});

test('64 concurrent writers share few transactions (group commit) and get gap-free revisions', async (t) => {
  const { store } = newStore(t);
  const writers = 64;
  const perWriter = 20;
  const revs: number[] = [];
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) revs.push((await store.create(`/w/${w}/${i}`, buf('v'))).modRevision);
    }),
  );
  const { commits, writes, largestBatch } = store.stats();
  assert.equal(writes, writers * perWriter);
  assert.ok(commits <= (writers * perWriter) / 16, `expected batching, got ${commits} commits for ${writes} writes`);
  assert.ok(largestBatch >= 32, `largest batch ${largestBatch}`);
  assert.deepEqual(revs.sort((a, b) => a - b), Array.from({ length: writes }, (_, i) => i + 1));
});

test('writes acknowledged in order of submission get increasing revisions', async (t) => {
  const { store } = newStore(t);
  const kvs = await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(`/o/${String(i).padStart(2, '0')}`, buf('v'))));
  kvs.forEach((kv, i) => assert.equal(kv.modRevision, i + 1));
});

test('values up to MAX_VALUE_BYTES are stored; larger ones fail with TooLarge and write nothing', async (t) => {
  const { store } = newStore(t);
  const big = Buffer.alloc(MAX_VALUE_BYTES, 7);
  const kv = await store.create('/big', big);
  assert.ok((await store.get('/big')).kv?.value.equals(big));
  await assert.rejects(store.create('/too-big', Buffer.alloc(MAX_VALUE_BYTES + 1)), (e) => isStoreError(e, 'TooLarge'));
  await assert.rejects(store.update('/big', Buffer.alloc(MAX_VALUE_BYTES + 1), kv.modRevision), (e) => isStoreError(e, 'TooLarge'));
  assert.equal(await store.currentRevision(), 1);
  assert.equal((await store.get('/too-big')).kv, null);
});

test('invalid keys and TTLs fail with InvalidKey and write nothing', async (t) => {
  const { store } = newStore(t);
  for (const key of ['', 'no-slash', '/ctl\u0001', '/' + 'k'.repeat(MAX_KEY_BYTES)]) {
    await assert.rejects(store.create(key, buf('v')), (e) => isStoreError(e, 'InvalidKey'), JSON.stringify(key).slice(0, 20));
  }
  await assert.rejects(store.create('/ttl', buf('v'), { ttlSeconds: -1 }), (e) => isStoreError(e, 'InvalidKey'));
  await assert.rejects(store.create('/ttl', buf('v'), { ttlSeconds: 1.5 }), (e) => isStoreError(e, 'InvalidKey'));
  assert.equal(await store.currentRevision(), 0);
});
