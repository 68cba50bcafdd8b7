import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../workload/pods.js';
import type { Node } from './predicates.js';
import { rollingUpdateVictims } from './rolling-update.js';
import { calculateStatus } from './status.js';

const NOW = Date.parse('2024-01-01T01:00:00Z');
const ds = (maxUnavailable?: number | string, type = 'RollingUpdate'): DaemonSet =>
  ({ metadata: { name: 'ds', generation: 2 }, spec: { updateStrategy: { type, rollingUpdate: maxUnavailable === undefined ? undefined : { maxUnavailable } }, template: { spec: { containers: [] } } } }) as unknown as DaemonSet;
const node = (name: string) => ({ metadata: { name } }) as Node;
const pod = (name: string, hash: string, ready: boolean): Pod =>
  ({ metadata: { name, labels: { 'controller-revision-hash': hash }, creationTimestamp: '2024-01-01T00:00:00Z' }, status: { conditions: ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] : [] } }) as unknown as Pod;

const nodes = ['a', 'b', 'c', 'd'].map(node);

test('one available old pod at a time by default, unavailable old pods always', () => {
  const byNode = new Map([['a', [pod('a1', 'old', true)]], ['b', [pod('b1', 'old', true)]], ['c', [pod('c1', 'old', false)]], ['d', [pod('d1', 'new', true)]]]);
  // c is already unavailable (and old): it goes, and that uses up the single unavailability.
  assert.deepEqual(rollingUpdateVictims(ds(), nodes, byNode, 'new', [], NOW).map((p) => p.metadata.name), ['c1']);
  byNode.set('c', [pod('c2', 'new', true)]);
  assert.deepEqual(rollingUpdateVictims(ds(), nodes, byNode, 'new', [], NOW).map((p) => p.metadata.name), ['a1']);
  assert.deepEqual(rollingUpdateVictims(ds('50%'), nodes, byNode, 'new', [], NOW).map((p) => p.metadata.name), ['a1', 'b1']);
  assert.deepEqual(rollingUpdateVictims(ds(1, 'OnDelete'), nodes, byNode, 'new', [], NOW), []);
});

test('a node without a pod counts as unavailable and holds the rollout back', () => {
  const byNode = new Map([['a', [pod('a1', 'old', true)]], ['b', [pod('b1', 'new', true)]], ['c', [pod('c1', 'new', true)]]]);
  assert.deepEqual(rollingUpdateVictims(ds(), nodes, byNode, 'new', [], NOW), []);
});

test('status counts desired, current, ready, available, updated and misscheduled nodes', () => {
  const byNode = new Map([['a', [pod('a1', 'old', true)]], ['b', [pod('b1', 'new', false)]], ['gone', [pod('x', 'new', true)]]]);
  const s = calculateStatus(ds(), nodes, byNode, 'new', NOW);
  assert.deepEqual(s, { currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 4, numberReady: 1, observedGeneration: 2, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 3 });
});
