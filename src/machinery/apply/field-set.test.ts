import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, formatPath, keyElement } from './field-set.js';

const v1 = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': { 'f:containers': { 'k:{"name":"main"}': { '.': {}, 'f:image': {}, 'f:name': {} } }, 'f:replicas': {} },
};

test('round-trips fieldsV1, with "." for members that have children', () => {
  const s = FieldSet.fromFieldsV1(v1);
  assert.deepEqual(s.toFieldsV1(), v1);
  assert.equal(s.has(['f:metadata', 'f:labels']), true);
  assert.equal(s.has(['f:metadata']), false, 'a node with children and no "." is not a member');
  assert.equal(s.has(['f:spec', 'f:containers', 'k:{"name":"main"}']), true);
});

test('canonicalizes item keys so equal keys match whatever order they were written in', () => {
  const s = FieldSet.fromFieldsV1({ 'f:ports': { 'k:{"protocol":"TCP","containerPort":80}': {} } });
  assert.equal(s.has(['f:ports', keyElement({ containerPort: 80, protocol: 'TCP' })]), true);
});

test('set algebra works on exact paths; recursiveDifference drops subtrees', () => {
  const a = FieldSet.fromPaths([['f:a', 'f:b'], ['f:a', 'f:c'], ['f:d']]);
  const b = FieldSet.fromPaths([['f:a', 'f:b'], ['f:e']]);
  assert.deepEqual(a.difference(b).paths(), [['f:a', 'f:c'], ['f:d']]);
  assert.deepEqual(a.intersection(b).paths(), [['f:a', 'f:b']]);
  assert.deepEqual(a.union(b).paths().length, 4);
  assert.deepEqual(a.recursiveDifference(FieldSet.fromPaths([['f:a']])).paths(), [['f:d']]);
  assert.deepEqual(a.difference(FieldSet.fromPaths([['f:a']])).paths().length, 3, 'difference removes only the exact path');
});

test('prints paths as Kubernetes does in conflict messages', () => {
  assert.equal(formatPath(['f:spec', 'f:containers', keyElement({ name: 'main' }), 'f:image']), '.spec.containers[name="main"].image');
  assert.equal(formatPath(['f:ports', keyElement({ protocol: 'TCP', containerPort: 80 })]), '.ports[containerPort=80,protocol="TCP"]');
  assert.equal(formatPath(['f:metadata', 'f:finalizers', 'v:"a.io/x"']), '.metadata.finalizers[="a.io/x"]');
});
