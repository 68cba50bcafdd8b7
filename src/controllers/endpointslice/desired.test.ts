import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunk, desiredGroups, portsKey } from './desired.js';
import { SliceTracker } from './tracker.js';
import type { PodLike } from '../base/pods.js';

function pod(name: string, ip: string, ready: boolean, terminating = false): PodLike {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...(terminating ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'web', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}
const svc = (publish = false) => ({ metadata: { name: 's', namespace: 'ns' }, spec: { selector: { a: 'b' }, ports: [{ name: 'http', port: 80, targetPort: 'web' as const }], publishNotReadyAddresses: publish } });

test('endpoint conditions: ready, serving and terminating as Kubernetes sets them', () => {
  const [g] = desiredGroups(svc(), [pod('r', '10.0.0.1', true), pod('n', '10.0.0.2', false), pod('t', '10.0.0.3', true, true)]);
  const c = Object.fromEntries(g!.endpoints.map((e) => [e.targetRef.name, e.conditions]));
  assert.deepEqual(c.r, { ready: true, serving: true, terminating: false });
  assert.deepEqual(c.n, { ready: false, serving: false, terminating: false });
  assert.deepEqual(c.t, { ready: false, serving: true, terminating: true });
  const [p] = desiredGroups(svc(true), [pod('n', '10.0.0.2', false)]);
  assert.deepEqual(p!.endpoints[0]!.conditions, { ready: true, serving: true, terminating: false });
});

test('IPv4 and IPv6 pods go to groups of their address type', () => {
  const groups = desiredGroups(svc(), [pod('a', '10.0.0.1', true), pod('b', 'fd00::1', true)]);
  assert.deepEqual(groups.map((g) => g.addressType).sort(), ['IPv4', 'IPv6']);
  assert.equal(groups[0]!.ports[0]!.port, 8080);
});

test('chunks hold at most the slice size and the port key ignores port order', () => {
  assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  assert.equal(portsKey('IPv4', [{ port: 1, protocol: 'TCP' }, { port: 2, protocol: 'TCP' }]), portsKey('IPv4', [{ port: 2, protocol: 'TCP' }, { port: 1, protocol: 'TCP' }]));
});

test('the tracker calls the cache stale until it shows our writes and deletions', () => {
  const t = new SliceTracker();
  t.wrote('ns/s', { metadata: { name: 's-1', resourceVersion: '10' } });
  t.deleted('ns/s', 's-0');
  const cached = new Map([['s-0', { metadata: { name: 's-0', resourceVersion: '5' } }]]);
  assert.equal(t.stale('ns/s', cached), true);
  cached.delete('s-0');
  cached.set('s-1', { metadata: { name: 's-1', resourceVersion: '9' } });
  assert.equal(t.stale('ns/s', cached), true, 'older version of our write');
  cached.set('s-1', { metadata: { name: 's-1', resourceVersion: '10' } });
  assert.equal(t.stale('ns/s', cached), false);
  assert.equal(t.stale('ns/other', new Map()), false);
});
