import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodInfo } from '../framework/pod-info.js';
import { makeNode, makePod, world } from '../testing.js';
import { pickCandidate, selectVictimsOnNode, splitByBudgetViolation } from './default-preemption.js';
import type { PodDisruptionBudget } from '../../api/policy/v1/types.js';

test('victims: only lower-priority pods, the least important first to go, the rest reprieved', () => {
  const w = world([makeNode('n', { cpu: '3' })], [
    makePod('p0', { node: 'n', cpu: '1', priority: 0 }),
    makePod('p5', { node: 'n', cpu: '1', priority: 5 }),
    makePod('p100', { node: 'n', cpu: '1', priority: 100 }),
  ]);
  const pod = makePod('hi', { cpu: '1', priority: 50 });
  const state = w.fwk.newCycleState();
  w.fwk.runPreFilterPlugins(state, pod, new PodInfo(pod), w.snapshot.nodeInfos());
  const victims = selectVictimsOnNode(w.fwk, state, pod, w.snapshot.get('n')!.clone());
  assert.deepEqual(victims?.victims.map((v) => v.pod.metadata.name), ['p0']);
  assert.equal(victims?.pdbViolations, 0);
  // The real node is untouched by the what-if.
  assert.equal(w.snapshot.get('n')!.pods.length, 3);
});

test('no victims when even evicting every lower-priority pod would not make room', () => {
  const w = world([makeNode('n', { cpu: '2' })], [makePod('p0', { node: 'n', cpu: '1', priority: 0 }), makePod('p100', { node: 'n', cpu: '1', priority: 100 })]);
  const pod = makePod('hi', { cpu: '2', priority: 50 });
  const state = w.fwk.newCycleState();
  w.fwk.runPreFilterPlugins(state, pod, new PodInfo(pod), w.snapshot.nodeInfos());
  assert.equal(selectVictimsOnNode(w.fwk, state, pod, w.snapshot.get('n')!.clone()), undefined);
});

test('the node chosen: lowest top victim priority, then lowest sum, then fewest victims, then latest start', () => {
  const v = (name: string, priority: number, start = '2026-01-01T00:00:00Z') => new PodInfo(makePod(name, { priority, start }));
  assert.equal(pickCandidate([
    { node: 'a', victims: [v('a1', 10)], pdbViolations: 0 },
    { node: 'b', victims: [v('b1', 5), v('b2', 5)], pdbViolations: 0 },
  ])?.node, 'b');
  assert.equal(pickCandidate([
    { node: 'a', victims: [v('a1', 5), v('a2', 4)], pdbViolations: 0 },
    { node: 'b', victims: [v('b1', 5), v('b2', 1)], pdbViolations: 0 },
  ])?.node, 'b');
  assert.equal(pickCandidate([
    { node: 'a', victims: [v('a1', 5), v('a2', 0)], pdbViolations: 0 },
    { node: 'b', victims: [v('b1', 5)], pdbViolations: 0 },
  ])?.node, 'b');
  assert.equal(pickCandidate([
    { node: 'old', victims: [v('o', 5, '2026-01-01T00:00:00Z')], pdbViolations: 0 },
    { node: 'new', victims: [v('n', 5, '2026-02-01T00:00:00Z')], pdbViolations: 0 },
  ])?.node, 'new');
  assert.equal(pickCandidate([
    { node: 'a', victims: [v('a1', 0)], pdbViolations: 1 },
    { node: 'b', victims: [v('b1', 9)], pdbViolations: 0 },
  ])?.node, 'b');
});

const budget = (name: string, labels: Record<string, string>, disruptionsAllowed: number, disruptedPods?: Record<string, string>): PodDisruptionBudget =>
  ({ metadata: { name, namespace: 'default' }, spec: { selector: { matchLabels: labels } }, status: { disruptionsAllowed, ...(disruptedPods ? { disruptedPods } : {}) } } as PodDisruptionBudget);

