import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../workload/pods.js';
import type { ReplicaOwner } from './kinds.js';
import { calculateStatus, nextAvailableIn, sameStatus } from './status.js';

const NOW = Date.parse('2024-01-01T00:01:00Z');
const owner = (extra: Record<string, unknown> = {}): ReplicaOwner => ({ metadata: { name: 'r', generation: 4 }, spec: { replicas: 3, minReadySeconds: 30, template: { metadata: { labels: { app: 'a', tier: 't' } } } }, status: { replicas: 0 }, ...extra }) as unknown as ReplicaOwner;
const pod = (labels: Record<string, string>, readySince?: string): Pod => ({ metadata: { labels }, status: { conditions: readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] : [] } }) as unknown as Pod;

test('counts replicas, fully labelled, ready, and available after minReadySeconds', () => {
  const pods = [pod({ app: 'a', tier: 't' }, '2024-01-01T00:00:00Z'), pod({ app: 'a', tier: 't' }, '2024-01-01T00:00:50Z'), pod({ app: 'a' })];
  const s = calculateStatus(owner(), pods, undefined, NOW);
  assert.deepEqual(s, { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 });
  // The second pod becomes available 20 s from now (plus a second of margin).
  assert.equal(nextAvailableIn(owner(), pods, NOW), 21_000);
});

test('a failed create sets ReplicaFailure FailedCreate, and success removes it', () => {
  const s = calculateStatus(owner(), [], new Error('quota exceeded'), NOW);
  assert.equal(s.conditions?.length, 1);
  assert.deepEqual({ ...s.conditions![0], lastTransitionTime: undefined }, { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota exceeded', lastTransitionTime: undefined });
  const cleared = calculateStatus(owner({ status: { replicas: 0, conditions: s.conditions } }), [], undefined, NOW);
  assert.equal(cleared.conditions, undefined);
});

test('status equality ignores zero versus absent', () => {
  assert.ok(sameStatus({ replicas: 0, observedGeneration: 1 }, { replicas: 0, readyReplicas: 0, availableReplicas: 0, fullyLabeledReplicas: 0, observedGeneration: 1 }));
  assert.ok(!sameStatus({ replicas: 0, observedGeneration: 1 }, { replicas: 0, observedGeneration: 2 }));
});
