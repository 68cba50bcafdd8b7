import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig, resolvePlugins } from './config.js';
import { makeNode, world } from '../testing.js';

const YAML = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
profiles:
- schedulerName: default-scheduler
- schedulerName: packer
  plugins:
    score:
      disabled:
      - name: NodeResourcesBalancedAllocation
      - name: ImageLocality
      enabled:
      - name: NodeResourcesFit
        weight: 5
    postFilter:
      disabled:
      - name: '*'
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
`;

test('parses profiles from YAML and rejects other kinds', () => {
  const c = parseConfig(YAML);
  assert.deepEqual(c.profiles!.map((p) => p.schedulerName), ['default-scheduler', 'packer']);
  assert.equal(c.percentageOfNodesToScore, 30);
  assert.equal(c.podInitialBackoffSeconds, 1);
  assert.equal(c.podMaxBackoffSeconds, 10);
  assert.throws(() => parseConfig('kind: Pod\n'), /kind must be KubeSchedulerConfiguration/);
  assert.throws(() => parseConfig('profiles: [{schedulerName: a}, {schedulerName: a}]\n'), /duplicate/);
});

test('the default profile has the upstream plugins and weights at each point', () => {
  const w = world([makeNode('n')]);
  assert.deepEqual(w.fwk.filter.map((p) => p.name), ['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity']);
  assert.deepEqual(w.fwk.score.map((s) => [s.plugin.name, s.weight]), [
    ['TaintToleration', 3], ['NodeAffinity', 2], ['NodeResourcesFit', 1], ['PodTopologySpread', 2], ['InterPodAffinity', 2], ['NodeResourcesBalancedAllocation', 1], ['ImageLocality', 1],
  ]);
  assert.equal(w.fwk.queueSort.name, 'PrioritySort');
  assert.deepEqual(w.fwk.postFilter.map((p) => p.name), ['DefaultPreemption']);
  assert.deepEqual(w.fwk.bind.map((p) => p.name), ['DefaultBinder']);
});

test('a profile disables, re-weights and configures plugins', () => {
  const packer = parseConfig(YAML).profiles![1]!;
  const w = world([makeNode('n')], [], packer);
  assert.deepEqual(w.fwk.score.map((s) => [s.plugin.name, s.weight]), [['TaintToleration', 3], ['NodeAffinity', 2], ['PodTopologySpread', 2], ['InterPodAffinity', 2], ['NodeResourcesFit', 5]]);
  assert.equal(w.fwk.postFilter.length, 0);
  assert.throws(() => world([], [], { schedulerName: 'x', plugins: { filter: { enabled: [{ name: 'NoSuchPlugin' }] } } }), /not registered/);
});

test('resolvePlugins places multiPoint plugins only at points they implement', () => {
  const r = resolvePlugins({ plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'A' }, { name: 'B', weight: 7 }] } } }, (name, point) => (name === 'A' ? point === 'filter' : point === 'score'));
  assert.deepEqual(r.filter, [{ name: 'A', weight: undefined }]);
  assert.deepEqual(r.score, [{ name: 'B', weight: 7 }]);
});
