import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeyValue } from '../types.js';
import { PACKED_CHUNK_ROWS, readPacked, unpack, type PackedRow } from './packed-list.js';
import { buf, newStore } from './testing.js';

const pad = (i: number) => String(i).padStart(5, '0');

test('a packed list returns binary values byte for byte: NULs, invalid UTF-8, empty values', async (t) => {
  const { store } = newStore(t);
  const values: Record<string, Buffer> = {
    '/b/a': Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 0xc3]),
    '/b/b': Buffer.alloc(0),
    '/b/c': Buffer.from([0xed, 0xa0, 0x80, 0, 0]),
    '/b/d': Buffer.from('ünïcødé ✓'),
    '/b/e': Buffer.alloc(0),
  };
  for (const [k, v] of Object.entries(values)) await store.create(k, v, k === '/b/d' ? { ttlSeconds: 60 } : {});
  const res = await store.list('/b/');
  assert.deepEqual(
    res.kvs.map((kv) => [kv.key, kv.value.toString('hex'), kv.ttlSeconds]),
    Object.entries(values).map(([k, v]) => [k, v.toString('hex'), k === '/b/d' ? 60 : undefined]),
  );
  const before = res.revision;
  await store.update('/b/a', buf('changed'), res.kvs[0]!.modRevision);
  const old = await store.list('/b/', { revision: before });
  assert.deepEqual(old.kvs[0]!.value, values['/b/a']);
});

test('a list longer than one chunk is complete, ordered and paged exactly at the latest and at an older revision', async (t) => {
  const { store } = newStore(t);
  const total = PACKED_CHUNK_ROWS * 2 + 7;
  for (let i = 0; i < total; i++) await store.create(`/c/${pad(i)}`, buf(`v${i}`));
  const rev = await store.currentRevision();
  await store.delete(`/c/${pad(3)}`);
  await store.create(`/c/${pad(3)}x`, buf('later'));

  const all = await store.list('/c/', { revision: rev });
  assert.equal(all.kvs.length, total);
  assert.deepEqual(
    all.kvs.map((kv) => kv.key),
    Array.from({ length: total }, (_, i) => `/c/${pad(i)}`),
  );
  assert.ok(all.kvs.every((kv, i) => kv.value.toString() === `v${i}` && kv.modRevision === i + 1 && kv.createRevision === i + 1 && kv.version === 1));
  assert.equal(all.more, false);

  const latest = await store.list('/c/');
  assert.equal(latest.kvs.length, total);
  assert.ok(latest.kvs.some((kv) => kv.key === `/c/${pad(3)}x`));

  // A limit that ends exactly on a chunk boundary, and one just past it.
  for (const limit of [PACKED_CHUNK_ROWS, PACKED_CHUNK_ROWS + 1, total - 1, total]) {
    const page = await store.list('/c/', { limit, revision: rev });
    assert.equal(page.kvs.length, limit, `limit ${limit}`);
    assert.equal(page.more, limit < total, `more at limit ${limit}`);
    const rest = await store.list('/c/', { startAfter: page.kvs.at(-1)!.key, revision: rev });
    assert.equal(page.kvs.length + rest.kvs.length, total, `pages at limit ${limit}`);
  }
});

test('unpack restores key order if SQLite handed rows out of order, and refuses inconsistent rows', () => {
  const out: KeyValue[] = [];
  const row = (packed: string): PackedRow => ({ n: 2, keys: '/b\x1f/a', numbers: JSON.stringify([2, 2, 1, 0, 2, 1, 1, 1, 30, 1]), packed: Buffer.from(packed) });
  unpack(row('bba'), out);
  assert.deepEqual(
    out.map((kv) => [kv.key, kv.value.toString(), kv.modRevision, kv.ttlSeconds]),
    [
      ['/a', 'a', 1, 30],
      ['/b', 'bb', 2, undefined],
    ],
  );
  assert.throws(() => unpack(row('bbaa'), []), /inconsistent/);
  assert.throws(() => unpack({ ...row('bba'), n: 3 }, []), /inconsistent/);
});

test('a whole-range read too big for one SQLite BLOB falls back to chunks; other errors propagate', () => {
  const one = (key: string): PackedRow => ({ n: 1, keys: key, numbers: '[1,1,1,0,1]', packed: Buffer.from('v') });
  const calls: string[] = [];
  const tooBig = Object.assign(new Error('string or blob too big'), { code: 'SQLITE_TOOBIG' });
  const kvs = readPacked(
    {
      whole: () => { throw tooBig; },
      chunk: (lo, after, n) => {
        calls.push(`${lo}:${after}:${n}`);
        return lo === '/p/' ? one('/p/a') : undefined;
      },
    },
    '/p/',
    false,
    Infinity,
  );
  assert.deepEqual(kvs.map((kv) => kv.key), ['/p/a']);
  assert.deepEqual(calls, [`/p/:false:${PACKED_CHUNK_ROWS}`]);
  assert.throws(
    () => readPacked({ whole: () => { throw new Error('disk I/O error'); }, chunk: () => undefined }, '/p/', false, Infinity),
    /disk I\/O/,
  );
});
