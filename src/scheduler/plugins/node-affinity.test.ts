import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/cycle-state.js';
import { Code } from '../framework/status.js';
import { PodInfo } from '../framework/pod-info.js';
import { makeNode, makePod, world } from '../testing.js';
import { nodeAffinity, ERR_REASON } from './node-affinity.js';

const na = nodeAffinity();
const w = world([makeNode('ssd-a', { labels: { disk: 'ssd', zone: 'a' } }), makeNode('hdd-b', { labels: { disk: 'hdd', zone: 'b', gen: '5' } })]);
const filter = (pod: ReturnType<typeof makePod>, n: string) => na.filter(new CycleState(), pod, new PodInfo(pod), w.snapshot.get(n)!);

test('nodeSelector must match every label', () => {
  const pod = makePod('p', { spec: { nodeSelector: { disk: 'ssd', zone: 'a' } } });
  assert.equal(filter(pod, 'ssd-a'), undefined);
  assert.deepEqual(filter(pod, 'hdd-b')?.reasons, [ERR_REASON]);
});

test('required terms are ORed, expressions ANDed, with In/NotIn/Exists/DoesNotExist/Gt', () => {
  const pod = makePod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
    { matchExpressions: [{ key: 'disk', operator: 'In', values: ['nvme'] }] },
    { matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }, { key: 'zone', operator: 'NotIn', values: ['a'] }, { key: 'gpu', operator: 'DoesNotExist' }] },
  ] } } } } });
  assert.equal(filter(pod, 'hdd-b'), undefined);
  assert.ok(filter(pod, 'ssd-a'));
});

test('preferred terms add their weights; normalized to 100 for the best', () => {
  const pod = makePod('p', { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
    { weight: 40, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } },
  ] } } } });
  const scores = ['ssd-a', 'hdd-b'].map((n) => ({ name: n, score: na.score(new CycleState(), pod, new PodInfo(pod), w.snapshot.get(n)!) }));
  assert.deepEqual(scores.map((s) => s.score), [50, 40]);
  na.normalizeScore!(new CycleState(), pod, scores);
  assert.deepEqual(scores.map((s) => s.score), [100, 80]);
});

test('PreScore skips Score for a pod without preferred terms, and not for one with them', () => {
  const plain = makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } });
  assert.equal(na.preScore(new CycleState(), plain, new PodInfo(plain), w.snapshot.nodeInfos())?.code, Code.Skip);
  const prefers = makePod('q', { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 1, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
  ] } } } });
  assert.equal(na.preScore(new CycleState(), prefers, new PodInfo(prefers), w.snapshot.nodeInfos()), undefined);
  // The framework honours the Skip: the pod's score totals leave NodeAffinity out.
  const state = w.fwk.newCycleState();
  const pi = new PodInfo(plain);
  assert.ok(w.fwk.runPreScorePlugins(state, plain, pi, w.snapshot.nodeInfos()).isSuccess());
  assert.ok(state.skipScorePlugins.has('NodeAffinity'));
});
