import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodSpec } from '../../api/core/v1/pod-spec.js';
import { nodeShouldRunDaemonPod, pinToNode, targetNodeName, tolerates, withDaemonTolerations, type Node } from './predicates.js';

const node = (name: string, labels: Record<string, string> = {}, taints: { key: string; value?: string; effect: string }[] = []): Node =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: { taints } }) as Node;
const spec = (extra: Partial<PodSpec> = {}): PodSpec => ({ containers: [{ name: 'c', image: 'x' }], ...extra }) as PodSpec;

test('nodeSelector and required node affinity decide eligibility', () => {
  const s = spec({ nodeSelector: { disk: 'ssd' } });
  assert.deepEqual(nodeShouldRunDaemonPod(node('a', { disk: 'ssd' }), s), { shouldRun: true, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRunDaemonPod(node('b', { disk: 'hdd' }), s), { shouldRun: false, shouldContinueRunning: false });
  const aff = spec({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
    { matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1', 'z2'] }] },
    { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['special'] }] },
  ] } } } });
  assert.equal(nodeShouldRunDaemonPod(node('a', { zone: 'z2' }), aff).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('special'), aff).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('c', { zone: 'z3' }), aff).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('other'), spec({ nodeName: 'x' })).shouldRun, false);
});

test('an untolerated NoSchedule taint blocks new pods but keeps running ones; NoExecute evicts', () => {
  const noSchedule = node('a', {}, [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
  assert.deepEqual(nodeShouldRunDaemonPod(noSchedule, spec()), { shouldRun: false, shouldContinueRunning: true });
  const noExecute = node('b', {}, [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }]);
  assert.deepEqual(nodeShouldRunDaemonPod(noExecute, spec()), { shouldRun: false, shouldContinueRunning: false });
  const tolerating = spec({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoExecute' }] });
  assert.deepEqual(nodeShouldRunDaemonPod(noExecute, tolerating), { shouldRun: true, shouldContinueRunning: true });
  assert.equal(nodeShouldRunDaemonPod(node('c', {}, [{ key: 'soft', effect: 'PreferNoSchedule' }]), spec()).shouldRun, true);
});

test('daemon pods tolerate not-ready, unreachable, pressure and unschedulable taints by default', () => {
  for (const [key, effect] of [['node.kubernetes.io/not-ready', 'NoExecute'], ['node.kubernetes.io/unreachable', 'NoExecute'], ['node.kubernetes.io/unschedulable', 'NoSchedule'], ['node.kubernetes.io/disk-pressure', 'NoSchedule']]) {
    assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: key!, effect: effect! }]), spec()).shouldRun, true, key);
  }
  assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), spec()).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('n', {}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), spec({ hostNetwork: true })).shouldRun, true);
  assert.equal(withDaemonTolerations(spec({ tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] })).filter((t) => t.key === 'node.kubernetes.io/not-ready').length, 1);
});

test('toleration matching follows key, operator, value and effect', () => {
  assert.ok(tolerates({ operator: 'Exists' }, { key: 'any', effect: 'NoSchedule' }));
  assert.ok(!tolerates({ key: 'a', operator: 'Equal', value: '1' }, { key: 'a', value: '2', effect: 'NoSchedule' }));
  assert.ok(!tolerates({ key: 'a', operator: 'Exists', effect: 'NoExecute' }, { key: 'a', effect: 'NoSchedule' }));
});

test('pinning sets the metadata.name field affinity the scheduler honours, and it reads back', () => {
  const pinned = pinToNode(spec({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'x', operator: 'Exists' }] } }] } } }), 'node-7');
  assert.deepEqual(pinned.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-7'] }] }] });
  assert.equal(pinned.affinity!.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution!.length, 1);
  assert.equal(targetNodeName(pinned), 'node-7');
  assert.equal(targetNodeName(spec({ nodeName: 'bound' })), 'bound');
  assert.equal(targetNodeName(spec()), undefined);
});
