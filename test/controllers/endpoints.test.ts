import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/resource.js';
import { ENDPOINTS, ENDPOINTSLICES, PODS, SERVICES } from '../../src/controllers/base/resources.js';
import { startHarness, createNamespace, createRunningPod, setPodStatus, eventually, eventuallyGone, podObject, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(['endpoint', 'endpointslice']); });
after(async () => { await h?.close(); });

interface Ep extends KubeObject {
  subsets?: { addresses?: { ip: string; nodeName?: string; targetRef?: { name: string; kind: string } }[]; notReadyAddresses?: { ip: string }[]; ports?: { name?: string; port: number; protocol?: string }[] }[];
}
interface Slice extends KubeObject {
  addressType: string;
  endpoints: { addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean }; targetRef?: { name: string } }[] | null;
  ports?: { name?: string; port: number }[] | null;
}

function service(ns: string, name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'TCP' }, { name: 'metrics', port: 9090, targetPort: 9100, protocol: 'TCP' }], ...extra },
  };
}

async function endpointsOf(ns: string, name: string): Promise<Ep | undefined> {
  try { return await h.client.get<Ep>(ENDPOINTS, name, { namespace: ns }); } catch { return undefined; }
}
async function slicesOf(ns: string, name: string): Promise<Slice[]> {
  return (await h.client.list<Slice>(ENDPOINTSLICES, { namespace: ns, labelSelector: `kubernetes.io/service-name=${name}` })).items;
}

