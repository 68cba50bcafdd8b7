import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from './pods.js';
import { rankPodsForDeletion, POD_DELETION_COST } from './rank.js';

const T0 = '2024-01-01T00:00:00Z';
function pod(name: string, o: { node?: string; phase?: string; ready?: string; created?: string; cost?: number; restarts?: number } = {}): Pod {
  return {
    metadata: { name, creationTimestamp: o.created ?? T0, annotations: o.cost !== undefined ? { [POD_DELETION_COST]: String(o.cost) } : undefined },
    spec: { nodeName: o.node, containers: [] },
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.ready }] : [],
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0, image: '', imageID: '', ready: !!o.ready }],
    },
  } as unknown as Pod;
}
const names = (ps: Pod[]) => ps.map((p) => p.metadata.name);

test('unscheduled before scheduled, pending before running, not ready before ready', () => {
  const ps = [pod('ready', { node: 'n1', ready: T0 }), pod('running', { node: 'n2' }), pod('pending', { node: 'n3', phase: 'Pending' }), pod('unscheduled', { phase: 'Pending' })];
  assert.deepEqual(names(rankPodsForDeletion(ps)), ['unscheduled', 'pending', 'running', 'ready']);
});

test('lower deletion cost first, then pods doubled up on a node', () => {
  const ps = [pod('alone', { node: 'n1', ready: T0 }), pod('pair-a', { node: 'n2', ready: T0 }), pod('pair-b', { node: 'n2', ready: T0 }), pod('cheap', { node: 'n3', ready: T0, cost: -5 })];
  assert.deepEqual(names(rankPodsForDeletion(ps)).slice(0, 1), ['cheap']);
  assert.deepEqual(names(rankPodsForDeletion(ps)).at(-1), 'alone');
});

test('ready for less time, more restarts, newer: each goes first', () => {
  assert.deepEqual(names(rankPodsForDeletion([pod('old-ready', { node: 'a', ready: T0 }), pod('new-ready', { node: 'b', ready: '2024-06-01T00:00:00Z' })])), ['new-ready', 'old-ready']);
  assert.deepEqual(names(rankPodsForDeletion([pod('calm', { node: 'a' }), pod('crashy', { node: 'b', restarts: 7 })])), ['crashy', 'calm']);
  assert.deepEqual(names(rankPodsForDeletion([pod('older', { node: 'a', created: T0 }), pod('newer', { node: 'b', created: '2024-02-01T00:00:00Z' })])), ['newer', 'older']);
});
