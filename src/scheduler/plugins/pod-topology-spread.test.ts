import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PodInfo } from '../framework/pod-info.js';
import { makeNode, makePod, world } from '../testing.js';
import { podTopologySpread, ERR_REASON_CONSTRAINTS, ERR_REASON_MISSING_LABEL } from './pod-topology-spread.js';
import { CycleState } from '../framework/cycle-state.js';

const nodes = [makeNode('a1', { labels: { zone: 'a' } }), makeNode('a2', { labels: { zone: 'a' } }), makeNode('b1', { labels: { zone: 'b' } }), makeNode('nolabel')];
const app = { app: 'web' };

test('DoNotSchedule: a zone may not get more than maxSkew above the emptiest', () => {
  const w = world(nodes, [makePod('x1', { node: 'a1', labels: app }), makePod('x2', { node: 'a2', labels: app })]);
  const pts = podTopologySpread(w.snapshot, undefined);
  const pod = makePod('p', { labels: app, spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: app } }] } });
  const pi = new PodInfo(pod);
  const state = new CycleState();
  pts.preFilter(state, pod, pi, w.snapshot.nodeInfos());
  assert.deepEqual(pts.filter(state, pod, pi, w.snapshot.get('a1')!)?.reasons, [ERR_REASON_CONSTRAINTS]); // 2+1-0 > 1
  assert.equal(pts.filter(state, pod, pi, w.snapshot.get('b1')!), undefined);
  assert.deepEqual(pts.filter(state, pod, pi, w.snapshot.get('nolabel')!)?.reasons, [ERR_REASON_MISSING_LABEL]);
});

test('system default constraints spread a workload\'s pods: the node with fewer of them scores higher', () => {
  const w = world([makeNode('h1'), makeNode('h2')], [makePod('x1', { node: 'h1', labels: app }), makePod('x2', { node: 'h1', labels: app }), makePod('other', { node: 'h2', labels: { app: 'db' } })]);
  const pts = podTopologySpread(w.snapshot, { selectorsFor: () => [app] });
  const pod = makePod('p', { labels: app });
  const pi = new PodInfo(pod);
  const state = new CycleState();
  pts.preScore(state, pod, pi, w.snapshot.nodeInfos());
  const scores = ['h1', 'h2'].map((n) => ({ name: n, score: pts.score(state, pod, pi, w.snapshot.get(n)!) }));
  pts.normalizeScore!(state, pod, scores);
  assert.ok(scores[1]!.score > scores[0]!.score, JSON.stringify(scores));
  assert.equal(scores[1]!.score, 100);
});

test('with no selecting workload and no constraints, spreading is skipped', () => {
  const w = world([makeNode('h1')]);
  const pts = podTopologySpread(w.snapshot, { selectorsFor: () => undefined });
  const pod = makePod('p', { labels: app });
  assert.equal(pts.preScore(new CycleState(), pod, new PodInfo(pod), w.snapshot.nodeInfos())?.code, 5);
});
