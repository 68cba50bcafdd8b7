import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeObject, nodeConditions } from './node-object.js';

const shape = { cpu: '4', memory: '8Gi', pods: 50, ephemeralStorage: '20Gi' };

test('a hollow node carries the labels, capacity, addresses and nodeInfo a kubelet reports', () => {
  const n = nodeObject(2, 'hn-2', { ...shape, zones: ['eu-west-1a', 'eu-west-1b'], labels: (i) => ({ 'kubernetes.io/os': 'linux', pool: `p${i}` }) }, Date.UTC(2026, 0, 1));
  assert.equal(n.metadata.labels['kubernetes.io/hostname'], 'hn-2');
  assert.equal(n.metadata.labels['topology.kubernetes.io/zone'], 'eu-west-1a');
  assert.equal(n.metadata.labels['topology.kubernetes.io/region'], 'eu-west-1');
  assert.equal(n.metadata.labels.pool, 'p2');
  assert.deepEqual(n.status.capacity, { cpu: '4', memory: '8Gi', pods: '50', 'ephemeral-storage': '20Gi' });
  assert.deepEqual(n.status.allocatable, n.status.capacity);
  assert.deepEqual(n.spec.podCIDRs, ['10.64.2.0/24']);
  assert.deepEqual((n.status.addresses as unknown[])[0], { type: 'InternalIP', address: '172.16.0.3' });
  const ready = (n.status.conditions as { type: string; status: string; lastHeartbeatTime: string }[]).find((c) => c.type === 'Ready')!;
  assert.equal(ready.status, 'True');
  assert.equal(ready.lastHeartbeatTime, '2026-01-01T00:00:00Z');
});

test('NotReady conditions say False or Unknown with the reasons Kubernetes uses', () => {
  const f = nodeConditions(false, 0, 0).find((c) => c.type === 'Ready')!;
  assert.deepEqual([f.status, f.reason], ['False', 'KubeletNotReady']);
  const u = nodeConditions('Unknown', 0, 0).find((c) => c.type === 'Ready')!;
  assert.deepEqual([u.status, u.reason], ['Unknown', 'NodeStatusUnknown']);
  assert.deepEqual(nodeConditions(true, 0, 0).map((c) => c.type), ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
});
