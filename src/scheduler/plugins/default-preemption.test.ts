import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodInfo } from '../framework/pod-info.js';
import { makeNode, makePod, world } from '../testing.js';
import { pickCandidate, selectVictimsOnNode } from './default-preemption.js';

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
  assert.deepEqual(victims?.map((v) => v.pod.metadata.name), ['p0']);
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
