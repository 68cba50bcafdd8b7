// What the etcd backend promises beyond the shared contract: key prefixes isolating clusters that
// share one etcd, big lists past gRPC's default 4 MiB message limit, internal paging, state shared
// between store instances (TTLs, compaction point), and failing fast when etcd is gone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openEtcdStore } from '../../src/storage/etcd/index.js';
import { isStoreError, type Store, type WatchEvent } from '../../src/storage/types.js';
import { freePort, startEtcd, type EtcdCluster } from '../helpers/etcd.js';
import { until } from './conformance.js';

const buf = (s: string) => Buffer.from(s);

describe('etcd Store', () => {
  let cluster: EtcdCluster;
  const stores: Store[] = [];
  const open = async (prefix: string, extra: Partial<Parameters<typeof openEtcdStore>[0]> = {}) => {
    const s = await openEtcdStore({ endpoints: cluster.endpoints, prefix, ...extra });
    stores.push(s);
    return s;
  };

  before(async () => {
    cluster = await startEtcd();
  });
  after(async () => {
    for (const s of stores) await s.close();
    await cluster?.stop();
  });

  it('keeps clusters with different prefixes apart in one etcd', async () => {
    const a = await open('/cluster-a');
    const b = await open('/cluster-ab');
    const seenByB: WatchEvent[] = [];
    const w = b.watch('/', await b.currentRevision(), { onEvents: (e) => void seenByB.push(...e), onError: () => {} });
    await a.create('/pods/x', buf('a'));
    await a.create('/pods/y', buf('a'));
    const mine = await b.create('/pods/x', buf('b'));
    assert.deepEqual((await a.list('/')).kvs.map((kv) => [kv.key, kv.value.toString()]), [['/pods/x', 'a'], ['/pods/y', 'a']]);
    assert.deepEqual((await b.list('/')).kvs.map((kv) => [kv.key, kv.value.toString()]), [['/pods/x', 'b']]);
    assert.equal(await a.count('/pods/'), 2);
    assert.equal(await b.count(''), 1);
    await until(() => seenByB.length >= 1, 'b sees its own write');
    await new Promise((r) => setTimeout(r, 200));
    w.cancel();
    assert.deepEqual(seenByB.map((e) => e.kv.modRevision), [mine.modRevision]);
  });

  it('lists 10,000 keys of 1 KiB in one call (beyond gRPC\'s default 4 MiB message)', async () => {
    const s = await open('/big');
    const value = Buffer.alloc(1024, 'x');
    let i = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (i < 10_000) await s.create(`/k/${String(i++).padStart(5, '0')}`, value);
      }),
    );
    const res = await s.list('/k/');
    assert.equal(res.kvs.length, 10_000);
    assert.equal(res.more, false);
    assert.equal(res.kvs[9_999]!.key, '/k/09999');
  });

  it('pages internally at one revision when a list spans several range requests', async () => {
    const s = await open('/paged', { listPageSize: 7 });
    for (let i = 0; i < 30; i++) await s.create(`/k/${String(i).padStart(2, '0')}`, buf(String(i)));
    const all = await s.list('/k/');
    assert.equal(all.kvs.length, 30);
    assert.deepEqual(all.kvs.map((kv) => kv.value.toString()), Array.from({ length: 30 }, (_, i) => String(i)));
    const limited = await s.list('/k/', { limit: 20, startAfter: '/k/04' });
    assert.deepEqual([limited.kvs[0]!.key, limited.kvs.at(-1)!.key, limited.more], ['/k/05', '/k/24', true]);
  });

  it('shares TTLs and the compaction point between store instances', async () => {
    const one = await open('/shared');
    const two = await open('/shared');
    await one.create('/lease', buf('x'), { ttlSeconds: 30 });
    assert.equal((await two.get('/lease')).kv?.ttlSeconds, 30);
    const r = await one.currentRevision();
    await one.compact(r);
    assert.equal(await two.compactRevision(), r);
    await assert.rejects(two.get('/lease', { revision: r - 1 }), (e) => isStoreError(e, 'Compacted'));
  });

  it('fails with Unavailable, within its deadline, when etcd is not there', async () => {
    const port = await freePort();
    const t0 = Date.now();
    await assert.rejects(
      openEtcdStore({ endpoints: [`http://127.0.0.1:${port}`], dialTimeoutMs: 1_000 }),
      (e) => isStoreError(e, 'Unavailable'),
    );
    assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
  });

  it('fails calls with Unavailable and ends watches once etcd goes away', async () => {
    const own = await startEtcd();
    try {
      const s = await openEtcdStore({ endpoints: own.endpoints, requestTimeoutMs: 2_000, watchReconnectMs: 2_000 });
      stores.push(s);
      await s.create('/a', buf('1'));
      let watchErr: unknown = null;
      s.watch('/', await s.currentRevision(), { onEvents: () => {}, onError: (e) => (watchErr = e) });
      await own.killMember(0);
      const t0 = Date.now();
      await assert.rejects(s.get('/a'), (e) => isStoreError(e, 'Unavailable'));
      await assert.rejects(s.create('/b', buf('1')), (e) => isStoreError(e, 'Unavailable'));
      assert.ok(Date.now() - t0 < 6_000, `took ${Date.now() - t0} ms`);
      await until(() => watchErr !== null, 'the watch to give up', 10_000);
      assert.ok(isStoreError(watchErr, 'Unavailable'));
    } finally {
      await own.stop();
    }
  });
});
