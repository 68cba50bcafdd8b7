import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import { makeNode, makePod, world } from '../testing.js';
import { balancedAllocation } from './node-resources-balanced-allocation.js';
import { imageLocality } from './image-locality.js';

test('balanced allocation prefers equal cpu and memory fractions: (1 - |f1 - f2| / 2) * 100', () => {
  const w = world([makeNode('n', { cpu: '4', memory: '4Gi' })], [makePod('x', { node: 'n', cpu: '2' })]);
  const pod = makePod('p', { cpu: '1', memory: '1Gi' });
  // cpu 3/4 = 0.75, memory 1/4 = 0.25 -> std 0.25 -> 75
  assert.equal(balancedAllocation().score(new CycleState(), pod, new PodInfo(pod), w.snapshot.get('n')!), 75);
});

test('image locality favours nodes holding big images, scaled by how many nodes hold them', () => {
  const big = 500 * 1024 * 1024;
  const w = world([
    makeNode('has', { images: [{ names: ['registry.k8s.io/app:1'], sizeBytes: big }] }),
    makeNode('has2', { images: [{ names: ['registry.k8s.io/app:1'], sizeBytes: big }] }),
    makeNode('none'), makeNode('none2'),
  ]);
  const pod = makePod('p');
  pod.spec.containers[0]!.image = 'registry.k8s.io/app:1';
  const il = imageLocality(w.snapshot);
  const has = il.score(new CycleState(), pod, new PodInfo(pod), w.snapshot.get('has')!);
  // sum = 500MB * 2/4 = 250MB; (250 - 23) * 100 / (1000 - 23) = 23
  assert.equal(has, 23);
  assert.equal(il.score(new CycleState(), pod, new PodInfo(pod), w.snapshot.get('none')!), 0);
});
