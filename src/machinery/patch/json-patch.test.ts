import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { applyJsonPatch } from './json-patch.js';

const obj = () => ({ metadata: { name: 'a', labels: { x: '1' } }, spec: { list: [1, 2] } });

function codeOf(fn: () => unknown): ApiError {
  try { fn(); } catch (e) { assert.ok(e instanceof ApiError); return e; }
  assert.fail('expected an ApiError');
}

test('applies add, replace, remove, move, copy and test operations', () => {
  const src = obj();
  const out = applyJsonPatch(src, [
    { op: 'test', path: '/metadata/name', value: 'a' },
    { op: 'add', path: '/metadata/labels/y', value: '2' },
    { op: 'replace', path: '/spec/list/0', value: 9 },
    { op: 'add', path: '/spec/list/-', value: 3 },
    { op: 'remove', path: '/metadata/labels/x' },
    { op: 'copy', from: '/metadata/name', path: '/metadata/generateName' },
    { op: 'move', from: '/spec/list', path: '/spec/items' },
  ]);
  assert.deepEqual(out, { metadata: { name: 'a', labels: { y: '2' }, generateName: 'a' }, spec: { items: [9, 2, 3] } });
  assert.deepEqual(src, obj(), 'the original is not mutated');
});

test('accepts the raw request body', () => {
  assert.equal((applyJsonPatch(obj(), Buffer.from('[{"op":"replace","path":"/metadata/name","value":"b"}]')) as any).metadata.name, 'b');
});

test('a failed test op, a missing path or an unknown op is 422 Invalid with the upstream message', () => {
  for (const ops of [
    [{ op: 'test', path: '/metadata/name', value: 'zzz' }],
    [{ op: 'remove', path: '/metadata/nope' }],
    [{ op: 'replace', path: '/nope/x', value: 1 }],
    [{ op: 'add', path: '/a/b/c', value: 1 }],
    [{ op: 'frobnicate', path: '/metadata' }],
  ]) {
    const e = codeOf(() => applyJsonPatch(obj(), ops));
    assert.equal(e.code, 422, JSON.stringify(ops));
    assert.equal(e.reason, 'Invalid');
    assert.equal(e.message, 'the server rejected our request due to an error in our request');
  }
});

test('a body that is not a list of operations is 400 BadRequest', () => {
  for (const body of ['{"op":"add"}', '[1]', 'not json']) {
    const e = codeOf(() => applyJsonPatch(obj(), body));
    assert.equal(e.code, 400, body);
    assert.equal(e.reason, 'BadRequest');
  }
});

test('more than 10000 operations is 413', () => {
  const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/metadata/name', value: 'a' }));
  assert.equal(codeOf(() => applyJsonPatch(obj(), ops)).code, 413);
});

test('replacing the whole document with a non-object is 422', () => {
  assert.equal(codeOf(() => applyJsonPatch(obj(), [{ op: 'replace', path: '', value: [1] }])).code, 422);
});
