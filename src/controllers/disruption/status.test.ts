import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodDisruptionBudget } from '../../api/policy/v1/index.js';
import { Indexer } from '../../client/informer/store.js';
import type { KubeObject } from '../../api/resource.js';
import { computeBudgetStatus, expectedPodCount, type BudgetPod } from './status.js';
import { scaleFinder } from './scale.js';
import { podsForBudget, staleDisruptionIn } from './controller.js';

const NOW = Date.parse('2024-01-01T00:10:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const owner = (kind: string, name: string, uid: string) => [{ apiVersion: kind === 'ReplicationController' ? 'v1' : 'apps/v1', kind, name, uid, controller: true }];
const pod = (name: string, o: { ready?: boolean; owner?: ReturnType<typeof owner>; deleting?: boolean; labels?: Record<string, string> } = {}): BudgetPod => ({
  metadata: { name, namespace: 'ns', labels: o.labels ?? { app: 'web' }, ownerReferences: o.owner, ...(o.deleting ? { deletionTimestamp: iso(NOW) } : {}) },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});
const budget = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): PodDisruptionBudget =>
  ({ metadata: { name: 'web', namespace: 'ns', generation: 1 }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec }, status } as PodDisruptionBudget);

function listers(objs: { rs?: KubeObject[]; deploy?: KubeObject[]; rc?: KubeObject[] }) {
  const ix = (items: KubeObject[] = []) => { const i = new Indexer<KubeObject>(); for (const o of items) i.set(o as never); return i; };
  return scaleFinder({ replicaSets: ix(objs.rs) as never, deployments: ix(objs.deploy) as never, replicationControllers: ix(objs.rc) as never });
}
const rs = (name: string, uid: string, replicas: number, ownedBy?: ReturnType<typeof owner>): KubeObject =>
  ({ metadata: { name, namespace: 'ns', uid, ownerReferences: ownedBy }, spec: { replicas } });
const noScale = listers({});

test('minAvailable as an integer: expected is the pods selected, desired is the number; disruptions are the healthy surplus', () => {
  const pods = [pod('a'), pod('b'), pod('c', { ready: false })];
  const out = computeBudgetStatus(budget({ minAvailable: 1 }), pods, noScale, NOW);
  assert.deepEqual({ ...out.status, conditions: undefined }, { observedGeneration: 1, disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 3, conditions: undefined });
  assert.deepEqual(out.status!.conditions!.map((c) => [c.type, c.status, c.reason, c.observedGeneration]), [['DisruptionAllowed', 'True', 'SufficientPods', 1]]);
});

test('minAvailable as a percentage counts against the controllers\' scale, each controller once, rounding up', () => {
  const finder = listers({ rs: [rs('web-rs', 'rs-1', 4)] });
  const pods = [pod('a', { owner: owner('ReplicaSet', 'web-rs', 'rs-1') }), pod('b', { owner: owner('ReplicaSet', 'web-rs', 'rs-1') }), pod('c', { owner: owner('ReplicaSet', 'web-rs', 'rs-1') })];
  const e = expectedPodCount(budget({ minAvailable: '50%' }), pods, finder);
  assert.deepEqual(e, { expectedCount: 4, desiredHealthy: 2, unmanaged: [] });
  assert.equal(expectedPodCount(budget({ minAvailable: '30%' }), pods, finder).desiredHealthy, 2, '1.2 rounds up to 2');
  const out = computeBudgetStatus(budget({ minAvailable: '50%' }), pods, finder, NOW);
  assert.equal(out.status!.disruptionsAllowed, 1);
});

test('maxUnavailable: desired is the scale less the (rounded up) allowance; a Deployment counts through its ReplicaSet', () => {
  const finder = listers({ rs: [rs('web-rs', 'rs-1', 5, owner('Deployment', 'web', 'd-1'))], deploy: [rs('web', 'd-1', 5)] });
  const pods = ['a', 'b', 'c', 'd', 'e'].map((n) => pod(n, { owner: owner('ReplicaSet', 'web-rs', 'rs-1') }));
  assert.deepEqual(expectedPodCount(budget({ maxUnavailable: 1 }), pods, finder), { expectedCount: 5, desiredHealthy: 4, unmanaged: [] });
  assert.deepEqual(expectedPodCount(budget({ maxUnavailable: '50%' }), pods, finder), { expectedCount: 5, desiredHealthy: 2, unmanaged: [] });
  assert.deepEqual(expectedPodCount(budget({ maxUnavailable: 9 }), pods, finder).desiredHealthy, 0);
  const rcFinder = listers({ rc: [rs('legacy', 'rc-1', 2)] });
  assert.deepEqual(expectedPodCount(budget({ maxUnavailable: 1 }), [pod('x', { owner: owner('ReplicationController', 'legacy', 'rc-1') })], rcFinder), { expectedCount: 2, desiredHealthy: 1, unmanaged: [] });
});

