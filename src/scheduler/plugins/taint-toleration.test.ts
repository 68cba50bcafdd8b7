import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import { Code } from '../framework/status.js';
import { makeNode, makePod, world } from '../testing.js';
import { taintToleration } from './taint-toleration.js';

const tt = taintToleration();

test('an untolerated NoSchedule taint rejects with the taint in the reason, unresolvably', () => {
  const w = world([makeNode('n', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })]);
  const pod = makePod('p');
  const s = tt.filter(new CycleState(), pod, new PodInfo(pod), w.snapshot.get('n')!);
  assert.equal(s?.code, Code.UnschedulableAndUnresolvable);
  assert.deepEqual(s?.reasons, ['node(s) had untolerated taint {dedicated: gpu}']);
});

test('Equal and Exists tolerations let the pod on; PreferNoSchedule never filters', () => {
  const w = world([makeNode('n', { taints: [{ key: 'a', value: 'x', effect: 'NoExecute' }, { key: 'b', effect: 'NoSchedule' }, { key: 'c', effect: 'PreferNoSchedule' }] })]);
  const pod = makePod('p', { spec: { tolerations: [{ key: 'a', operator: 'Equal', value: 'x' }, { key: 'b', operator: 'Exists', effect: 'NoSchedule' }] } });
  assert.equal(tt.filter(new CycleState(), pod, new PodInfo(pod), w.snapshot.get('n')!), undefined);
});

test('fewer untolerated PreferNoSchedule taints score higher after normalizing', () => {
  const w = world([makeNode('clean'), makeNode('one', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), makeNode('two', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }, { key: 'y', effect: 'PreferNoSchedule' }] })]);
  const pod = makePod('p');
  const scores = ['clean', 'one', 'two'].map((n) => ({ name: n, score: tt.score(new CycleState(), pod, new PodInfo(pod), w.snapshot.get(n)!) }));
  tt.normalizeScore!(new CycleState(), pod, scores);
  assert.deepEqual(scores.map((s) => s.score), [100, 50, 0]);
});
