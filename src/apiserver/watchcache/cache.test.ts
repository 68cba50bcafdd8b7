import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../storage/sqlite/index.js';
import { realClock } from '../../machinery/clock.js';
import { WatchCache, TooOldError, objectJson, type CacheEvent } from './cache.js';
import { decodeKv, encodeObject } from '../storage/codec.js';

async function withStore(fn: (store: ReturnType<typeof openSqliteStore>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-watchcache-'));
  const store = openSqliteStore({ path: join(dir, 'db') });
  try {
    await fn(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const put = (name: string, v: number) => Buffer.from(JSON.stringify({ metadata: { name }, v }));

function until(pred: () => boolean, ms = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => (pred() ? resolve() : Date.now() - start > ms ? reject(new Error('timed out')) : setTimeout(tick, 5));
    tick();
  });
}

test('loads the current state, then follows changes as ADDED/MODIFIED/DELETED with resourceVersions', async () => {
  await withStore(async (store) => {
    await store.create('/r/a', put('a', 1));
    const cache = new WatchCache(store, '/r/', { clock: realClock });
    await cache.start();
    assert.deepEqual(cache.snapshot().items.map((c) => c.obj.metadata.name), ['a']);
    const seen: CacheEvent[] = [];
    cache.watch(cache.rv, { deliver: (e) => seen.push(e), terminate: () => undefined });
    const kv = await store.create('/r/b', put('b', 1));
    await store.update('/r/b', put('b', 2), kv.modRevision);
    await store.delete('/r/a');
    await until(() => seen.length === 3);
    assert.deepEqual(seen.map((e) => `${e.type}:${e.key}`), ['ADDED:/r/b', 'MODIFIED:/r/b', 'DELETED:/r/a']);
    assert.equal(seen[1]!.prev!.obj.v, 1);
    assert.equal(seen[2]!.cur.obj.metadata.resourceVersion, String(seen[2]!.rv));
    assert.equal(cache.rv, await store.currentRevision());
    cache.close();
  });
});

test('replays history from a resourceVersion and refuses history that left the ring', async () => {
  await withStore(async (store) => {
    const cache = new WatchCache(store, '/r/', { clock: realClock, minEvents: 2, maxEvents: 3 });
    await cache.start();
    const revs: number[] = [];
    for (let i = 0; i < 6; i++) revs.push((await store.create(`/r/k${i}`, put(`k${i}`, i))).modRevision);
    await until(() => cache.rv === revs[5]);
    const replay: number[] = [];
    cache.watch(revs[3]!, { deliver: (e) => replay.push(e.rv), terminate: () => undefined });
    assert.deepEqual(replay, [revs[4], revs[5]]);
    assert.throws(() => cache.watch(revs[0]!, { deliver: () => undefined, terminate: () => undefined }), TooOldError);
    cache.close();
  });
});

test('snapshot by sub-prefix returns only that namespace, in key order', async () => {
  await withStore(async (store) => {
    for (const k of ['/r/ns2/b', '/r/ns1/z', '/r/ns1/a', '/r/ns10/c']) await store.create(k, put(k, 0));
    const cache = new WatchCache(store, '/r/', { clock: realClock });
    await cache.start();
    assert.deepEqual(cache.snapshot('/r/ns1/').items.map((c) => c.key), ['/r/ns1/a', '/r/ns1/z']);
    assert.equal(cache.snapshot().items.length, 4);
    cache.close();
  });
});

test('waitUntilFresh resolves when the cache reaches a revision, or false at its deadline', async () => {
  await withStore(async (store) => {
    // realClock's timers are unref'd; this test has nothing else keeping the event loop alive.
    const clock = { now: () => Date.now(), setTimeout: (fn: () => void, ms: number) => { const t = setTimeout(fn, ms); return { cancel: () => clearTimeout(t) }; } };
    const cache = new WatchCache(store, '/r/', { clock });
    await cache.start();
    const target = (await store.currentRevision()) + 1;
    const p = cache.waitUntilFresh(target, 2000);
    await store.create('/r/x', put('x', 1));
    assert.equal(await p, true);
    assert.equal(await cache.waitUntilFresh(target + 100, 20), false);
    cache.close();
  });
});

test('objects written through the codec are served with the same JSON and object as decoding the stored bytes', async () => {
  await withStore(async (store) => {
    const cache = new WatchCache(store, '/r/', { clock: realClock });
    await cache.start();
    const seen: CacheEvent[] = [];
    cache.watch(cache.rv, { deliver: (e) => seen.push(e), terminate: () => undefined });
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' } }, data: { k: 'v' } };
    const kv = await store.create('/r/c', encodeObject(obj as never));
    const next = await store.update('/r/c', encodeObject({ ...obj, data: { k: 'w' } } as never), kv.modRevision);
    await until(() => seen.length === 2);
    for (const [ev, stored] of [[seen[0]!, kv], [seen[1]!, next]] as const) {
      const decoded = decodeKv((await store.get('/r/c', { revision: stored.modRevision })).kv!);
      assert.equal(objectJson(ev.cur), JSON.stringify(decoded));
      assert.deepEqual(ev.cur.obj, decoded);
      assert.equal(ev.cur.obj, ev.cur.obj, 'parsed once, then shared');
    }
    assert.equal(seen[1]!.prev, seen[0]!.cur);
    cache.close();
  });
});
