import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reconcileTaints, toleratesTaint, wantedTaints, type NodeLike } from './taints.js';
import { evictionDecision } from './eviction.js';
import { NodeHealthTracker, unknownConditions } from './health.js';

const node = (ready: string | undefined, extra: Partial<NodeLike> = {}): NodeLike => ({
  metadata: { name: 'n', creationTimestamp: '2024-01-01T00:00:00Z' },
  status: { conditions: ready ? [{ type: 'Ready', status: ready, lastHeartbeatTime: 'h1' }] : [] },
  ...extra,
});

test('Ready=Unknown wants unreachable taints, Ready=False not-ready ones, Ready=True none', () => {
  assert.deepEqual(wantedTaints(node('Unknown')), [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]);
  assert.deepEqual(wantedTaints(node('False')).map((t) => t.key), ['node.kubernetes.io/not-ready', 'node.kubernetes.io/not-ready']);
  assert.deepEqual(wantedTaints(node('True')), []);
  assert.deepEqual(wantedTaints(node('True', { spec: { unschedulable: true } })), [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
});

test('reconciling keeps foreign taints and timeAdded, stamps new NoExecute taints, and reports no change when in line', () => {
  const n = node('Unknown', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: 'old' }] } });
  const next = reconcileTaints(n, 'NOW')!;
  assert.deepEqual(next, [
    { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 'NOW' },
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
  ]);
  assert.equal(reconcileTaints({ ...n, spec: { taints: next } }, 'LATER'), undefined);
  assert.deepEqual(reconcileTaints({ ...node('True'), spec: { taints: next } }, 'X'), [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
});

test('tolerations match by key, operator, value and effect', () => {
  const taint = { key: 'k', value: 'v', effect: 'NoExecute' };
  assert.equal(toleratesTaint({ key: 'k', operator: 'Exists' }, taint), true);
  assert.equal(toleratesTaint({ operator: 'Exists' }, taint), true, 'empty key with Exists tolerates everything');
  assert.equal(toleratesTaint({ key: 'k', value: 'v' }, taint), true);
  assert.equal(toleratesTaint({ key: 'k', value: 'w' }, taint), false);
  assert.equal(toleratesTaint({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, taint), false);
});

test('eviction: at once without a matching toleration, after the smallest tolerationSeconds, never without a limit', () => {
  const added = Date.parse('2024-01-01T00:00:00Z');
  const taints = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2024-01-01T00:00:00Z' }];
  assert.deepEqual(evictionDecision(taints, [], added), { evict: 'now' });
  assert.deepEqual(evictionDecision(taints, [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists', tolerationSeconds: 60 }], added + 1000), { evict: 'at', atMs: added + 60_000 });
  assert.deepEqual(evictionDecision(taints, [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }], added), { evict: 'never' });
  assert.deepEqual(evictionDecision(taints, [{ operator: 'Exists', tolerationSeconds: 10 }], added + 10_000), { evict: 'now' });
  assert.deepEqual(evictionDecision([{ key: 'x', effect: 'NoSchedule' }], [], added), { evict: 'never' }, 'NoSchedule taints evict nobody');
});

test('the health tracker counts heartbeat and Lease renewal changes as probes, timed by its own clock', () => {
  const h = new NodeHealthTracker();
  assert.equal(h.observe('n', node('True'), 'r1', 1000), 1000);
  assert.equal(h.observe('n', node('True'), 'r1', 5000), 1000, 'nothing new');
  assert.equal(h.observe('n', node('True'), 'r2', 9000), 9000, 'lease renewed');
  const beat = node('True');
  beat.status!.conditions![0]!.lastHeartbeatTime = 'h2';
  assert.equal(h.observe('n', beat, 'r2', 12000), 12000, 'status heartbeat');
});

test('unknown conditions: Ready and pressure conditions turn Unknown with Kubernetes\' reason and message', () => {
  const conds = unknownConditions(node('True'), 'NOW')!;
  const ready = conds.find((c) => c.type === 'Ready')!;
  assert.deepEqual({ s: ready.status, r: ready.reason, m: ready.message, t: ready.lastTransitionTime, hb: ready.lastHeartbeatTime }, { s: 'Unknown', r: 'NodeStatusUnknown', m: 'Kubelet stopped posting node status.', t: 'NOW', hb: 'h1' });
  assert.equal(conds.find((c) => c.type === 'MemoryPressure')!.reason, 'NodeStatusNeverUpdated');
  assert.equal(unknownConditions({ ...node(undefined), status: { conditions: conds } }, 'LATER'), undefined, 'already Unknown: no change');
});