test('a percentage over pods whose controller is unknown throws (the controller fails safe); unowned pods are reported', () => {
  assert.throws(() => expectedPodCount(budget({ maxUnavailable: 1 }), [pod('a', { owner: owner('StatefulSet', 'db', 's-1') })], noScale), /found no controllers for pod "a"/);
  assert.deepEqual(expectedPodCount(budget({ maxUnavailable: 1 }), [pod('lone')], noScale), { expectedCount: 0, desiredHealthy: 0, unmanaged: ['lone'] });
});

test('recently evicted pods are not healthy; entries past the 2-minute timeout are dropped and reported; recheck when the next expires', () => {
  const recent = iso(NOW - 30_000);
  const old = iso(NOW - 3 * 60_000);
  const out = computeBudgetStatus(budget({ minAvailable: 1 }, { disruptedPods: { a: recent, b: old } }), [pod('a'), pod('b'), pod('c')], noScale, NOW);
  assert.deepEqual(out.status!.disruptedPods, { a: recent });
  assert.equal(out.status!.currentHealthy, 2);
  assert.deepEqual(out.expired.map((p) => p.metadata.name), ['b']);
  assert.equal(out.recheckAtMs, Date.parse(recent) + 120_000);
});

test('pods being deleted do not count; a budget expecting no pods allows no disruption', () => {
  const out = computeBudgetStatus(budget({ minAvailable: 0 }), [pod('a', { deleting: true })], noScale, NOW);
  assert.equal(out.status!.currentHealthy, 0);
  assert.equal(out.status!.disruptionsAllowed, 0);
  const none = computeBudgetStatus(budget({ maxUnavailable: 1 }), [], noScale, NOW);
  assert.deepEqual([none.status!.expectedPods, none.status!.disruptionsAllowed], [0, 0]);
  assert.equal(none.status!.conditions![0]!.reason, 'InsufficientPods');
});

test('an up-to-date status is not rewritten', () => {
  const first = computeBudgetStatus(budget({ minAvailable: 1 }), [pod('a'), pod('b')], noScale, NOW);
  const again = computeBudgetStatus(budget({ minAvailable: 1 }, first.status as never), [pod('a'), pod('b')], noScale, NOW + 1000);
  assert.equal(again.status, undefined);
});

test('the controller counts pods by selector: an empty selector is every pod in the namespace, none is no pod', () => {
  const pods = [pod('a'), pod('b', { labels: { app: 'other' } })];
  assert.deepEqual(podsForBudget(budget({}), pods).map((p) => p.metadata.name), ['a']);
  assert.deepEqual(podsForBudget(budget({ selector: {} }), pods).map((p) => p.metadata.name), ['a', 'b']);
  assert.deepEqual(podsForBudget({ metadata: { name: 'x', namespace: 'ns' }, spec: {} } as PodDisruptionBudget, pods), []);
});

test('a DisruptionTarget condition on a pod not being deleted goes stale two minutes after it was set; the kubelet\'s never does', () => {
  const marked = (reason: string, at: number, deleting = false): BudgetPod => ({
    metadata: { name: 'p', namespace: 'ns', ...(deleting ? { deletionTimestamp: iso(at) } : {}) },
    status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason, lastTransitionTime: iso(at) } as never] },
  });
  assert.equal(staleDisruptionIn(marked('EvictionByEvictionAPI', NOW - 30_000), NOW), 90_000);
  assert.equal(staleDisruptionIn(marked('PreemptionByScheduler', NOW - 300_000), NOW), 0);
  assert.equal(staleDisruptionIn(marked('TerminationByKubelet', NOW - 300_000), NOW), undefined);
  assert.equal(staleDisruptionIn(marked('EvictionByEvictionAPI', NOW - 300_000, true), NOW), undefined);
  assert.equal(staleDisruptionIn(pod('plain'), NOW), undefined);
});
