import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJSON, computeHash, fnv32a, safeEncodeString } from './hash.js';

test('FNV-1a matches the published test vectors', () => {
  assert.equal(fnv32a(Buffer.from('')), 0x811c9dc5);
  assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
  assert.equal(fnv32a(Buffer.from('foobar')), 0xbf9cf968);
});

test('the hash ignores key order, changes with the template and with the collision count', () => {
  const a = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'v1' }] } };
  const b = { spec: { containers: [{ image: 'v1', name: 'c' }] }, metadata: { labels: { app: 'x' } } };
  assert.equal(computeHash(a), computeHash(b));
  assert.notEqual(computeHash(a), computeHash({ ...a, spec: { containers: [{ name: 'c', image: 'v2' }] } }));
  assert.notEqual(computeHash(a), computeHash(a, 1));
  assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
});

test('safe encoding maps digits onto the vowel-free alphabet', () => {
  assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  assert.equal(canonicalJSON({ b: 1, a: [null, { d: 2, c: 3 }] }), '{"a":[null,{"c":3,"d":2}],"b":1}');
});
