import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch } from '../machinery/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../machinery/patch/strategic-merge.js';
import { Pod } from '../machinery/patch/test-schemas.js';
import { createMergePatch, createStrategicMergePatch } from './patch.js';

const base = () => ({
  metadata: { name: 'p', labels: { app: 'web', tier: 'front' } as Record<string, string>, finalizers: ['a', 'b'] },
  spec: {
    containers: [
      { name: 'main', image: 'nginx:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'side', image: 'busybox' },
    ],
    nodeName: 'n1',
  },
});

test('a merge patch carries only changes, with null for removed keys', () => {
  const a = base();
  const b = base();
  b.metadata.labels = { app: 'web', version: 'v2' };
  const p = createMergePatch(a, b);
  assert.deepEqual(p, { metadata: { labels: { tier: null, version: 'v2' } } });
  assert.deepEqual(applyMergePatch(a, p), b);
  assert.deepEqual(createMergePatch(a, base()), {}, 'no change, empty patch');
});

test('a strategic merge patch touches only the changed list item, by merge key', () => {
  const a = base();
  const b = base();
  b.spec.containers[0]!.image = 'nginx:2';
  const p = createStrategicMergePatch(a, b, Pod);
  assert.deepEqual(p.spec, {
    containers: [{ name: 'main', image: 'nginx:2' }],
    '$setElementOrder/containers': [{ name: 'main' }, { name: 'side' }],
  });
  assert.deepEqual(applyStrategicMergePatch(a, p, Pod), b);
});

test('strategic patches round-trip item removal, additions and set-like lists', () => {
  const a = base();
  const b = base();
  b.spec.containers = [{ name: 'main', image: 'nginx:1', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }, { name: 'new', image: 'x' }] as typeof b.spec.containers;
  b.metadata.finalizers = ['b', 'c'];
  const p = createStrategicMergePatch(a, b, Pod);
  assert.deepEqual(applyStrategicMergePatch(a, p, Pod), b);
  const containers = (p.spec as Record<string, unknown>).containers as Record<string, unknown>[];
  assert.ok(containers.some((c) => c.name === 'side' && c.$patch === 'delete'), 'removed item is a $patch: delete');
  assert.deepEqual((p.metadata as Record<string, unknown>)['$deleteFromPrimitiveList/finalizers'], ['a']);
});

test('a patch built from a stale original does not remove an item someone else added', () => {
  const ours = base();
  const mine = base();
  mine.spec.containers[1]!.image = 'busybox:2';
  const p = createStrategicMergePatch(ours, mine, Pod);
  const live = base();
  live.spec.containers.push({ name: 'injected', image: 'proxy' } as (typeof live.spec.containers)[number]);
  const result = applyStrategicMergePatch(live, p, Pod) as ReturnType<typeof base>;
  assert.deepEqual(result.spec.containers.map((c) => c.name).sort(), ['injected', 'main', 'side']);
  assert.equal(result.spec.containers.find((c) => c.name === 'side')!.image, 'busybox:2');
});
