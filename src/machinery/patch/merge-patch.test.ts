import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { applyMergePatch } from './merge-patch.js';

test('merges maps, deletes on null and replaces lists (RFC 7386)', () => {
  const src = { metadata: { labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'x' }, { name: 'y' }], replicas: 1 } };
  const out = applyMergePatch(src, { metadata: { labels: { a: null, c: '3' } }, spec: { containers: [{ name: 'z', image: null }] } });
  assert.deepEqual(out, { metadata: { labels: { b: '2', c: '3' } }, spec: { containers: [{ name: 'z' }], replicas: 1 } });
  assert.equal(src.metadata.labels.a, '1', 'the original is not mutated');
});

test('what kubectl label sends sets and removes labels', () => {
  const out = applyMergePatch({ metadata: { name: 'p' } }, '{"metadata":{"labels":{"tier":"web"}}}');
  assert.deepEqual(out, { metadata: { name: 'p', labels: { tier: 'web' } } });
  assert.deepEqual(applyMergePatch(out, { metadata: { labels: { tier: null } } }), { metadata: { name: 'p', labels: {} } });
});

test('a patch value replacing a scalar with a map keeps no nulls', () => {
  assert.deepEqual(applyMergePatch({ a: 1 }, { a: { b: null, c: 1 } }), { a: { c: 1 } });
});

test('null or scalar patches are 400 "Invalid JSON Patch"; a list patch is 422', () => {
  for (const body of ['null', '5', '"x"']) {
    try { applyMergePatch({}, body); assert.fail('expected error'); } catch (e) {
      assert.ok(e instanceof ApiError); assert.equal(e.code, 400); assert.equal(e.message, 'Invalid JSON Patch');
    }
  }
  try { applyMergePatch({}, '[1]'); assert.fail('expected error'); } catch (e) { assert.ok(e instanceof ApiError); assert.equal(e.code, 422); }
});
