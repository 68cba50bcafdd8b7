import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../machinery/clock.js';
import { makeNode, makePod } from '../testing.js';
import { SchedulerCache } from './cache.js';
import { Snapshot } from './snapshot.js';

test('an assumed pod counts on its node at once and is confirmed by the informer\'s add', () => {
  const cache = new SchedulerCache({ clock: new FakeClock() });
  cache.addNode(makeNode('n'));
  const pod = makePod('p', { node: 'n', cpu: '1' });
  cache.assumePod(pod);
  assert.equal(cache.nodeInfo('n')!.requested.milliCPU, 1000);
  assert.equal(cache.isAssumed('default/p'), true);
  cache.finishBinding(pod);
  cache.addPod(pod);
  assert.equal(cache.isAssumed('default/p'), false);
  assert.equal(cache.nodeInfo('n')!.requested.milliCPU, 1000, 'confirmed, not counted twice');
});

test('a failed binding forgets the assumption and frees the room', () => {
  const cache = new SchedulerCache({ clock: new FakeClock() });
  cache.addNode(makeNode('n'));
  const pod = makePod('p', { node: 'n', cpu: '1' });
  cache.assumePod(pod);
  cache.forgetPod(pod);
  assert.equal(cache.nodeInfo('n')!.requested.milliCPU, 0);
  assert.equal(cache.nodeInfo('n')!.pods.length, 0);
});

test('an assumption never confirmed expires after the TTL once its binding finished', () => {
  const clock = new FakeClock();
  const cache = new SchedulerCache({ clock, assumedTtlMs: 30_000 });
  cache.addNode(makeNode('n'));
  const pod = makePod('p', { node: 'n', cpu: '1' });
  cache.assumePod(pod);
  clock.advance(60_000);
  assert.deepEqual(cache.cleanupExpired(), [], 'binding still in flight: never expires');
  cache.finishBinding(pod);
  clock.advance(29_000);
  assert.deepEqual(cache.cleanupExpired(), []);
  clock.advance(1_000);
  assert.deepEqual(cache.cleanupExpired(), ['default/p']);
  assert.equal(cache.nodeInfo('n')!.requested.milliCPU, 0);
});

test('a pod bound elsewhere than assumed moves to the node it was bound to', () => {
  const cache = new SchedulerCache({ clock: new FakeClock() });
  cache.addNode(makeNode('a'));
  cache.addNode(makeNode('b'));
  cache.assumePod(makePod('p', { node: 'a', cpu: '1' }));
  cache.addPod(makePod('p', { node: 'b', cpu: '1' }));
  assert.equal(cache.nodeInfo('a')!.pods.length, 0);
  assert.equal(cache.nodeInfo('b')!.pods.length, 1);
});

test('node removal keeps pods until they go; host ports and images are tracked', () => {
  const cache = new SchedulerCache({ clock: new FakeClock() });
  cache.addNode(makeNode('n', { images: [{ names: ['nginx'], sizeBytes: 1 }] }));
  assert.equal(cache.imageNodeCount('nginx:latest'), 1);
  const pod = makePod('p', { node: 'n' });
  pod.spec.containers[0]!.ports = [{ containerPort: 80, hostPort: 80 }];
  cache.addPod(pod);
  assert.equal(cache.nodeInfo('n')!.portConflict({ hostIP: '0.0.0.0', protocol: 'TCP', port: 80 }), true);
  cache.removeNode(makeNode('n'));
  assert.equal(cache.liveNodes().length, 0);
  assert.equal(cache.imageNodeCount('nginx:latest'), 0);
  cache.removePod(pod);
  assert.equal(cache.nodeInfo('n'), undefined);
});

test('pods are listed by namespace with their node, through assume, move and removal', () => {
  const cache = new SchedulerCache({ clock: new FakeClock() });
  cache.addNode(makeNode('n1'));
  cache.addNode(makeNode('n2'));
  const list = (ns: string) => [...cache.podGroupsInNamespace(ns)].flatMap((g) => [...g.nodes].map(([ni, n]) => `${g.pod.metadata.namespace}/${g.pod.metadata.name}@${ni.name}x${n}`)).sort();
  const a = makePod('a', { namespace: 'x', node: 'n1' });
  const b = makePod('b', { namespace: 'y', node: 'n2' });
  cache.assumePod(a);
  cache.addPod(b);
  assert.deepEqual([list('x'), list('y')], [['x/a@n1x1'], ['y/b@n2x1']]);
  const moved = { ...b, spec: { ...b.spec, nodeName: 'n1' } };
  cache.updatePod(b, moved);
  assert.deepEqual(list('y'), ['y/b@n1x1']);
  cache.forgetPod(a);
  cache.removePod(moved);
  assert.deepEqual([list('x'), list('y')], [[], []]);
});

test('the snapshot lists live nodes with pods that score others, and counts required anti-affinity terms per domain, as pods and nodes come and go', () => {
  const cache = new SchedulerCache({ clock: new FakeClock() });
  const zoned = (n: string, zone: string) => { const node = makeNode(n); node.metadata.labels = { ...node.metadata.labels, zone }; return node; };
  cache.addNode(zoned('n1', 'a'));
  cache.addNode(zoned('n2', 'a'));
  cache.addNode(zoned('n3', 'b'));
  const snap = new Snapshot(cache);
  const view = () => {
    snap.update();
    const groups = [...snap.requiredAntiAffinityTerms()].map((g) => `${g.term.topologyKey}:${[...g.domains].map(([v, n]) => `${v}=${n}`).sort().join(',')}`);
    return [snap.havePodsScoringOthers().map((n) => n.name).sort(), groups];
  };
  const term = { labelSelector: { matchLabels: { app: 'x' } }, topologyKey: 'zone' };
  const aff = makePod('aff', { node: 'n1', spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } } });
  const anti = (name: string, node: string) => makePod(name, { node, spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } } });
  cache.addPod(makePod('plain', { node: 'n3' }));
  assert.deepEqual(view(), [[], []]);
  cache.addPod(aff);
  cache.assumePod(anti('anti1', 'n2'));
  cache.addPod(anti('anti2', 'n1'));
  cache.addPod(anti('anti3', 'n3'));
  // Only pods whose terms can add to another pod's score are listed: required anti-affinity cannot.
  // Three pods share one anti-affinity term: one group, counted per zone.
  assert.deepEqual(view(), [['n1'], ['zone:a=2,b=1']]);
  cache.addNode(zoned('n3', 'a'));
  assert.deepEqual(view(), [['n1'], ['zone:a=3']], 'a relabelled node moves its pods to the new domain');
  cache.removeNode(makeNode('n1'));
  assert.deepEqual(view(), [[], ['zone:a=2']], 'a deleted node counts nowhere while its pods linger');
  cache.forgetPod(anti('anti1', 'n2'));
  cache.removePod(anti('anti2', 'n1'));
  cache.removePod(anti('anti3', 'n3'));
  cache.removePod(aff);
  assert.deepEqual(view(), [[], []]);
});
