import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStoreError, type KeyValue } from '../types.js';
import { buf, newStore } from './testing.js';

const keys = (kvs: KeyValue[]) => kvs.map((kv) => kv.key);

test('list returns the keys under the prefix only, in key order, at one revision', async (t) => {
  const { store } = newStore(t);
  for (const k of ['/p/c', '/p/a', '/pq', '/p/b', '/o/a', '/p/b/x']) await store.create(k, buf(k));
  const res = await store.list('/p/');
  assert.deepEqual(keys(res.kvs), ['/p/a', '/p/b', '/p/b/x', '/p/c']);
  assert.equal(res.revision, 6);
  assert.equal(res.more, false);
  assert.equal(await store.count('/p/'), 4);
  assert.equal(await store.count('/'), 6);
  assert.deepEqual(keys((await store.list('/nothing/')).kvs), []);
});

test('get returns value and metadata at the latest revision, null for absent keys', async (t) => {
  const { store } = newStore(t);
  await store.create('/a', buf('1'), { ttlSeconds: 3600 });
  const got = await store.get('/a');
  assert.deepEqual(got.kv, { key: '/a', value: buf('1'), createRevision: 1, modRevision: 1, version: 1, ttlSeconds: 3600 });
  assert.equal(got.revision, 1);
  assert.deepEqual(await store.get('/b'), { kv: null, revision: 1 });
});

test('paging with limit and startAfter at the first page revision is one consistent snapshot despite writes between pages', async (t) => {
  const { store } = newStore(t);
  for (let i = 0; i < 25; i++) await store.create(`/pg/${String(i).padStart(2, '0')}`, buf(`v${i}`));
  const first = await store.list('/pg/', { limit: 10 });
  assert.equal(first.kvs.length, 10);
  assert.equal(first.more, true);
  // Writes between pages: a new key, a deletion, an update. None may show in later pages.
  await store.create('/pg/12a', buf('new'));
  await store.delete('/pg/15');
  const k20 = (await store.get('/pg/20')).kv!;
  await store.update('/pg/20', buf('changed'), k20.modRevision);
  const pages = [first];
  while (pages[pages.length - 1].more) {
    const last = pages[pages.length - 1];
    pages.push(await store.list('/pg/', { limit: 10, startAfter: last.kvs[last.kvs.length - 1].key, revision: first.revision }));
  }
  const all = pages.flatMap((p) => p.kvs);
  assert.deepEqual(keys(all), Array.from({ length: 25 }, (_, i) => `/pg/${String(i).padStart(2, '0')}`));
  assert.equal(all.find((kv) => kv.key === '/pg/20')?.value.toString(), 'v20');
  assert.ok(pages.every((p) => p.revision === first.revision));
  assert.equal(pages[pages.length - 1].more, false);
  // The latest view sees the changes.
  const latest = await store.list('/pg/');
  assert.equal(latest.kvs.length, 25);
  assert.ok(keys(latest.kvs).includes('/pg/12a') && !keys(latest.kvs).includes('/pg/15'));
});

test('startAfter pages at the latest revision too, and more is false when the page ends exactly at the last key', async (t) => {
  const { store } = newStore(t);
  for (const k of ['/a/1', '/a/2', '/a/3', '/a/4']) await store.create(k, buf('v'));
  const p1 = await store.list('/a/', { limit: 2 });
  assert.deepEqual([keys(p1.kvs), p1.more], [['/a/1', '/a/2'], true]);
  const p2 = await store.list('/a/', { limit: 2, startAfter: '/a/2' });
  assert.deepEqual([keys(p2.kvs), p2.more], [['/a/3', '/a/4'], false]);
});

test('get and list at an older revision see the state as it was then', async (t) => {
  const { store } = newStore(t);
  const a1 = await store.create('/h/a', buf('a1')); // 1
  await store.create('/h/b', buf('b1')); // 2
  await store.update('/h/a', buf('a2'), a1.modRevision); // 3
  await store.delete('/h/b'); // 4
  await store.create('/h/c', buf('c1')); // 5
  assert.equal((await store.get('/h/a', { revision: 2 })).kv?.value.toString(), 'a1');
  assert.equal((await store.get('/h/a', { revision: 3 })).kv?.value.toString(), 'a2');
  assert.equal((await store.get('/h/b', { revision: 3 })).kv?.value.toString(), 'b1');
  assert.equal((await store.get('/h/b', { revision: 4 })).kv, null);
  assert.equal((await store.get('/h/c', { revision: 4 })).kv, null);
  const at2 = await store.list('/h/', { revision: 2 });
  assert.deepEqual(at2.kvs.map((kv) => `${kv.key}=${kv.value}@${kv.modRevision}`), ['/h/a=a1@1', '/h/b=b1@2']);
  assert.equal(at2.revision, 2);
  const at4 = await store.list('/h/', { revision: 4, limit: 1 });
  assert.deepEqual([keys(at4.kvs), at4.more], [['/h/a'], false]);
  assert.deepEqual(keys((await store.list('/h/', { revision: 5 })).kvs), ['/h/a', '/h/c']);
});

test('reads at a revision newer than the store fail with FutureRevision, older than compaction with Compacted', async (t) => {
  const { store } = newStore(t);
  const a = await store.create('/a', buf('1'));
  await store.update('/a', buf('2'), a.modRevision);
  await store.update('/a', buf('3'), 2);
  await assert.rejects(store.get('/a', { revision: 4 }), (e) => isStoreError(e, 'FutureRevision'));
  await assert.rejects(store.list('/', { revision: 99 }), (e) => isStoreError(e, 'FutureRevision'));
  await store.compact(2);
  await assert.rejects(store.get('/a', { revision: 1 }), (e) => isStoreError(e, 'Compacted'));
  await assert.rejects(store.list('/', { revision: 1 }), (e) => isStoreError(e, 'Compacted'));
  assert.equal((await store.get('/a', { revision: 2 })).kv?.value.toString(), '2');
});
