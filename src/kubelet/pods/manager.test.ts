import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Pod } from '../../api/core/v1/pod.js';
import { runtimeFingerprint, specPrint } from './manager.js';

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
