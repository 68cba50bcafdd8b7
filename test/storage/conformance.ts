// The Store contract as one test suite: every backend (embedded SQLite, real etcd) must pass it
// unchanged. One store is opened per suite; each test works under its own key prefix, and the
// tests that touch store-wide state (compaction) run last.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  isStoreError,
  MAX_VALUE_BYTES,
  type KeyValue,
  type Store,
  type StoreError,
  type StoreErrorCode,
  type WatchEvent,
  type WatchHandlers,
} from '../../src/storage/types.js';

export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
}

const buf = (s: string) => Buffer.from(s);

/** Polls until check() holds; fails with `what` after ms. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rejectsWith(p: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isStoreError(err, code), `expected StoreError ${code}, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
    return err;
  }
  assert.fail(`expected StoreError ${code}, but the call succeeded`);
}

/** Records what a watch delivers. */
class Recorder {
  events: WatchEvent[] = [];
  errors: StoreError[] = [];
  readonly handlers: WatchHandlers = {
    onEvents: (evs) => {
      this.events.push(...evs);
    },
    onError: (err) => {
      this.errors.push(err);
    },
  };
  async waitEvents(n: number, ms = 10_000): Promise<WatchEvent[]> {
    await until(() => this.events.length >= n || this.errors.length > 0, `${n} watch events`, ms);
    assert.deepEqual(this.errors.map((e) => e.code), [], `watch ended early: ${this.errors[0]?.message}`);
    return this.events;
  }
  async waitError(ms = 10_000): Promise<StoreError> {
    await until(() => this.errors.length > 0, 'a watch error', ms);
    return this.errors[0]!;
  }
}

/** Compares the fields every backend must report, ignoring optional ones. */
function sameKv(actual: KeyValue | null | undefined, expected: KeyValue): void {
  assert.ok(actual, `expected ${expected.key}, got nothing`);
  assert.equal(actual.key, expected.key);
  assert.equal(actual.value.toString(), expected.value.toString());
  assert.equal(actual.createRevision, expected.createRevision);
  assert.equal(actual.modRevision, expected.modRevision);
  assert.equal(actual.version, expected.version);
}

