import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CycleState } from '../framework/cycle-state.js';
import { PodInfo } from '../framework/pod-info.js';
import { makeNode, makePod, world } from '../testing.js';
import { nodePorts, ERR_REASON } from './node-ports.js';
import { nodeName } from './node-name.js';
import { nodeUnschedulable } from './node-unschedulable.js';

function withPort(name: string, hostPort: number, hostIP?: string, protocol?: string, node?: string) {
  const p = makePod(name, { node });
  p.spec.containers[0]!.ports = [{ containerPort: 80, hostPort, hostIP, protocol }];
  return p;
}

test('a host port held on the node (same protocol, overlapping IP) rejects the pod', () => {
  const w = world([makeNode('n')], [withPort('a', 8080, '10.0.0.1', 'TCP', 'n')]);
  const np = nodePorts();
  const check = (p: ReturnType<typeof makePod>) => np.filter(new CycleState(), p, new PodInfo(p), w.snapshot.get('n')!);
  assert.deepEqual(check(withPort('b', 8080))?.reasons, [ERR_REASON]); // 0.0.0.0 overlaps every IP
  assert.deepEqual(check(withPort('c', 8080, '10.0.0.1'))?.reasons, [ERR_REASON]);
  assert.equal(check(withPort('d', 8080, '10.0.0.2')), undefined);
  assert.equal(check(withPort('e', 8080, '10.0.0.1', 'UDP')), undefined);
  assert.equal(check(withPort('f', 9090)), undefined);
});

test('NodeName admits only the named node; NodeUnschedulable rejects cordoned nodes unless tolerated', () => {
  const w = world([makeNode('a'), makeNode('cordoned', { unschedulable: true })]);
  const pod = makePod('p', { spec: { nodeName: 'a' } });
  assert.equal(nodeName().filter(new CycleState(), pod, new PodInfo(pod), w.snapshot.get('a')!), undefined);
  assert.deepEqual(nodeName().filter(new CycleState(), pod, new PodInfo(pod), w.snapshot.get('cordoned')!)?.reasons, ["node(s) didn't match the requested node name"]);
  const plain = makePod('q');
  assert.deepEqual(nodeUnschedulable().filter(new CycleState(), plain, new PodInfo(plain), w.snapshot.get('cordoned')!)?.reasons, ['node(s) were unschedulable']);
  const tolerant = makePod('t', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } });
  assert.equal(nodeUnschedulable().filter(new CycleState(), tolerant, new PodInfo(tolerant), w.snapshot.get('cordoned')!), undefined);
});
