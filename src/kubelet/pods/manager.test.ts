import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Pod } from '../../api/core/v1/pod.js';
import { plegChanges, runtimeFingerprint, specPrint } from './manager.js';

const pod = (): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '5', labels: { a: 'b' } },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
  status: { phase: 'Pending' },
} as Pod);

it('does not resync a pod for a write that changed only its status', () => {
  const a = pod();
  const b = pod();
  b.metadata.resourceVersion = '6';
  (b.metadata as { managedFields?: unknown[] }).managedFields = [{ manager: 'kubelet', subresource: 'status' }];
  b.status = { phase: 'Running', podIP: '10.0.0.2' };
  assert.equal(specPrint(b), specPrint(a));
});

it('resyncs a pod whose spec, labels, annotations or deletion timestamp changed', () => {
  const base = specPrint(pod());
  const spec = pod();
  spec.spec!.activeDeadlineSeconds = 5;
  const labels = pod();
  labels.metadata.labels = { a: 'c' };
  const ann = pod();
  ann.metadata.annotations = { x: 'y' };
  const del = pod();
  del.metadata.deletionTimestamp = '2026-11-26T09:00:00Z';
  for (const p of [spec, labels, ann, del]) assert.notEqual(specPrint(p), base);
});

it('fingerprints a pod\'s runtime state the same whatever order it was read in, and tells state changes apart', () => {
  const a = runtimeFingerprint([{ id: 's1', state: 'SANDBOX_READY' }], [{ id: 'c1', state: 'CONTAINER_RUNNING' }, { id: 'c2', state: 'CONTAINER_EXITED' }]);
  const b = runtimeFingerprint([{ id: 's1', state: 'SANDBOX_READY' }], [{ id: 'c2', state: 'CONTAINER_EXITED' }, { id: 'c1', state: 'CONTAINER_RUNNING' }]);
  assert.equal(a, b);
  assert.notEqual(runtimeFingerprint([{ id: 's1', state: 'SANDBOX_READY' }], [{ id: 'c1', state: 'CONTAINER_EXITED' }, { id: 'c2', state: 'CONTAINER_EXITED' }]), a);
});

it('relist wakes pods whose runtime state changed or vanished, but not a pod in the middle of its own sync', () => {
  const prev = new Map([['a', 'a1'], ['b', 'b1'], ['gone', 'g1'], ['busy', 'busy0']]);
  const listed = new Map([['a', 'a1'], ['b', 'b2'], ['new', 'n1'], ['busy', 'busy1'], ['busynew', 'x1']]);
  const syncing = new Set(['busy', 'busynew']);
  const { wake, next } = plegChanges(prev, listed, (u) => syncing.has(u), (u) => u === 'gone');
  assert.deepEqual(wake.sort(), ['b', 'gone', 'new']);
  // The syncing pods keep what was recorded (nothing, for one never recorded): the sync's own view replaces it.
  assert.equal(next.get('busy'), 'busy0');
  assert.equal(next.has('busynew'), false);
  assert.equal(next.get('b'), 'b2');
});

it('relist wakes a pod whose state changed after its sync ended, against the view that sync recorded', () => {
  // The sync recorded its view ('v'); the relist after it sees something else: wake.
  const { wake } = plegChanges(new Map([['p', 'v']]), new Map([['p', 'v-exited']]), () => false, () => true);
  assert.deepEqual(wake, ['p']);
});
