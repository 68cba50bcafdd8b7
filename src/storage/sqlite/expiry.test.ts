import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { FakeClock } from '../../machinery/clock.js';
import { openSqliteStore } from './index.js';
import { buf, newStore, recordWatch, tempDir, until } from './testing.js';

test('a key written with a TTL is deleted at a new revision when the clock passes its expiry', async (t) => {
  const clock = new FakeClock();
  const { store } = newStore(t, { clock });
  await store.create('/ttl/a', buf('1'), { ttlSeconds: 10 });
  await store.create('/ttl/keep', buf('k'));
  const w = recordWatch(store, '/ttl/', 2);
  clock.advance(9_999);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal((await store.get('/ttl/a')).kv?.value.toString(), '1');
  assert.equal(w.events.length, 0);
  clock.advance(1);
  await until(() => w.events.length === 1, 'expiry event');
  const [ev] = w.events;
  assert.deepEqual([ev.type, ev.kv.key, ev.kv.modRevision], ['delete', '/ttl/a', 3]);
  assert.equal(ev.prevKv?.value.toString(), '1');
  assert.equal(ev.prevKv?.ttlSeconds, 10);
  assert.equal((await store.get('/ttl/a')).kv, null);
  assert.equal((await store.get('/ttl/keep')).kv?.value.toString(), 'k');
  assert.equal(await store.currentRevision(), 3);
});

test('rewriting a key before its expiry replaces the TTL (none, or a new one)', async (t) => {
  const clock = new FakeClock();
  const { store } = newStore(t, { clock });
  const a = await store.create('/a', buf('1'), { ttlSeconds: 5 });
  const b = await store.create('/b', buf('1'), { ttlSeconds: 5 });
  clock.advance(4_000);
  await store.update('/a', buf('2'), a.modRevision); // no TTL any more
  await store.update('/b', buf('2'), b.modRevision, { ttlSeconds: 5 }); // expires at 9 s now
  clock.advance(2_000);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal((await store.get('/a')).kv?.value.toString(), '2');
  assert.equal((await store.get('/b')).kv?.value.toString(), '2');
  clock.advance(3_000);
  await until(() => store.stats().revision === 5, 'expiry of /b');
  assert.equal((await store.get('/b')).kv, null);
  assert.equal((await store.get('/a')).kv?.value.toString(), '2');
});

test('many keys expiring together are all deleted, each at its own revision', async (t) => {
  const clock = new FakeClock();
  const { store } = newStore(t, { clock });
  await Promise.all(Array.from({ length: 1500 }, (_, i) => store.create(`/many/${i}`, buf('v'), { ttlSeconds: 1 + (i % 3) })));
  const w = recordWatch(store, '/many/', 1500);
  clock.advance(3_000);
  await until(() => w.events.length === 1500, 'all expiries', 10_000);
  assert.equal(await store.count('/many/'), 0);
  assert.deepEqual(
    w.events.map((e) => e.kv.modRevision),
    Array.from({ length: 1500 }, (_, i) => 1501 + i),
  );
});

test('TTLs survive a restart: a key whose time passed while the store was closed expires on open', async (t) => {
  const clock = new FakeClock();
  const file = path.join(tempDir(t), 'ttl.db');
  const first = openSqliteStore({ path: file, clock, compactionIntervalMs: 0 });
  await first.create('/t', buf('v'), { ttlSeconds: 60 });
  await first.close();
  clock.advance(61_000);
  const second = openSqliteStore({ path: file, clock, compactionIntervalMs: 0 });
  t.after(() => second.close());
  clock.advance(0);
  await until(() => second.stats().revision === 2, 'expiry after restart');
  assert.equal((await second.get('/t')).kv, null);
});