test('endpoints list ready and not-ready pods with named target ports resolved per pod; pods without IP are skipped', async () => {
  const ns = 'ep1';
  await createNamespace(h.client, ns);
  await h.client.create(SERVICES, service(ns, 'web'));
  await createRunningPod(h.client, ns, 'a', '10.0.0.1', true, { labels: { app: 'web' }, nodeName: 'n1', ports: [{ name: 'web', containerPort: 8080 }] });
  await createRunningPod(h.client, ns, 'b', '10.0.0.2', false, { labels: { app: 'web' }, nodeName: 'n2', ports: [{ name: 'web', containerPort: 8081 }] });
  await h.client.create(PODS, podObject(ns, 'no-ip', { labels: { app: 'web' }, ports: [{ name: 'web', containerPort: 8080 }] }));
  await createRunningPod(h.client, ns, 'other', '10.0.0.9', true, { labels: { app: 'other' } });

  await eventually(async () => (await endpointsOf(ns, 'web'))?.subsets?.length === 2, 'two subsets (the pods expose web on different ports)');
  const ep = (await endpointsOf(ns, 'web'))!;
  const byIp = new Map<string, { ready: boolean; ports: string[]; node?: string; ref?: string }>();
  for (const s of ep.subsets!) {
    const ports = (s.ports ?? []).map((p) => `${p.name}:${p.port}`).sort();
    for (const a of s.addresses ?? []) byIp.set(a.ip, { ready: true, ports, node: a.nodeName, ref: `${a.targetRef?.kind}/${a.targetRef?.name}` });
    for (const a of s.notReadyAddresses ?? []) byIp.set(a.ip, { ready: false, ports });
  }
  assert.deepEqual([...byIp.keys()].sort(), ['10.0.0.1', '10.0.0.2'], 'no-ip and non-matching pods are not listed');
  assert.deepEqual(byIp.get('10.0.0.1'), { ready: true, ports: ['http:8080', 'metrics:9100'], node: 'n1', ref: 'Pod/a' });
  assert.deepEqual(byIp.get('10.0.0.2'), { ready: false, ports: ['http:8081', 'metrics:9100'] });

  // The slices say the same with conditions.
  await eventually(async () => (await slicesOf(ns, 'web')).reduce((n, s) => n + (s.endpoints?.length ?? 0), 0) === 2, 'two sliced endpoints');
  const slices = await slicesOf(ns, 'web');
  for (const s of slices) {
    assert.equal(s.metadata.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(s.addressType, 'IPv4');
    assert.equal(s.metadata.ownerReferences?.[0]?.kind, 'Service');
  }
  const eps = slices.flatMap((s) => s.endpoints ?? []);
  const a = eps.find((e) => e.targetRef?.name === 'a')!;
  const b = eps.find((e) => e.targetRef?.name === 'b')!;
  assert.deepEqual(a.conditions, { ready: true, serving: true, terminating: false });
  assert.deepEqual(b.conditions, { ready: false, serving: false, terminating: false });

  // b turns ready: it moves to addresses.
  const bPod = await h.client.get(PODS, 'b', { namespace: ns });
  await setPodStatus(h.client, bPod, '10.0.0.2', true);
  await eventually(async () => (await endpointsOf(ns, 'web'))!.subsets!.every((s) => !s.notReadyAddresses?.length), 'b ready');
});

test('publishNotReadyAddresses lists not-ready pods as ready', async () => {
  const ns = 'ep2';
  await createNamespace(h.client, ns);
  await h.client.create(SERVICES, service(ns, 'db', { publishNotReadyAddresses: true, ports: [{ port: 5432, protocol: 'TCP' }] }));
  await createRunningPod(h.client, ns, 'db-0', '10.0.1.1', false, { labels: { app: 'db' } });
  await eventually(async () => (await endpointsOf(ns, 'db'))?.subsets?.[0]?.addresses?.[0]?.ip === '10.0.1.1', 'not-ready pod published');
  assert.deepEqual((await endpointsOf(ns, 'db'))!.subsets![0]!.ports, [{ port: 5432, protocol: 'TCP' }]);
  await eventually(async () => (await slicesOf(ns, 'db')).some((s) => s.endpoints?.[0]?.conditions.ready === true), 'slice endpoint ready');
});

test('a service with no pods gets empty endpoints and one placeholder slice; deleting the service deletes both', async () => {
  const ns = 'ep3';
  await createNamespace(h.client, ns);
  await h.client.create(SERVICES, service(ns, 'empty'));
  await eventually(async () => (await endpointsOf(ns, 'empty')) !== undefined, 'endpoints created');
  assert.deepEqual((await endpointsOf(ns, 'empty'))!.subsets ?? [], []);
  await eventually(async () => (await slicesOf(ns, 'empty')).length === 1, 'placeholder slice');
  // Let the controllers settle, then check nothing was duplicated.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await slicesOf(ns, 'empty')).length, 1, 'exactly one slice');
  await h.client.delete(SERVICES, 'empty', { namespace: ns });
  await eventuallyGone(() => h.client.get(ENDPOINTS, 'empty', { namespace: ns }), 'endpoints deleted with the service');
  await eventually(async () => (await slicesOf(ns, 'empty')).length === 0, 'slices deleted with the service');
});

test('a service without a selector is left alone', async () => {
  const ns = 'ep4';
  await createNamespace(h.client, ns);
  await h.client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: ns }, spec: { ports: [{ port: 80, protocol: 'TCP' }] } });
  await h.client.create(ENDPOINTS, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: ns }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80, protocol: 'TCP' }] }] });
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await endpointsOf(ns, 'ext'))!.subsets![0]!.addresses![0]!.ip, '192.0.2.1');
  assert.equal((await slicesOf(ns, 'ext')).length, 0);
});

test('a terminating pod leaves Endpoints but stays in its slice as terminating', async () => {
  const ns = 'ep5';
  await createNamespace(h.client, ns);
  await h.client.create(SERVICES, service(ns, 'api', { ports: [{ port: 80, protocol: 'TCP' }] }));
  await createRunningPod(h.client, ns, 'api-0', '10.0.2.1', true, { labels: { app: 'api' }, nodeName: 'n1' });
  await eventually(async () => (await endpointsOf(ns, 'api'))?.subsets?.[0]?.addresses?.length === 1, 'pod listed');
  // Bound to a node, the pod is deleted gracefully: it stays, terminating.
  await h.client.delete(PODS, 'api-0', { namespace: ns });
  await eventually(async () => ((await endpointsOf(ns, 'api'))?.subsets ?? []).length === 0, 'terminating pod dropped from Endpoints');
  await eventually(async () => (await slicesOf(ns, 'api')).some((s) => s.endpoints?.[0]?.conditions.terminating === true), 'terminating in slice');
  const ep = (await slicesOf(ns, 'api')).flatMap((s) => s.endpoints ?? [])[0]!;
  assert.deepEqual(ep.conditions, { ready: false, serving: true, terminating: true });
  await h.client.delete(PODS, 'api-0', { namespace: ns, gracePeriodSeconds: 0 });
});
