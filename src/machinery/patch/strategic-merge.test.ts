import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../errors.js';
import { applyStrategicMergePatch, supportsStrategicMerge } from './strategic-merge.js';
import { Deployment, Pod } from './test-schemas.js';
import { Type } from '@sinclair/typebox';

const pod = () => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web', tier: 'fe' }, finalizers: ['a.io/x', 'b.io/y'] },
  spec: {
    containers: [
      { name: 'main', image: 'nginx:1', args: ['-a', '-b'], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] },
      { name: 'side', image: 'busybox' },
    ],
  },
});

function expectApiError(fn: () => unknown, code: number, message?: RegExp): ApiError {
  try { fn(); } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${e}`);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail('expected an error');
}

test('applies the body kubectl apply sends to change an image and delete a container', () => {
  const live = pod();
  const body = JSON.stringify({
    metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}\n' } },
    spec: { '$setElementOrder/containers': [{ name: 'main' }], containers: [{ image: 'nginx:2', name: 'main' }, { $patch: 'delete', name: 'side' }] },
  });
  const out = applyStrategicMergePatch(live, body, Pod) as any;
  assert.deepEqual(out.spec.containers.map((c: any) => [c.name, c.image]), [['main', 'nginx:2']]);
  assert.deepEqual(out.spec.containers[0].env, live.spec.containers[0].env, 'untouched fields of a merged item stay');
  assert.equal(out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], '{"x":1}\n');
  assert.deepEqual(out.metadata.labels, { app: 'web', tier: 'fe' });
  assert.equal(live.spec.containers.length, 2, 'the original is not mutated');
});

test('merges a keyed list item by key and merges its nested keyed lists', () => {
  const out = applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'main', env: [{ name: 'B', value: '20' }, { name: 'C', value: '3' }] }] } }, Pod) as any;
  const main = out.spec.containers.find((c: any) => c.name === 'main');
  assert.equal(main.image, 'nginx:1');
  assert.deepEqual(main.env.map((e: any) => e.name), ['A', 'B', 'C'], 'patch order wins among patched items; live items keep their place');
  assert.deepEqual(Object.fromEntries(main.env.map((e: any) => [e.name, e.value])), { A: '1', B: '20', C: '3' });
  assert.equal(out.spec.containers.length, 2);
});

test('puts new keyed items before existing ones, as kube-apiserver does without $setElementOrder', () => {
  const out = applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'extra', image: 'redis' }] } }, Pod) as any;
  assert.deepEqual(out.spec.containers.map((c: any) => c.name), ['extra', 'main', 'side']);
});

test('orders the merged list by $setElementOrder', () => {
  const out = applyStrategicMergePatch(pod(), { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'extra' }, { name: 'main' }], containers: [{ name: 'extra', image: 'redis' }] } }, Pod) as any;
  assert.deepEqual(out.spec.containers.map((c: any) => c.name), ['side', 'extra', 'main']);
});

test('replaces lists without a merge strategy (args are atomic)', () => {
  const out = applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'main', args: ['-z'] }] } }, Pod) as any;
  assert.deepEqual(out.spec.containers[0].args, ['-z']);
});

test('merges primitive lists with strategy merge as a set, and deletes with $deleteFromPrimitiveList', () => {
  const added = applyStrategicMergePatch(pod(), { metadata: { finalizers: ['b.io/y', 'c.io/z'] } }, Pod) as any;
  assert.deepEqual(added.metadata.finalizers, ['a.io/x', 'b.io/y', 'c.io/z']);
  const removed = applyStrategicMergePatch(pod(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.io/x'] } }, Pod) as any;
  assert.deepEqual(removed.metadata.finalizers, ['b.io/y']);
});

test('null deletes a map key and a field; maps merge', () => {
  const out = applyStrategicMergePatch(pod(), { metadata: { labels: { tier: null, env: 'prod' } }, spec: { containers: [{ name: 'side', image: null }] } }, Pod) as any;
  assert.deepEqual(out.metadata.labels, { app: 'web', env: 'prod' });
  assert.deepEqual(out.spec.containers.find((c: any) => c.name === 'side'), { name: 'side' });
});

test('$patch: replace on a map replaces it, on a list item replaces the whole list', () => {
  const m = applyStrategicMergePatch(pod(), { metadata: { labels: { $patch: 'replace', only: 'this' } } }, Pod) as any;
  assert.deepEqual(m.metadata.labels, { only: 'this' });
  const l = applyStrategicMergePatch(pod(), { spec: { containers: [{ name: 'solo', image: 'x' }, { $patch: 'replace' }] } }, Pod) as any;
  assert.deepEqual(l.spec.containers, [{ name: 'solo', image: 'x' }]);
});

test('$patch: delete on a map empties it; $patch: merge is the default merge', () => {
  const d = applyStrategicMergePatch(pod(), { metadata: { labels: { $patch: 'delete' } } }, Pod) as any;
  assert.deepEqual(d.metadata.labels, {});
  const m = applyStrategicMergePatch(pod(), { metadata: { labels: { $patch: 'merge', x: 'y' } } }, Pod) as any;
  assert.deepEqual(m.metadata.labels, { app: 'web', tier: 'fe', x: 'y' });
});

test('$retainKeys clears fields of the original not listed (switching a deployment to Recreate)', () => {
  const live = { spec: { replicas: 2, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } } };
  const out = applyStrategicMergePatch(live, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, Deployment) as any;
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  assert.equal(out.spec.replicas, 2);
});

test('$retainKeys on list items (volumes switch source) and mismatch is 422', () => {
  const live = { spec: { volumes: [{ name: 'v', emptyDir: { medium: 'Memory' } }] } };
  const out = applyStrategicMergePatch(live, { spec: { volumes: [{ name: 'v', $retainKeys: ['hostPath', 'name'], hostPath: { path: '/x' } }] } }, Pod) as any;
  assert.deepEqual(out.spec.volumes, [{ name: 'v', hostPath: { path: '/x' } }]);
  const e = expectApiError(() => applyStrategicMergePatch(live, { spec: { volumes: [{ name: 'v', $retainKeys: ['name'], hostPath: { path: '/x' } }] } }, Pod), 422);
  assert.equal(e.reason, 'Invalid');
  expectApiError(() => applyStrategicMergePatch(live, { spec: { volumes: [{ name: 'v', $retainKeys: 'name' }] } }, Pod), 400, /invalid patch format of retainKeys/);
});

test('a list item without its merge key is 400 with the upstream message', () => {
  expectApiError(() => applyStrategicMergePatch(pod(), { spec: { containers: [{ image: 'x' }] } }, Pod), 400, /^map: map\[image:x\] does not contain declared merge key: name$/);
});

test('an unknown $patch directive and bad directive formats are 400', () => {
  expectApiError(() => applyStrategicMergePatch(pod(), { metadata: { labels: { $patch: 'frob' } } }, Pod), 400, /unknown patch type: frob in map/);
  expectApiError(() => applyStrategicMergePatch(pod(), { metadata: { '$deleteFromPrimitiveList/finalizers': 'x' } }, Pod), 400, /invalid patch format of primitive list/);
  expectApiError(() => applyStrategicMergePatch(pod(), { spec: { '$setElementOrder/containers': 'x' } }, Pod), 400, /setElementOrder/);
  expectApiError(() => applyStrategicMergePatch(pod(), '[1]', Pod), 400, /cannot unmarshal array/);
  expectApiError(() => applyStrategicMergePatch(pod(), '{not json', Pod), 400);
});

test('a patch list that disagrees with $setElementOrder is 400', () => {
  expectApiError(() => applyStrategicMergePatch(pod(), { spec: { '$setElementOrder/containers': [{ name: 'main' }], containers: [{ name: 'other', image: 'x' }] } }, Pod), 400, /doesn't match \$setElementOrder list/);
});

test('lists of lists are refused with 422', () => {
  expectApiError(() => applyStrategicMergePatch({ spec: { x: [[1]] } }, { spec: { x: [[2]] } }, Type.Object({ spec: Type.Object({ x: Type.Array(Type.Array(Type.Number()), { 'x-kubernetes-patch-strategy': 'merge' }) }) })), 422);
});

test('keyed lists merge by key inside a nested template (deployment)', () => {
  const live = { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } } };
  const out = applyStrategicMergePatch(live, { spec: { template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 443 }] }] } } } }, Deployment) as any;
  assert.deepEqual(out.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort), [443, 80]);
  assert.equal(out.spec.template.spec.containers[0].image, 'a:1');
});

test('directives inside values new to the object are not stored', () => {
  const out = applyStrategicMergePatch({ metadata: { name: 'p' } }, { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'gone', $patch: 'delete' }], nodeName: null } }, Pod) as any;
  assert.deepEqual(out.spec, { containers: [{ name: 'a', image: 'x' }] });
});

test('fields unknown to the schema merge as maps and replace as lists', () => {
  const out = applyStrategicMergePatch({ extra: { a: 1, l: [1, 2] } }, { extra: { b: 2, l: [3] } }, Pod) as any;
  assert.deepEqual(out.extra, { a: 1, b: 2, l: [3] });
});

test('SMP is supported only where a schema with fields is given', () => {
  assert.equal(supportsStrategicMerge(Pod), true);
  assert.equal(supportsStrategicMerge(undefined), false);
  assert.equal(supportsStrategicMerge(Type.Object({}, { 'x-kubernetes-preserve-unknown-fields': true })), false);
});

test('a primitive list with $setElementOrder and $deleteFromPrimitiveList (what kubectl sends for finalizers)', () => {
  const live = { metadata: { finalizers: ['a', 'b', 'server'] } };
  const out = applyStrategicMergePatch(live, { metadata: { '$setElementOrder/finalizers': ['c', 'a'], finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['b'] } }, Pod) as any;
  assert.deepEqual(out.metadata.finalizers, ['c', 'a', 'server']);
});

test('$setElementOrder on a list the object does not have yet drops delete directives', () => {
  const out = applyStrategicMergePatch({ spec: {} }, { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }], containers: [{ name: 'b', image: 'y' }, { name: 'a', image: 'x' }, { name: 'z', $patch: 'delete' }] } }, Pod) as any;
  assert.deepEqual(out.spec.containers, [{ name: 'b', image: 'y' }, { name: 'a', image: 'x' }]);
});

test('a changed type replaces the value; deleting a missing item is a no-op', () => {
  const out = applyStrategicMergePatch(pod(), { metadata: { labels: 'oops' }, spec: { containers: [{ name: 'nope', $patch: 'delete' }] } }, Pod) as any;
  assert.equal(out.metadata.labels, 'oops');
  assert.equal(out.spec.containers.length, 2);
});
