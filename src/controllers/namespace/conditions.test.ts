import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conditionsFor, mergeConditions } from './conditions.js';

const empty = () => ({ discoveryFailures: new Map<string, string>(), deleteFailures: [] as string[], remaining: new Map<string, number>(), finalizers: new Map<string, number>() });

test('all good: five False conditions with Kubernetes\' reasons', () => {
  const c = conditionsFor(empty());
  assert.deepEqual(c.map((x) => [x.type, x.status, x.reason]), [
    ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered'],
    ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions'],
    ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted'],
    ['NamespaceContentRemaining', 'False', 'ContentRemoved'],
    ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers'],
  ]);
});

test('remaining content and finalizers are reported as Kubernetes words them', () => {
  const r = empty();
  r.remaining.set('pods', 3).set('deployments.apps', 1);
  r.finalizers.set('custom.io/finalizer', 1);
  r.discoveryFailures.set('metrics.k8s.io/v1beta1', 'stale GroupVersion discovery');
  const c = Object.fromEntries(conditionsFor(r).map((x) => [x.type, x]));
  assert.equal(c.NamespaceContentRemaining!.message, 'Some resources are remaining: deployments.apps has 1 resource instances, pods has 3 resource instances');
  assert.equal(c.NamespaceFinalizersRemaining!.message, 'Some content in the namespace has finalizers remaining: custom.io/finalizer in 1 resource instances');
  assert.equal(c.NamespaceDeletionDiscoveryFailure!.reason, 'DiscoveryFailed');
  assert.equal(c.NamespaceDeletionDiscoveryFailure!.message, 'Discovery failed for some groups, 1 failing: metrics.k8s.io/v1beta1: stale GroupVersion discovery');
});

test('merging keeps the transition time of unchanged conditions and reports no change when equal', () => {
  const first = mergeConditions([], conditionsFor(empty()), 'T1')!;
  assert.equal(mergeConditions(first, conditionsFor(empty()), 'T2'), undefined);
  const r = empty();
  r.remaining.set('pods', 1);
  const second = mergeConditions(first, conditionsFor(r), 'T2')!;
  assert.equal(second.find((c) => c.type === 'NamespaceContentRemaining')!.lastTransitionTime, 'T2');
  assert.equal(second.find((c) => c.type === 'NamespaceDeletionDiscoveryFailure')!.lastTransitionTime, 'T1');
});
