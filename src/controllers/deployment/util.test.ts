import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from '../../api/apps/v1/types.js';
import {
  DESIRED_REPLICAS, MAX_REPLICAS, REVISION, REVISION_HISTORY, equalIgnoreHash, findActiveOrLatest, findNewReplicaSet, maxSurge, maxUnavailable,
  newRSNewReplicas, newReplicaSetAnnotations, resolveFenceposts, sameStatus, scaledValue, deploymentComplete, deploymentProgressing,
} from './util.js';

const template = (image: string, hash?: string) => ({ metadata: { labels: { app: 'a', ...(hash ? { 'pod-template-hash': hash } : {}) } }, spec: { containers: [{ name: 'c', image }] } });
function dep(replicas: number, surge: number | string = '25%', unavailable: number | string = '25%', image = 'v2'): Deployment {
  return { metadata: { name: 'd', generation: 2, annotations: { 'kubernetes.io/change-cause': 'why', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }, spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } }, template: template(image) } } as unknown as Deployment;
}
function rs(name: string, replicas: number, image: string, created: string, annotations: Record<string, string> = {}, available = replicas): ReplicaSet {
  return { metadata: { name, creationTimestamp: created, annotations }, spec: { replicas, template: template(image, name) }, status: { replicas, availableReplicas: available } } as unknown as ReplicaSet;
}

test('percentages scale with surge rounding up and unavailability rounding down', () => {
  assert.equal(scaledValue('25%', 10, true), 3);
  assert.equal(scaledValue('25%', 10, false), 2);
  assert.equal(scaledValue(4, 10, false), 4);
  assert.deepEqual(resolveFenceposts('25%', '25%', 3), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(0, 0, 3), { surge: 0, unavailable: 1 }, 'both zero would never progress');
  assert.equal(maxSurge(dep(10)), 3);
  assert.equal(maxUnavailable(dep(10)), 2);
  assert.equal(maxUnavailable(dep(2, 0, 5)), 2, 'never more than replicas');
});

test('the new ReplicaSet grows only up to replicas + maxSurge in total', () => {
  const d = dep(4, 1, 0);
  const old = rs('old', 4, 'v1', '2024-01-01T00:00:00Z');
  const fresh = rs('new', 0, 'v2', '2024-01-02T00:00:00Z');
  assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 1);
  const grown = rs('new', 1, 'v2', '2024-01-02T00:00:00Z');
  assert.equal(newRSNewReplicas(d, [old, grown], grown), 1, 'at the surge limit: no growth until old pods go');
  const shrunk = rs('old', 3, 'v1', '2024-01-01T00:00:00Z');
  assert.equal(newRSNewReplicas(d, [shrunk, grown], grown), 2);
  assert.equal(newRSNewReplicas({ ...d, spec: { ...d.spec, strategy: { type: 'Recreate' } } } as Deployment, [old, fresh], fresh), 4);
});

test('the new ReplicaSet is the oldest whose template equals the Deployment\'s, ignoring the hash label', () => {
  const d = dep(3);
  const a = rs('a', 0, 'v2', '2024-01-03T00:00:00Z');
  const b = rs('b', 0, 'v2', '2024-01-02T00:00:00Z');
  const c = rs('c', 3, 'v1', '2024-01-01T00:00:00Z');
  assert.equal(findNewReplicaSet(d, [a, b, c])?.metadata.name, 'b');
  assert.equal(findNewReplicaSet(dep(3, 1, 1, 'v9'), [a, b, c]), undefined);
  assert.ok(equalIgnoreHash(template('v1', 'x'), template('v1')));
  assert.ok(!equalIgnoreHash(template('v1', 'x'), template('v2', 'x')));
});

test('annotations: copied from the Deployment but for the skipped ones, revision raised with history kept', () => {
  const d = dep(4);
  const created = newReplicaSetAnnotations(d, rs('n', 0, 'v2', 'x'), 3, false)!;
  assert.equal(created[REVISION], '3');
  assert.equal(created['kubernetes.io/change-cause'], 'why');
  assert.equal(created['kubectl.kubernetes.io/last-applied-configuration'], undefined);
  assert.equal(created[DESIRED_REPLICAS], '4');
  assert.equal(created[MAX_REPLICAS], '5');
  const rolledBack = newReplicaSetAnnotations(d, rs('o', 0, 'v2', 'x', { [REVISION]: '1', 'kubernetes.io/change-cause': 'why' }), 3, true)!;
  assert.equal(rolledBack[REVISION], '3');
  assert.equal(rolledBack[REVISION_HISTORY], '1');
  assert.equal(newReplicaSetAnnotations(d, rs('o', 0, 'v2', 'x', { [REVISION]: '3', 'kubernetes.io/change-cause': 'why' }), 3, true), undefined, 'nothing to change');
});

test('active-or-latest, completion and progress', () => {
  const old = rs('old', 0, 'v1', '2024-01-01T00:00:00Z');
  const fresh = rs('new', 3, 'v2', '2024-01-02T00:00:00Z');
  assert.equal(findActiveOrLatest(fresh, [old])?.metadata.name, 'new');
  assert.equal(findActiveOrLatest(undefined, [old])?.metadata.name, 'old');
  assert.equal(findActiveOrLatest(fresh, [rs('old', 1, 'v1', '2024-01-01T00:00:00Z')]), undefined);
  const d = dep(3);
  assert.ok(deploymentComplete(d, { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 2 }));
  assert.ok(!deploymentComplete(d, { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 }));
  d.status = { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 };
  assert.ok(deploymentProgressing(d, { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 }));
  assert.ok(!deploymentProgressing(d, { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 }));
});

test('status comparison treats zero and absent counts alike', () => {
  assert.ok(sameStatus({ replicas: 0, conditions: [] }, {}));
  assert.ok(!sameStatus({ replicas: 1 }, {}));
});
