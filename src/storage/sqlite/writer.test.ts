import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES, isStoreError } from '../types.js';
import path from 'node:path';
import { realClock } from '../../machinery/clock.js';
import { Reader } from './reads.js';
import { openDatabase } from './schema.js';
import type { StoreState } from './state.js';
import { buf, newStore, tempDir } from './testing.js';
import { GroupCommitWriter } from './writer.js';

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

// The fsync that makes a commit durable runs off the event loop; these drive it by hand.
function heldSync() {
  const waiting: ((err: Error | null) => void)[] = [];
  return {
    waiting,
    sync: (done: (err: Error | null) => void) => { waiting.push(done); },
    syncNow: () => undefined,
    close: () => undefined,
    release: (err: Error | null = null) => waiting.splice(0).forEach((d) => d(err)),
  };
}

function writerOn(t: import('node:test').TestContext, log: ReturnType<typeof heldSync>) {
  const dir = tempDir(t);
  const opened = openDatabase(path.join(dir, 'w.db'));
  t.after(() => opened.db.close());
  const state: StoreState = { revision: opened.revision, written: opened.revision, compactRevision: opened.compactRevision, closed: false };
  const reader = new Reader(opened.db, state);
  const published: number[] = [];
  const writer = new GroupCommitWriter(opened.db, state, realClock, (events) => published.push(...events.map((e) => e.kv.modRevision)), log);
  return { writer, reader, state, published };
}

const tick = () => new Promise((r) => setImmediate(r));

test('a committed write is not acknowledged, read or watched until its fsync returns', async (t) => {
  const log = heldSync();
  const { writer, reader, state, published } = writerOn(t, log);
  let acked = false;
  const p = writer.submit({ kind: 'create', key: '/a', value: buf('1'), ttlSeconds: 0 }).then((kv) => { acked = true; return kv; });
  await tick();
  await tick();
  assert.equal(log.waiting.length, 1, 'the commit is waiting for its fsync');
  assert.equal(state.written, 1);
  assert.equal(acked, false);
  assert.equal(state.revision, 0, 'readers still see the durable revision');
  assert.equal(reader.get('/a').kv, null);
  assert.deepEqual(reader.list('/').kvs, []);
  assert.deepEqual(published, []);
  log.release();
  assert.equal((await p)?.modRevision, 1);
  assert.equal(state.revision, 1);
  assert.equal(reader.get('/a').kv?.value.toString(), '1');
  assert.deepEqual(published, [1]);
});

test('writes arriving while an fsync runs commit together when it returns, share the next one, and keep their order', async (t) => {
  const log = heldSync();
  const { writer, reader, published } = writerOn(t, log);
  const first = writer.submit({ kind: 'create', key: '/a', value: buf('1'), ttlSeconds: 0 });
  await tick();
  const later = [writer.submit({ kind: 'create', key: '/b', value: buf('2'), ttlSeconds: 0 })];
  await tick();
  later.push(writer.submit({ kind: 'create', key: '/c', value: buf('3'), ttlSeconds: 0 }));
  // Checked against /a's written (not yet durable) revision when it commits.
  later.push(writer.submit({ kind: 'update', key: '/a', value: buf('1b'), expectedModRevision: 1, ttlSeconds: 0 }));
  await tick();
  assert.equal(log.waiting.length, 1, 'one fsync at a time');
  assert.equal(writer.getStats().commits, 1, 'the later writes wait in the queue');
  log.release();
  assert.equal((await first)?.modRevision, 1);
  assert.equal(writer.getStats().commits, 2, 'the queued writes committed in one transaction as the fsync returned');
  assert.equal(reader.get('/b').kv, null, 'not durable yet');
  assert.equal(log.waiting.length, 1, 'their own fsync');
  log.release();
  assert.deepEqual((await Promise.all(later)).map((kv) => kv?.modRevision), [2, 3, 4]);
  assert.deepEqual(published, [1, 2, 3, 4]);
  assert.equal(writer.getStats().syncs, 2);
});

test('a failed fsync answers Unavailable: the outcome of the write is unknown', async (t) => {
  const log = heldSync();
  const { writer } = writerOn(t, log);
  const p = writer.submit({ kind: 'create', key: '/a', value: buf('1'), ttlSeconds: 0 });
  await tick();
  log.release(new Error('EIO'));
  await assert.rejects(p, (e) => isStoreError(e, 'Unavailable') && /may be lost: EIO/.test(e.message));
});

test('flushAll makes pending commits durable on the spot, and the late fsync leaves them alone', async (t) => {
  const log = heldSync();
  const { writer, state } = writerOn(t, log);
  const p = writer.submit({ kind: 'create', key: '/a', value: buf('1'), ttlSeconds: 0 });
  await tick();
  writer.submit({ kind: 'create', key: '/b', value: buf('2'), ttlSeconds: 0 }).catch(() => undefined);
  writer.flushAll();
  assert.equal(state.revision, 2);
  assert.equal((await p)?.modRevision, 1);
  log.release(new Error('late'));
  assert.equal(writer.getStats().syncs, 1);
});

test('a store on a file makes its commits durable with its own WAL fsyncs, counted in stats', async (t) => {
  const { store } = newStore(t);
  await Promise.all([store.create('/a', buf('1')), store.create('/b', buf('2'))]);
  const { syncs, commits } = store.stats();
  assert.ok(syncs >= 1 && syncs <= commits, `syncs ${syncs}, commits ${commits}`);
});
