import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../api/apps/v1/types.js';
import { calculateStatus, rolloutStatus, stuckRecheckIn } from './status.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
function dep(status: Deployment['status'] = {}): Deployment {
  return { metadata: { name: 'web', generation: 3 }, spec: { replicas: 4, progressDeadlineSeconds: 60, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }, status } as unknown as Deployment;
}
const rs = (name: string, spec: number, replicas: number, ready: number, available: number): ReplicaSet =>
  ({ metadata: { name }, spec: { replicas: spec }, status: { replicas, readyReplicas: ready, availableReplicas: available } }) as unknown as ReplicaSet;

test('counts come from the ReplicaSets; Available follows maxUnavailable', () => {
  const s = calculateStatus(dep(), [rs('old', 2, 2, 2, 2), rs('new', 3, 3, 1, 1)], rs('new', 3, 3, 1, 1), T0);
  assert.deepEqual({ ...s, conditions: undefined }, { observedGeneration: 3, replicas: 5, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 2, conditions: undefined });
  assert.deepEqual(s.conditions!.map((c) => [c.type, c.status, c.reason]), [['Available', 'True', 'MinimumReplicasAvailable']]);
  const low = calculateStatus(dep(), [rs('new', 4, 4, 2, 2)], undefined, T0);
  assert.deepEqual(low.conditions!.map((c) => [c.type, c.status, c.reason]), [['Available', 'False', 'MinimumReplicasUnavailable']]);
});

test('Progressing: progress, then completion, and a stall past the deadline', () => {
  const newRS = rs('web-abc', 4, 4, 2, 2);
  const started = dep({ replicas: 4, updatedReplicas: 4, readyReplicas: 1, availableReplicas: 1, conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', lastUpdateTime: iso(T0), lastTransitionTime: iso(T0) }] });
  const moving = rolloutStatus(started, [newRS], newRS, T0 + 10_000).conditions!.find((c) => c.type === 'Progressing')!;
  assert.deepEqual([moving.reason, moving.message, moving.lastUpdateTime, moving.lastTransitionTime], ['ReplicaSetUpdated', 'ReplicaSet "web-abc" is progressing.', iso(T0 + 10_000), iso(T0)]);

  const stalled = dep({ replicas: 4, updatedReplicas: 4, readyReplicas: 2, availableReplicas: 2, conditions: [moving] });
  assert.equal(rolloutStatus(stalled, [newRS], newRS, T0 + 60_000).conditions!.find((c) => c.type === 'Progressing')!.reason, 'ReplicaSetUpdated');
  assert.equal(stuckRecheckIn(stalled, rolloutStatus(stalled, [newRS], newRS, T0 + 60_000), T0 + 60_000), 11_000);
  const late = rolloutStatus(stalled, [newRS], newRS, T0 + 71_000).conditions!.find((c) => c.type === 'Progressing')!;
  assert.deepEqual([late.status, late.reason, late.message], ['False', 'ProgressDeadlineExceeded', 'ReplicaSet "web-abc" has timed out progressing.']);

  const done = rs('web-abc', 4, 4, 4, 4);
  const complete = rolloutStatus({ ...stalled, metadata: { ...stalled.metadata } } as Deployment, [done], done, T0 + 20_000).conditions!.find((c) => c.type === 'Progressing')!;
  assert.deepEqual([complete.status, complete.reason, complete.message], ['True', 'NewReplicaSetAvailable', 'ReplicaSet "web-abc" has successfully progressed.']);
});

test('a ReplicaSet failure surfaces as the Deployment ReplicaFailure condition', () => {
  const bad = { ...rs('web-abc', 4, 0, 0, 0), status: { replicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota', lastTransitionTime: iso(T0) }] } } as unknown as ReplicaSet;
  const c = rolloutStatus(dep(), [bad], bad, T0).conditions!.find((x) => x.type === 'ReplicaFailure')!;
  assert.deepEqual([c.status, c.reason, c.message], ['True', 'FailedCreate', 'quota']);
});
