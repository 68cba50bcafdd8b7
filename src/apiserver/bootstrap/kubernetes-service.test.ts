import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/resource.js';
import { ensureKubernetesService, kubernetesServiceObjects, hostAddress } from './kubernetes-service.js';
import { createServiceAllocators, createServiceHooks } from '../registry/service-hooks.js';

test('writes the kubernetes Service first, then Endpoints pointing at the API server', async () => {
  const written: KubeObject[] = [];
  await ensureKubernetesService({ clusterIP: '10.96.0.1', apiPort: 6443, apiAddress: '192.168.1.10' }, async (o) => { written.push(o); });
  assert.deepEqual(written.map((o) => o.kind), ['Service', 'Endpoints']);
  const [svc, ep] = written as any[];
  assert.deepEqual(svc.metadata, { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } });
  assert.equal(svc.spec.clusterIP, '10.96.0.1');
  assert.deepEqual(svc.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
  assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '192.168.1.10' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
});

test('adds an EndpointSlice when asked', () => {
  const objs = kubernetesServiceObjects({ clusterIP: '10.0.0.1', apiPort: 8080, apiAddress: '10.1.2.3', endpointSlice: true }) as any[];
  const slice = objs.find((o) => o.kind === 'EndpointSlice');
  assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'kubernetes');
  assert.deepEqual(slice.endpoints[0].addresses, ['10.1.2.3']);
});

test('claims the first address of the CIDR through the Service hooks', async () => {
  const alloc = createServiceAllocators();
  const hooks = createServiceHooks(alloc);
  const [svc] = kubernetesServiceObjects({ clusterIP: alloc.ips.firstAddress(), apiPort: 6443, apiAddress: '127.0.0.1' });
  await hooks.beforeCreate!(svc, { dryRun: false });
  assert.ok(alloc.ips.has('10.96.0.1'));
});

test('stops at the first failed write', async () => {
  const kinds: string[] = [];
  await assert.rejects(ensureKubernetesService({ clusterIP: '10.96.0.1', apiPort: 6443, apiAddress: '127.0.0.1' }, async (o) => { kinds.push(o.kind!); throw new Error('store down'); }), /store down/);
  assert.deepEqual(kinds, ['Service']);
});

test('finds an IPv4 address for this host', () => {
  assert.match(hostAddress(), /^\d+\.\d+\.\d+\.\d+$/);
});
