// The server over the real API types (src/api registry): what a cluster actually serves, with
// Service allocation and the `kubernetes` Service written at start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { allResources } from '../../src/api/registry.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness({ resources: allResources(), kubernetesService: { apiAddress: '192.0.2.10' } }); });
after(async () => { await h?.stop(); });

test('the kubernetes Service gets the first ClusterIP and Endpoints naming the API server', async () => {
  const svc = await h.req('GET', '/api/v1/namespaces/default/services/kubernetes');
  assert.equal(svc.status, 200, svc.text);
  assert.equal(svc.json.spec.clusterIP, '10.96.0.1');
  const ep = await h.req('GET', '/api/v1/namespaces/default/endpoints/kubernetes');
  assert.equal(ep.status, 200, ep.text);
  assert.equal(ep.json.subsets[0].addresses[0].ip, '192.0.2.10');
  assert.equal(ep.json.subsets[0].ports[0].port, h.port);
});

test('a Service is allocated a ClusterIP; a dry run allocates nothing for good', async () => {
  const body = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
  const dry = await h.req('POST', '/api/v1/namespaces/default/services?dryRun=All', body);
  assert.equal(dry.status, 201, dry.text);
  const r = await h.req('POST', '/api/v1/namespaces/default/services', body);
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.spec.clusterIP, /^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
  assert.notEqual(r.json.spec.clusterIP, '10.96.0.1');
});

test('a real Pod is created Pending, bound once, and deleted gracefully', async () => {
  const p = await h.req('POST', '/api/v1/namespaces/default/pods?fieldValidation=Strict', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'real' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  assert.equal(p.status, 201, p.text);
  assert.equal(p.json.status.phase, 'Pending');
  const b = await h.req('POST', '/api/v1/namespaces/default/pods/real/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'real' }, target: { kind: 'Node', name: 'n1' } });
  assert.equal(b.status, 201, b.text);
  const d = await h.req('DELETE', '/api/v1/namespaces/default/pods/real');
  assert.equal(d.status, 200);
  assert.ok(d.json.metadata.deletionTimestamp);
  assert.equal(d.json.metadata.deletionGracePeriodSeconds, 30);
  const gone = await h.req('DELETE', '/api/v1/namespaces/default/pods/real?gracePeriodSeconds=0');
  assert.equal(gone.status, 200);
  assert.equal((await h.req('GET', '/api/v1/namespaces/default/pods/real')).status, 404);
});

test('a real Deployment scales through /scale and keeps status on main writes', async () => {
  const dep = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
  const c = await h.req('POST', '/apis/apps/v1/namespaces/default/deployments', dep);
  assert.equal(c.status, 201, c.text);
  const s = await h.req('PATCH', '/apis/apps/v1/namespaces/default/deployments/d/scale', { spec: { replicas: 4 } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.spec.replicas, 4);
  assert.equal(s.json.status.selector, 'app=d');
  const st = await h.req('PATCH', '/apis/apps/v1/namespaces/default/deployments/d/status', { status: { replicas: 4, observedGeneration: 2 } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(st.status, 200, st.text);
  const main = await h.req('PATCH', '/apis/apps/v1/namespaces/default/deployments/d', { status: { replicas: 99 }, metadata: { labels: { x: 'y' } } }, { 'Content-Type': 'application/merge-patch+json' });
  assert.equal(main.status, 200, main.text);
  assert.equal(main.json.status.replicas, 4);
});

test('the top-level bindings resource assigns a pod and stores no Binding', async () => {
  await h.req('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'tb' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  const b = await h.req('POST', '/api/v1/namespaces/default/bindings', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'tb' }, target: { kind: 'Node', name: 'n2' } });
  assert.equal(b.status, 201, b.text);
  assert.equal((await h.req('GET', '/api/v1/namespaces/default/pods/tb')).json.spec.nodeName, 'n2');
  const list = await h.store.list('/registry/core/bindings/');
  assert.equal(list.kvs.length, 0);
});

test('a real namespace: Terminating on delete, refuses new content, gone after /finalize', async () => {
  assert.equal((await h.req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone-soon' } })).status, 201);
  const upd = await h.req('PUT', '/api/v1/namespaces/gone-soon', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gone-soon' }, spec: { finalizers: [] } });
  assert.equal(upd.status, 200, upd.text);
  assert.deepEqual(upd.json.spec.finalizers, ['kubernetes'], 'only /finalize changes spec.finalizers');
  const del = await h.req('DELETE', '/api/v1/namespaces/gone-soon');
  assert.equal(del.status, 200, del.text);
  assert.equal(del.json.status.phase, 'Terminating');
  const refused = await h.req('POST', '/api/v1/namespaces/gone-soon/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  assert.equal(refused.status, 403);
  const fin = await h.req('PUT', '/api/v1/namespaces/gone-soon/finalize', { ...del.json, spec: { finalizers: [] } });
  assert.equal(fin.status, 200, fin.text);
  assert.equal((await h.req('GET', '/api/v1/namespaces/gone-soon')).status, 404);
});

test('a protobuf body (what kubectl 1.32 create configmap sends) is decoded and stored', async () => {
  const { default: protobuf } = await import('protobufjs');
  const meta = protobuf.Writer.create().uint32((1 << 3) | 2).string('from-pb').finish();
  const entry = protobuf.Writer.create().uint32((1 << 3) | 2).string('k').uint32((2 << 3) | 2).string('v').finish();
  const cm = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(meta).uint32((2 << 3) | 2).bytes(entry).finish();
  const typeMeta = protobuf.Writer.create().uint32((1 << 3) | 2).string('v1').uint32((2 << 3) | 2).string('ConfigMap').finish();
  const unknown = protobuf.Writer.create().uint32((1 << 3) | 2).bytes(typeMeta).uint32((2 << 3) | 2).bytes(cm)
    .uint32((3 << 3) | 2).string('').uint32((4 << 3) | 2).string('').finish();
  const body = Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), Buffer.from(unknown)]);
  const r = await h.req('POST', '/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict', body, { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.metadata.name, 'from-pb');
  assert.deepEqual(r.json.data, { k: 'v' });
});
