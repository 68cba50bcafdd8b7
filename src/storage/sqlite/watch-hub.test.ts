import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WatchEvent } from '../types.js';
import { buf, newStore, recordWatch, until } from './testing.js';

const revs = (evs: WatchEvent[]) => evs.map((e) => e.kv.modRevision);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test('a live watch gets puts and deletes under its prefix only, with prevKv', async (t) => {
  const { store } = newStore(t);
  const w = recordWatch(store, '/w/', 0);
  const a = await store.create('/w/a', buf('1'));
  await store.create('/x/other', buf('no'));
  await store.update('/w/a', buf('2'), a.modRevision);
  await store.delete('/w/a');
  await until(() => w.events.length === 3, 'three events');
  const [created, updated, deleted] = w.events;
  assert.deepEqual([created.type, created.kv.value.toString(), created.prevKv], ['put', '1', null]);
  assert.deepEqual([updated.type, updated.kv.version, updated.prevKv?.value.toString(), updated.prevKv?.modRevision], ['put', 2, '1', 1]);
  assert.deepEqual([deleted.type, deleted.kv.key, deleted.kv.modRevision, deleted.kv.value.length], ['delete', '/w/a', 4, 0]);
  assert.equal(deleted.prevKv?.value.toString(), '2');
  assert.equal(deleted.prevKv?.modRevision, 3);
  assert.equal(w.error, null);
});

test('a watch from an older revision replays the log then goes live, without gap or repeat', async (t) => {
  // A small buffer forces the replay to proceed in many chunks while writes keep coming.
  const { store } = newStore(t, { watchBufferLimit: 50 });
  for (let i = 0; i < 300; i++) await store.create(`/r/${i}`, buf('old'));
  let writing = true;
  const writer = (async () => {
    for (let i = 0; i < 300; i++) await store.create(`/r/live${i}`, buf('new'));
    writing = false;
  })();
  await new Promise((r) => setTimeout(r, 5));
  const w = recordWatch(store, '/r/', 100);
  assert.ok(writing, 'the watch must start while writes are still coming');
  await writer;
  assert.equal(writing, false);
  await until(() => w.events.length >= 500, 'replay + live events');
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(w.error, null);
  assert.deepEqual(revs(w.events), range(101, 600));
  // prevKv is served from the log during replay too.
  const k = await store.update('/r/5', buf('again'), 6);
  await store.delete('/r/5', k.modRevision);
  const late = recordWatch(store, '/r/5', 600);
  const lateFrom599 = recordWatch(store, '/r/5', 599);
  await until(() => late.events.length === 2 && lateFrom599.events.length === 2, 'events on /r/5');
  assert.equal(late.events[0].prevKv?.value.toString(), 'old');
  assert.equal(late.events[1].prevKv?.value.toString(), 'again');
});

test('a watch from a revision newer than its history sees only later events', async (t) => {
  const { store } = newStore(t);
  await store.create('/f/a', buf('1'));
  const w = recordWatch(store, '/f/', 3);
  await store.create('/f/b', buf('2')); // 2: before the watch start, not delivered
  await store.create('/f/c', buf('3')); // 3
  await store.create('/f/d', buf('4')); // 4
  await until(() => w.events.length === 1, 'one event');
  assert.deepEqual(revs(w.events), [4]);
});

test('a watch from a compacted revision ends with Compacted; from the compact revision it works', async (t) => {
  const { store } = newStore(t);
  for (let i = 0; i < 5; i++) await store.create(`/c/${i}`, buf('v'));
  await store.compact(3);
  const old = recordWatch(store, '/c/', 2);
  const ok = recordWatch(store, '/c/', 3);
  await until(() => old.error !== null && ok.events.length === 2, 'compacted error and replay');
  assert.equal(old.error?.code, 'Compacted');
  assert.equal(old.events.length, 0);
  assert.deepEqual(revs(ok.events), [4, 5]);
});

test('a slow watcher is ended with WatcherTooSlow while a fast one and the writers keep going', async (t) => {
  const { store } = newStore(t, { watchBufferLimit: 100 });
  let release: () => void = () => {};
  const stuck = new Promise<void>((r) => (release = r));
  t.after(() => release());
  // Never finishes its first batch while the writes run: its buffer fills up.
  const slow = recordWatch(store, '/s/', 0, () => stuck);
  const fast = recordWatch(store, '/s/', 0);
  for (let i = 0; i < 400; i++) await store.create(`/s/${i}`, buf('v'));
  await until(() => fast.events.length === 400 && slow.error !== null, 'fast watcher done and slow one ended');
  assert.equal(slow.error?.code, 'WatcherTooSlow');
  assert.ok(slow.events.length < 400);
  assert.deepEqual(revs(fast.events), range(1, 400));
  assert.equal(fast.error, null);
  assert.equal(store.stats().watchers, 1);
  release();
  await new Promise((r) => setTimeout(r, 10));
  assert.ok(slow.events.length < 400, 'no events after the error');
});

test('a watcher whose handler returns a promise gets its next batch only after it settles', async (t) => {
  const { store } = newStore(t);
  let inFlight = 0;
  let maxInFlight = 0;
  const w = recordWatch(store, '/p/', 0, async () => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise((r) => setTimeout(r, 3));
    inFlight--;
  });
  await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(`/p/${i}`, buf('v')).then(() => new Promise((r) => setTimeout(r, i % 5)))));
  await until(() => w.events.length === 50, '50 events');
  assert.equal(maxInFlight, 1);
  assert.deepEqual(revs(w.events), range(1, 50));
});

test('cancel stops delivery; close ends watchers with Closed', async (t) => {
  const { store } = newStore(t);
  const cancelled = recordWatch(store, '/', 0);
  const open = recordWatch(store, '/', 0);
  await store.create('/a', buf('1'));
  await until(() => cancelled.events.length === 1 && open.events.length === 1, 'first event');
  cancelled.cancel();
  await store.create('/b', buf('2'));
  await until(() => open.events.length === 2, 'second event');
  await store.close();
  assert.equal(open.error?.code, 'Closed');
  assert.equal(cancelled.events.length, 1);
  assert.equal(cancelled.error, null);
  const after = recordWatch(store, '/', 0);
  await until(() => after.error !== null, 'error on a watch of a closed store');
  assert.equal(after.error?.code, 'Closed');
});

test('one commit larger than the buffer limit does not end a watcher that is keeping up', async (t) => {
  const { store } = newStore(t, { watchBufferLimit: 10 });
  const w = recordWatch(store, '/big/', 0);
  await Promise.all(Array.from({ length: 50 }, (_, i) => store.create(`/big/${i}`, buf('v'))));
  assert.equal(store.stats().commits, 1);
  await until(() => w.events.length === 50, '50 events');
  assert.equal(w.error, null);
});
