import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { discoveryRoutes } from './index.js';
import { compareKubeVersions } from './groups.js';
import { negotiateAggregated } from './negotiate.js';
import { serveRoutes, type RouteServer } from '../route-test-server.js';
import { fixtureResources } from '../test-fixtures.js';

const ACCEPT_132 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const ACCEPT_127 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

let srv: RouteServer;
let empty: RouteServer;
before(async () => {
  srv = await serveRoutes(discoveryRoutes(fixtureResources));
  empty = await serveRoutes(discoveryRoutes([]));
});
after(async () => {
  await srv?.close();
  await empty?.close();
});

const get = (base: string, path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers });

test('answers /api with aggregated v2 discovery of the core group only, for clients that offer v2', async () => {
  const r = await get(srv.base, '/api', { accept: ACCEPT_132 });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  const body = (await r.json()) as any;
  assert.equal(body.kind, 'APIGroupDiscoveryList');
  assert.equal(body.apiVersion, 'apidiscovery.k8s.io/v2');
  assert.deepEqual(body.items.map((i: any) => i.metadata.name), ['']);
  const v1 = body.items[0].versions[0];
  assert.equal(v1.version, 'v1');
  assert.equal(v1.freshness, 'Current');
  const pods = v1.resources.find((x: any) => x.resource === 'pods');
  assert.deepEqual(pods.responseKind, { group: '', version: 'v1', kind: 'Pod' });
  assert.equal(pods.scope, 'Namespaced');
  assert.deepEqual(pods.shortNames, ['po']);
  assert.deepEqual(pods.categories, ['all']);
  assert.deepEqual(pods.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  const subs = Object.fromEntries(pods.subresources.map((s: any) => [s.subresource, s]));
  assert.deepEqual(subs.status.verbs, ['get', 'patch', 'update']);
  assert.deepEqual(subs.binding.responseKind, { group: '', version: 'v1', kind: 'Binding' });
  assert.ok(subs.log && subs.exec && subs.portforward && subs.attach);
  assert.equal(subs.eviction, undefined, 'eviction is listed only when the server serves it');
  const ns = v1.resources.find((x: any) => x.resource === 'namespaces');
  assert.equal(ns.scope, 'Cluster');
});

test('answers v2beta1 to kubectl 1.27-1.29, which offer only v2beta1', async () => {
  const r = await get(srv.base, '/apis', { accept: ACCEPT_127 });
  assert.equal(r.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
  const body = (await r.json()) as any;
  assert.equal(body.apiVersion, 'apidiscovery.k8s.io/v2beta1');
  assert.deepEqual(body.items.map((i: any) => i.metadata.name), ['apps', 'coordination.k8s.io']);
  const deploy = body.items[0].versions[0].resources[0];
  assert.deepEqual(deploy.subresources.find((s: any) => s.subresource === 'scale').responseKind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
});

test('answers the legacy APIVersions and APIGroupList to clients that do not offer aggregated discovery', async () => {
  const api = await get(srv.base, '/api', { accept: 'application/json, */*' });
  assert.equal(api.headers.get('content-type'), 'application/json');
  const versions = (await api.json()) as any;
  assert.equal(versions.kind, 'APIVersions');
  assert.deepEqual(versions.versions, ['v1']);
  const apis = (await (await get(srv.base, '/apis')).json()) as any;
  assert.equal(apis.kind, 'APIGroupList');
  assert.deepEqual(apis.groups[0], { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
});

test('lists resources and subresources in the legacy APIResourceList', async () => {
  const list = (await (await get(srv.base, '/api/v1')).json()) as any;
  assert.equal(list.kind, 'APIResourceList');
  assert.equal(list.groupVersion, 'v1');
  const byName = Object.fromEntries(list.resources.map((r: any) => [r.name, r]));
  assert.deepEqual(byName.pods, { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['po'], categories: ['all'] });
  assert.deepEqual(byName['pods/status'], { name: 'pods/status', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get', 'patch', 'update'] });
  assert.deepEqual(byName['pods/binding'].verbs, ['create']);
  assert.equal(byName['pods/eviction'], undefined);
  assert.deepEqual(byName.namespaces.verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  const apps = (await (await get(srv.base, '/apis/apps/v1')).json()) as any;
  assert.equal(apps.groupVersion, 'apps/v1');
  const scale = apps.resources.find((r: any) => r.name === 'deployments/scale');
  assert.deepEqual([scale.group, scale.version, scale.kind], ['autoscaling', 'v1', 'Scale']);
  const group = (await (await get(srv.base, '/apis/coordination.k8s.io')).json()) as any;
  assert.equal(group.kind, 'APIGroup');
  assert.equal(group.preferredVersion.groupVersion, 'coordination.k8s.io/v1');
});

test('serves /api and /apis even with no resources, and declines unknown groups', async () => {
  const apis = (await (await get(empty.base, '/apis', { accept: ACCEPT_132 })).json()) as any;
  assert.deepEqual(apis.items, []);
  const api = await get(empty.base, '/api');
  assert.equal(api.status, 200);
  assert.equal((await get(srv.base, '/apis/nope.example.com')).status, 404);
  assert.equal((await get(srv.base, '/apis/apps/v2')).status, 404);
  assert.equal((await fetch(srv.base + '/api/v1', { method: 'POST' })).status, 404);
});

test('answers 304 when If-None-Match carries the ETag, and a different ETag per negotiated form', async () => {
  const first = await get(srv.base, '/apis', { accept: ACCEPT_132 });
  const etag = first.headers.get('etag')!;
  assert.match(etag, /^".+"$/);
  const again = await get(srv.base, '/apis', { accept: ACCEPT_132, 'if-none-match': etag });
  assert.equal(again.status, 304);
  const legacy = await get(srv.base, '/apis', { 'if-none-match': etag });
  assert.equal(legacy.status, 200);
  assert.notEqual(legacy.headers.get('etag'), etag);
});

test('orders versions GA before beta before alpha, higher numbers first', () => {
  const sorted = ['v1alpha1', 'v1beta1', 'v2', 'v1', 'v2beta2', 'v1beta2', 'foo'].sort(compareKubeVersions);
  assert.deepEqual(sorted, ['v2', 'v1', 'v2beta2', 'v1beta2', 'v1beta1', 'v1alpha1', 'foo']);
});

test('ignores aggregated media types offered with q=0', () => {
  assert.equal(negotiateAggregated('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0,application/json'), null);
  assert.equal(negotiateAggregated(undefined), null);
});

test('lists pods/eviction in the policy/v1 group once the server serves it (kubectl drain then evicts)', async () => {
  const withEviction = await serveRoutes(discoveryRoutes(fixtureResources, { podSubresources: ['eviction', 'log'] }));
  try {
    const list = (await (await get(withEviction.base, '/api/v1')).json()) as any;
    const names = list.resources.map((r: any) => r.name).filter((n: string) => n.startsWith('pods/'));
    assert.deepEqual(names.sort(), ['pods/binding', 'pods/eviction', 'pods/log', 'pods/status']);
    const ev = list.resources.find((r: any) => r.name === 'pods/eviction');
    assert.deepEqual([ev.group, ev.version, ev.kind, ev.verbs], ['policy', 'v1', 'Eviction', ['create']]);
  } finally {
    await withEviction.close();
  }
});
