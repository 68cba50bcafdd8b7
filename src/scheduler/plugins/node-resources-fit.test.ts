import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import { makeNode, makePod, world } from '../testing.js';
import { nodeResourcesFit } from './node-resources-fit.js';

const fit = nodeResourcesFit();

function check(podSpec: Parameters<typeof makePod>[1], nodeOpts: Parameters<typeof makeNode>[1], existing: Parameters<typeof makePod>[1][] = []) {
  const w = world([makeNode('n', nodeOpts)], existing.map((e, i) => makePod(`e${i}`, { ...e, node: 'n' })));
  const pod = makePod('p', podSpec);
  return fit.filter(new CycleState(), pod, new PodInfo(pod), w.snapshot.get('n')!);
}

test('a pod fits when cpu and memory remain after the pods already there', () => {
  assert.equal(check({ cpu: '1', memory: '1Gi' }, { cpu: '2', memory: '2Gi' }, [{ cpu: '1', memory: '1Gi' }]), undefined);
});

test('reports every short resource with Kubernetes\' reasons', () => {
  const s = check({ cpu: '2', memory: '2Gi', requests: { 'ephemeral-storage': '10Gi', 'example.com/gpu': '1' } }, { cpu: '2', memory: '2Gi', extra: { 'ephemeral-storage': '5Gi' } }, [{ cpu: '500m' }]);
  assert.deepEqual(s?.reasons, ['Insufficient cpu', 'Insufficient ephemeral-storage', 'Insufficient example.com/gpu']);
});

test('counts pods against the pods capacity', () => {
  assert.deepEqual(check({}, { pods: '1' }, [{}])?.reasons, ['Too many pods']);
});

test('init containers count as the max of each and the containers\' sum, plus overhead', () => {
  const pod = makePod('p', { cpu: '500m', spec: {
    initContainers: [{ name: 'i1', resources: { requests: { cpu: '1500m' } } }, { name: 'i2', resources: { requests: { cpu: '200m' } } }],
    overhead: { cpu: '250m' },
  } });
  pod.spec.containers.push({ name: 'c2', resources: { requests: { cpu: '500m' } } });
  assert.equal(new PodInfo(pod).requests.milliCPU, 1750); // max(1000, 1500) + 250
  const w = world([makeNode('n', { cpu: '1700m' })]);
  assert.deepEqual(fit.filter(new CycleState(), pod, new PodInfo(pod), w.snapshot.get('n')!)?.reasons, ['Insufficient cpu']);
});

test('LeastAllocated scores the emptier node higher, counting 100m/200Mi for pods that request nothing', () => {
  const w = world([makeNode('empty', { cpu: '4', memory: '8Gi' }), makeNode('busy', { cpu: '4', memory: '8Gi' })], [makePod('x', { node: 'busy', cpu: '2', memory: '4Gi' })]);
  const pod = makePod('p');
  const pi = new PodInfo(pod);
  const empty = fit.score(new CycleState(), pod, pi, w.snapshot.get('empty')!);
  const busy = fit.score(new CycleState(), pod, pi, w.snapshot.get('busy')!);
  // empty: cpu (4000-100)*100/4000 = 97, memory (8192-200)*100/8192 = 97 -> 97
  assert.equal(empty, 97);
  // busy: cpu (4000-2100)*100/4000 = 47, memory (8192-4296)*100/8192 = 47 -> 47
  assert.equal(busy, 47);
});
