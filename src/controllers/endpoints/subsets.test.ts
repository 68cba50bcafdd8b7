import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredSubsets, MAX_ENDPOINT_ADDRESSES } from './subsets.js';
import type { PodLike } from '../base/pods.js';
import type { ServiceLike } from '../base/services.js';

const svc = (spec: ServiceLike['spec']): ServiceLike => ({ metadata: { name: 's', namespace: 'ns' }, spec: { selector: { app: 's' }, ...spec } });
function pod(name: string, ip: string, ready: boolean, port = 8080, extra: Partial<NonNullable<PodLike['spec']>> = {}): PodLike {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}` },
    spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'web', containerPort: port }] }], ...extra },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

test('addresses exposing the same ports share a subset, sorted by IP; others get their own', () => {
  const { subsets } = desiredSubsets(svc({ ports: [{ name: 'http', port: 80, targetPort: 'web' }] }), [
    pod('b', '10.0.0.2', true), pod('a', '10.0.0.1', true), pod('c', '10.0.0.3', false), pod('d', '10.0.0.4', true, 9090),
  ]);
  assert.equal(subsets.length, 2);
  const on8080 = subsets.find((s) => s.ports![0]!.port === 8080)!;
  assert.deepEqual(on8080.addresses!.map((a) => a.ip), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(on8080.notReadyAddresses!.map((a) => a.ip), ['10.0.0.3']);
  assert.deepEqual(on8080.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(on8080.addresses![0]!.targetRef, { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' });
  assert.equal(on8080.addresses![0]!.nodeName, 'n1');
  assert.deepEqual(subsets.find((s) => s.ports![0]!.port === 9090)!.addresses!.map((a) => a.ip), ['10.0.0.4']);
});

test('a pod that does not expose a named port is left out; a headless service without ports lists addresses alone', () => {
  const noPort = pod('x', '10.0.0.9', true);
  noPort.spec!.containers = [{ name: 'c' }];
  assert.deepEqual(desiredSubsets(svc({ ports: [{ port: 80, targetPort: 'web' }] }), [noPort]).subsets, []);
  const { subsets } = desiredSubsets(svc({ clusterIP: 'None' }), [pod('a', '10.0.0.1', true)]);
  assert.equal(subsets.length, 1);
  assert.equal(subsets[0]!.ports, undefined);
  assert.equal(subsets[0]!.addresses![0]!.ip, '10.0.0.1');
});

test('hostname is published for pods whose subdomain is the service name', () => {
  const { subsets } = desiredSubsets(svc({ ports: [{ port: 80 }] }), [pod('a', '10.0.0.1', true, 80, { hostname: 'a', subdomain: 's' }), pod('b', '10.0.0.2', true, 80, { hostname: 'b', subdomain: 'other' })]);
  assert.deepEqual(subsets[0]!.addresses!.map((a) => a.hostname), ['a', undefined]);
});

test('more than 1000 addresses are truncated, ready ones kept first', () => {
  const pods = Array.from({ length: MAX_ENDPOINT_ADDRESSES + 5 }, (_, i) => pod(`p${i}`, `10.1.${Math.floor(i / 250)}.${i % 250}`, i >= 10));
  const r = desiredSubsets(svc({ ports: [{ port: 80 }] }), pods);
  assert.equal(r.truncated, true);
  const s = r.subsets[0]!;
  assert.equal((s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), MAX_ENDPOINT_ADDRESSES);
  assert.equal(s.addresses!.length, 995, 'every ready address kept');
  assert.equal(s.notReadyAddresses!.length, 5, 'not-ready ones fill what is left');
});