export function runStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store conformance: ${name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let n = 0;
    /** A fresh prefix per test so tests never see each other's keys. */
    const space = () => `/conformance/t${++n}/`;

    before(async () => {
      opened = await open();
      store = opened.store;
    });
    after(async () => {
      await opened?.cleanup();
    });

    it('create stores the key at the next revision with version 1, and get returns it', async () => {
      const p = space();
      const r0 = await store.currentRevision();
      const kv = await store.create(`${p}a`, buf('one'));
      assert.equal(kv.key, `${p}a`);
      assert.equal(kv.createRevision, r0 + 1);
      assert.equal(kv.modRevision, r0 + 1);
      assert.equal(kv.version, 1);
      assert.equal(await store.currentRevision(), r0 + 1);
      const got = await store.get(`${p}a`);
      sameKv(got.kv, kv);
      assert.ok(got.revision >= r0 + 1);
      assert.equal((await store.get(`${p}missing`)).kv, null);
    });

    it('create of an existing key fails with Exists, reports the current value and writes nothing', async () => {
      const p = space();
      const kv = await store.create(`${p}a`, buf('one'));
      const r = await store.currentRevision();
      const err = await rejectsWith(store.create(`${p}a`, buf('two')), 'Exists');
      if (err.current) sameKv(err.current, kv);
      assert.equal(await store.currentRevision(), r);
      sameKv((await store.get(`${p}a`)).kv, kv);
    });

    it('update with the current modRevision writes a new version and keeps createRevision', async () => {
      const p = space();
      const kv1 = await store.create(`${p}a`, buf('one'));
      const kv2 = await store.update(`${p}a`, buf('two'), kv1.modRevision);
      assert.equal(kv2.createRevision, kv1.createRevision);
      assert.equal(kv2.modRevision, kv1.modRevision + 1);
      assert.equal(kv2.version, 2);
      assert.equal(kv2.value.toString(), 'two');
      sameKv((await store.get(`${p}a`)).kv, kv2);
      const kv3 = await store.update(`${p}a`, buf('three'), kv2.modRevision);
      assert.equal(kv3.version, 3);
    });

    it('update with a stale modRevision fails with Conflict, reports the current value and changes nothing', async () => {
      const p = space();
      const kv1 = await store.create(`${p}a`, buf('one'));
      const kv2 = await store.update(`${p}a`, buf('two'), kv1.modRevision);
      const r = await store.currentRevision();
      const err = await rejectsWith(store.update(`${p}a`, buf('stale'), kv1.modRevision), 'Conflict');
      assert.ok(err.current, 'Conflict carries the current key-value');
      sameKv(err.current, kv2);
      assert.equal(await store.currentRevision(), r);
      sameKv((await store.get(`${p}a`)).kv, kv2);
    });

    it('update of a missing key fails with NotFound and creates nothing', async () => {
      const p = space();
      const r = await store.currentRevision();
      await rejectsWith(store.update(`${p}none`, buf('x'), 0), 'NotFound');
      await rejectsWith(store.update(`${p}none`, buf('x'), r), 'NotFound');
      assert.equal(await store.currentRevision(), r);
      assert.equal((await store.get(`${p}none`)).kv, null);
    });

    it('delete returns the deleted key-value; stale or missing deletes fail and change nothing', async () => {
      const p = space();
      const kv1 = await store.create(`${p}a`, buf('one'));
      const kv2 = await store.update(`${p}a`, buf('two'), kv1.modRevision);
      let r = await store.currentRevision();
      const stale = await rejectsWith(store.delete(`${p}a`, kv1.modRevision), 'Conflict');
      if (stale.current) sameKv(stale.current, kv2);
      assert.equal(await store.currentRevision(), r);
      sameKv((await store.get(`${p}a`)).kv, kv2);

      const deleted = await store.delete(`${p}a`, kv2.modRevision);
      sameKv(deleted, kv2);
      assert.equal(await store.currentRevision(), r + 1);
      assert.equal((await store.get(`${p}a`)).kv, null);

      r = await store.currentRevision();
      await rejectsWith(store.delete(`${p}a`), 'NotFound');
      await rejectsWith(store.delete(`${p}a`, kv2.modRevision), 'NotFound');
      assert.equal(await store.currentRevision(), r);

      // Without an expectation, delete removes whatever version is there.
      const b = await store.create(`${p}b`, buf('b'));
      sameKv(await store.delete(`${p}b`), b);
    });

    it('every write advances the revision by exactly one', async () => {
      const p = space();
      let r = await store.currentRevision();
      const a = await store.create(`${p}a`, buf('1'));
      assert.equal(a.modRevision, ++r);
      const b = await store.create(`${p}b`, buf('1'));
      assert.equal(b.modRevision, ++r);
      const a2 = await store.update(`${p}a`, buf('2'), a.modRevision);
      assert.equal(a2.modRevision, ++r);
      await store.delete(`${p}b`);
      assert.equal(await store.currentRevision(), ++r);
      const b2 = await store.create(`${p}b`, buf('again'));
      assert.equal(b2.modRevision, ++r);
      assert.equal(b2.createRevision, r, 'a re-created key has a new createRevision');
      assert.equal(b2.version, 1, 'a re-created key starts again at version 1');
      assert.equal(await store.currentRevision(), r);
    });

    it('get at an old revision returns the key as it was then', async () => {
      const p = space();
      const before = await store.currentRevision();
      const kv1 = await store.create(`${p}a`, buf('one'));
      const kv2 = await store.update(`${p}a`, buf('two'), kv1.modRevision);
      await store.delete(`${p}a`);
      const at1 = await store.get(`${p}a`, { revision: kv1.modRevision });
      sameKv(at1.kv, kv1);
      assert.equal(at1.revision, kv1.modRevision);
      sameKv((await store.get(`${p}a`, { revision: kv2.modRevision })).kv, kv2);
      assert.equal((await store.get(`${p}a`, { revision: before })).kv, null);
      assert.equal((await store.get(`${p}a`)).kv, null);
    });

    it('reads at a revision newer than the store fail with FutureRevision', async () => {
      const p = space();
      const r = await store.currentRevision();
      await rejectsWith(store.get(`${p}a`, { revision: r + 1000 }), 'FutureRevision');
      await rejectsWith(store.list(p, { revision: r + 1000 }), 'FutureRevision');
    });

    it('list returns exactly the keys under the prefix, sorted by key', async () => {
      const p = space();
      const names = ['m', 'b', 'z', 'a/x', 'a', 'c-1', 'c/2'];
      for (const k of names) await store.create(`${p}${k}`, buf(k));
      await store.create(`${p.slice(0, -1)}-outside`, buf('no'));
      await store.create(`${p.slice(0, -1)}`, buf('no'));
      const res = await store.list(p);
      assert.deepEqual(
        res.kvs.map((kv) => kv.key),
        [...names].sort().map((k) => `${p}${k}`),
      );
      assert.equal(res.more, false);
      assert.equal(res.revision, await store.currentRevision());
      for (const kv of res.kvs) assert.equal(kv.value.toString(), kv.key.slice(p.length));
      assert.equal(await store.count(p), names.length);
      assert.equal(await store.count(`${p}a`), 2);
      assert.deepEqual((await store.list(`${p}nothing/`)).kvs, []);
    });

    it('a paged list read at the first page revision is one consistent snapshot', async () => {
      const p = space();
      const keys = Array.from({ length: 25 }, (_, i) => `${p}k${String(i).padStart(3, '0')}`);
      for (const k of keys) await store.create(k, buf(`v1 ${k}`));
      const page1 = await store.list(p, { limit: 10 });
      assert.equal(page1.kvs.length, 10);
      assert.equal(page1.more, true);
      // Change the store between pages: later pages must not see any of it.
      const changed = await store.update(keys[15]!, buf('v2'), (await store.get(keys[15]!)).kv!.modRevision);
      await store.delete(keys[20]!);
      await store.create(`${p}k0105`, buf('new'));
      const page2 = await store.list(p, { limit: 10, startAfter: page1.kvs.at(-1)!.key, revision: page1.revision });
      const page3 = await store.list(p, { limit: 10, startAfter: page2.kvs.at(-1)!.key, revision: page1.revision });
      assert.equal(page2.more, true);
      assert.equal(page3.more, false);
      assert.equal(page2.revision, page1.revision);
      const all = [...page1.kvs, ...page2.kvs, ...page3.kvs];
      assert.deepEqual(all.map((kv) => kv.key), keys);
      for (const kv of all) assert.equal(kv.value.toString(), `v1 ${kv.key}`);
      // The latest list shows the changes.
      const now = await store.list(p);
      assert.equal(now.kvs.length, 25);
      assert.ok(now.revision >= changed.modRevision + 2);
      // A limit equal to the number of keys left reports no more.
      const exact = await store.list(p, { limit: 5, startAfter: now.kvs[19]!.key });
      assert.equal(exact.kvs.length, 5);
      assert.equal(exact.more, false);
    });

    it('list at an old revision returns the keys as they were', async () => {
      const p = space();
      const a = await store.create(`${p}a`, buf('1'));
      await store.create(`${p}b`, buf('1'));
      const r = await store.currentRevision();
      await store.update(`${p}a`, buf('2'), a.modRevision);
      await store.delete(`${p}b`);
      await store.create(`${p}c`, buf('1'));
      const old = await store.list(p, { revision: r });
      assert.deepEqual(old.kvs.map((kv) => [kv.key, kv.value.toString()]), [[`${p}a`, '1'], [`${p}b`, '1']]);
      assert.equal(old.revision, r);
    });

    it('watch delivers every change after afterRevision in order, with prevKv, no gaps, no repeats', async () => {
      const p = space();
      const start = await store.currentRevision();
      const live = new Recorder();
      const w = store.watch(p, start, live.handlers);
      const a1 = await store.create(`${p}a`, buf('a1'));
      const a2 = await store.update(`${p}a`, buf('a2'), a1.modRevision);
      const b1 = await store.create(`${p}b`, buf('b1'));
      await store.create(`/conformance/elsewhere-${n}`, buf('not watched'));
      await store.delete(`${p}a`);
      const delRev = await store.currentRevision();
      const b2 = await store.update(`${p}b`, buf('b2'), b1.modRevision);
      const events = await live.waitEvents(5);
      w.cancel();

      assert.deepEqual(
        events.map((e) => [e.type, e.kv.key, e.kv.modRevision]),
        [
          ['put', `${p}a`, a1.modRevision],
          ['put', `${p}a`, a2.modRevision],
          ['put', `${p}b`, b1.modRevision],
          ['delete', `${p}a`, delRev],
          ['put', `${p}b`, b2.modRevision],
        ],
      );
      assert.equal(events[0]!.prevKv, null, 'a create has no prevKv');
      sameKv(events[0]!.kv, a1);
      sameKv(events[1]!.prevKv, a1);
      sameKv(events[1]!.kv, a2);
      assert.equal(events[3]!.kv.value.length, 0, 'a delete event carries an empty value');
      sameKv(events[3]!.prevKv, a2);
      sameKv(events[4]!.prevKv, b1);

      // A watch from the past replays exactly the same history.
      const replay = new Recorder();
      const w2 = store.watch(p, start, replay.handlers);
      await replay.waitEvents(5);
      await new Promise((r) => setTimeout(r, 200));
      w2.cancel();
      assert.deepEqual(
        replay.events.map((e) => [e.type, e.kv.key, e.kv.modRevision]),
        events.map((e) => [e.type, e.kv.key, e.kv.modRevision]),
      );
      // ...and from the middle, only what followed.
      const tail = new Recorder();
      const w3 = store.watch(p, a2.modRevision, tail.handlers);
      await tail.waitEvents(3);
      await new Promise((r) => setTimeout(r, 200));
      w3.cancel();
      assert.deepEqual(tail.events.map((e) => e.kv.modRevision), [b1.modRevision, delRev, b2.modRevision]);
    });

    it('a watch from the current revision sees only later changes, and cancel stops delivery', async () => {
      const p = space();
      await store.create(`${p}old`, buf('x'));
      const rec = new Recorder();
      const w = store.watch(p, await store.currentRevision(), rec.handlers);
      const kv = await store.create(`${p}new`, buf('y'));
      await rec.waitEvents(1);
      assert.deepEqual(rec.events.map((e) => e.kv.modRevision), [kv.modRevision]);
      w.cancel();
      w.cancel(); // idempotent
      await store.create(`${p}after-cancel`, buf('z'));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(rec.events.length, 1);
      assert.deepEqual(rec.errors, []);
    });

    it('a key written with ttlSeconds expires as a delete event with prevKv', async () => {
      const p = space();
      const rec = new Recorder();
      const w = store.watch(p, await store.currentRevision(), rec.handlers);
      const kv = await store.create(`${p}lease`, buf('short-lived'), { ttlSeconds: 2 });
      const keep = await store.create(`${p}keep`, buf('no ttl'));
      assert.equal((await store.get(`${p}lease`)).kv?.ttlSeconds, 2);
      assert.ok(!(await store.get(`${p}keep`)).kv?.ttlSeconds);
      const events = await rec.waitEvents(3, 15_000);
      w.cancel();
      const expiry = events[2]!;
      assert.equal(expiry.type, 'delete');
      assert.equal(expiry.kv.key, `${p}lease`);
      assert.ok(expiry.kv.modRevision > keep.modRevision);
      sameKv(expiry.prevKv, kv);
      assert.equal((await store.get(`${p}lease`)).kv, null);
      assert.ok((await store.get(`${p}keep`)).kv);
    });

    it('an update without ttlSeconds removes the TTL', async () => {
      const p = space();
      const kv = await store.create(`${p}a`, buf('1'), { ttlSeconds: 2 });
      await store.update(`${p}a`, buf('2'), kv.modRevision);
      await new Promise((r) => setTimeout(r, 3_500));
      assert.equal((await store.get(`${p}a`)).kv?.value.toString(), '2');
    });

    it('a slow watcher is ended with WatcherTooSlow while a fast watcher and writers continue', async () => {
      const p = space();
      const start = await store.currentRevision();
      const fast = new Recorder();
      const wFast = store.watch(p, start, fast.handlers);
      // The slow consumer takes its first batch and never finishes with it.
      let slowSeen = 0;
      let slowErr: StoreError | null = null;
      let release: () => void = () => {};
      const stuck = new Promise<void>((r) => (release = r));
      const wSlow = store.watch(p, start, {
        onEvents: (evs) => {
          slowSeen = Math.max(slowSeen, evs.at(-1)!.kv.modRevision);
          return stuck;
        },
        onError: (err) => (slowErr = err),
      });
      const written: number[] = [];
      const deadline = Date.now() + 60_000;
      let i = 0;
      try {
        // Write in waves of 32 until the slow watcher is cut off (or we give up).
        while (!slowErr && i < 40_000 && Date.now() < deadline) {
          const wave = await Promise.all(
            Array.from({ length: 32 }, () => store.create(`${p}k${String(i++).padStart(6, '0')}`, Buffer.alloc(100, 1))),
          );
          written.push(...wave.map((kv) => kv.modRevision));
        }
        assert.ok(slowErr, `slow watcher still running after ${i} writes`);
        assert.equal((slowErr as StoreError).code, 'WatcherTooSlow');
        // Writers keep going after the slow watcher is gone.
        for (let j = 0; j < 10; j++) written.push((await store.create(`${p}late${j}`, buf('x'))).modRevision);
        written.sort((a, b) => a - b);
        await fast.waitEvents(written.length, 60_000);
        assert.deepEqual(fast.events.map((e) => e.kv.modRevision), written, 'the fast watcher saw every write, in order');
        // The slow consumer resumes from the last revision it saw, without a gap.
        const resumed = new Recorder();
        const wRes = store.watch(p, slowSeen, resumed.handlers);
        const expected = written.filter((r) => r > slowSeen);
        await resumed.waitEvents(expected.length, 60_000);
        wRes.cancel();
        assert.deepEqual(resumed.events.map((e) => e.kv.modRevision), expected);
      } finally {
        release();
        wFast.cancel();
        wSlow.cancel();
      }
    });

    it('values over the size limit fail with TooLarge and bad keys with InvalidKey; nothing is written', async () => {
      const p = space();
      const r = await store.currentRevision();
      const big = await store.create(`${p}max`, Buffer.alloc(MAX_VALUE_BYTES, 7));
      assert.equal((await store.get(`${p}max`)).kv?.value.length, MAX_VALUE_BYTES);
      assert.equal(big.modRevision, r + 1);
      await rejectsWith(store.create(`${p}over`, Buffer.alloc(MAX_VALUE_BYTES + 1)), 'TooLarge');
      await rejectsWith(store.update(`${p}max`, Buffer.alloc(MAX_VALUE_BYTES + 1), big.modRevision), 'TooLarge');
      await rejectsWith(store.create('', buf('x')), 'InvalidKey');
      await rejectsWith(store.create('no-leading-slash', buf('x')), 'InvalidKey');
      await rejectsWith(store.create(`${p}ctl\u0001`, buf('x')), 'InvalidKey');
      assert.equal(await store.currentRevision(), r + 1);
      assert.equal((await store.get(`${p}over`)).kv, null);
      assert.equal((await store.get(`${p}max`)).kv?.value.length, MAX_VALUE_BYTES);
    });

    // Compaction is store-wide, so it runs after every test that reads history.
    it('compaction drops history below the compaction revision and keeps the latest values', async () => {
      const p = space();
      const a1 = await store.create(`${p}a`, buf('1'));
      const a2 = await store.update(`${p}a`, buf('2'), a1.modRevision);
      const gone = await store.create(`${p}gone`, buf('x'));
      await store.delete(`${p}gone`);
      const c = await store.create(`${p}c`, buf('1'));
      const target = c.modRevision;
      await store.compact(target);
      assert.equal(await store.compactRevision(), target);

      await rejectsWith(store.get(`${p}a`, { revision: a1.modRevision }), 'Compacted');
      await rejectsWith(store.list(p, { revision: a2.modRevision }), 'Compacted');
      sameKv((await store.get(`${p}a`)).kv, a2);
      sameKv((await store.get(`${p}a`, { revision: target })).kv, a2);
      assert.deepEqual((await store.list(p)).kvs.map((kv) => kv.key), [`${p}a`, `${p}c`]);
      assert.equal((await store.get(`${p}gone`)).kv, null);
      assert.ok(gone.modRevision < target);

      // Compacting again at or below the compaction point changes nothing.
      await store.compact(a1.modRevision);
      assert.equal(await store.compactRevision(), target);
      await rejectsWith(store.compact((await store.currentRevision()) + 1000), 'FutureRevision');
    });

    it('a watch from a compacted revision ends with Compacted; one from the compaction point works', async () => {
      const p = space();
      await store.create(`${p}a`, buf('1'));
      const target = await store.currentRevision();
      await store.compact(target);
      const old = new Recorder();
      store.watch(p, target - 1, old.handlers);
      assert.equal((await old.waitError()).code, 'Compacted');
      assert.deepEqual(old.events, []);

      const ok = new Recorder();
      const w = store.watch(p, target, ok.handlers);
      const kv = await store.create(`${p}b`, buf('1'));
      await ok.waitEvents(1);
      w.cancel();
      assert.deepEqual(ok.events.map((e) => e.kv.modRevision), [kv.modRevision]);
    });
  });

  describe(`Store conformance: ${name}, closing`, () => {
    it('closing the store ends its watches with Closed and later calls fail with Closed', async () => {
      const { store, cleanup } = await open();
      try {
        const rec = new Recorder();
        store.watch('/closing/', await store.currentRevision(), rec.handlers);
        await store.create('/closing/a', buf('1'));
        await rec.waitEvents(1);
        await store.close();
        assert.equal((await rec.waitError()).code, 'Closed');
        await rejectsWith(store.get('/closing/a'), 'Closed');
        await rejectsWith(store.create('/closing/b', buf('1')), 'Closed');
      } finally {
        await cleanup();
      }
    });
  });
}