test('pods are split by whether evicting them overdraws a budget, in the order given', () => {
  const pods = ['a', 'b', 'c'].map((n) => new PodInfo(makePod(n, { labels: { app: 'web' } })));
  const lone = new PodInfo(makePod('lone'));
  const { violating, nonViolating } = splitByBudgetViolation([...pods, lone], [budget('web', { app: 'web' }, 1)]);
  assert.deepEqual(nonViolating.map((p) => p.pod.metadata.name), ['a', 'lone']);
  assert.deepEqual(violating.map((p) => p.pod.metadata.name), ['b', 'c']);
  // A pod the eviction handler already counted in disruptedPods spends nothing again.
  const again = splitByBudgetViolation(pods, [budget('web', { app: 'web' }, 1, { a: '2026-01-01T00:00:00Z' })]);
  assert.deepEqual(again.violating.map((p) => p.pod.metadata.name), ['c']);
  // Budgets in other namespaces and empty selectors cover nothing.
  const other = { ...budget('web', { app: 'web' }, 0), metadata: { name: 'web', namespace: 'other' } } as PodDisruptionBudget;
  const empty = { ...budget('all', {}, 0), spec: { selector: {} } } as PodDisruptionBudget;
  assert.equal(splitByBudgetViolation(pods, [other, empty]).violating.length, 0);
});

test('victims: pods whose eviction would break a budget are reprieved first, even over higher-priority pods', () => {
  // Room for one 1-cpu pod to stay beside the 2-cpu preemptor: the budget-protected pod stays, though less important.
  const w = world([makeNode('n', { cpu: '3' })], [
    makePod('guarded', { node: 'n', cpu: '1', priority: 1, labels: { app: 'db' } }),
    makePod('free', { node: 'n', cpu: '1', priority: 5 }),
    makePod('other', { node: 'n', cpu: '1', priority: 3 }),
  ]);
  const pod = makePod('hi', { cpu: '2', priority: 100 });
  const state = w.fwk.newCycleState();
  w.fwk.runPreFilterPlugins(state, pod, new PodInfo(pod), w.snapshot.nodeInfos());
  const out = selectVictimsOnNode(w.fwk, state, pod, w.snapshot.get('n')!.clone(), [budget('db', { app: 'db' }, 0)]);
  assert.deepEqual(out?.victims.map((v) => v.pod.metadata.name), ['free', 'other'], 'guarded is reprieved first; the others go, most important first');
  assert.equal(out?.pdbViolations, 0);
  // Without the budget the most important pods are reprieved first: the lowest priority goes.
  const plain = selectVictimsOnNode(w.fwk, state, pod, w.snapshot.get('n')!.clone(), []);
  assert.deepEqual(plain?.victims.map((v) => v.pod.metadata.name), ['other', 'guarded']);
});

test('a budget-protected pod that must go anyway counts as a PDB violation, and the node without violations wins', () => {
  const w = world([makeNode('a', { cpu: '2' }), makeNode('b', { cpu: '2' })], [
    makePod('a-guarded', { node: 'a', cpu: '2', priority: 1, labels: { app: 'db' } }),
    makePod('b-free', { node: 'b', cpu: '2', priority: 50 }),
  ]);
  const pod = makePod('hi', { cpu: '2', priority: 100 });
  const state = w.fwk.newCycleState();
  w.fwk.runPreFilterPlugins(state, pod, new PodInfo(pod), w.snapshot.nodeInfos());
  const pdbs = [budget('db', { app: 'db' }, 0)];
  const onA = selectVictimsOnNode(w.fwk, state.clone(), pod, w.snapshot.get('a')!.clone(), pdbs)!;
  const onB = selectVictimsOnNode(w.fwk, state.clone(), pod, w.snapshot.get('b')!.clone(), pdbs)!;
  assert.deepEqual([onA.victims.length, onA.pdbViolations], [1, 1]);
  assert.deepEqual([onB.victims.length, onB.pdbViolations], [1, 0]);
  // Node a has the lower-priority victim, but breaking a budget weighs first.
  assert.equal(pickCandidate([{ node: 'a', ...onA }, { node: 'b', ...onB }])?.node, 'b');
  assert.equal(pickCandidate([{ node: 'a', ...onA, pdbViolations: 0 }, { node: 'b', ...onB }])?.node, 'a');
});
