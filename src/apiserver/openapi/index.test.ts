import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { openapiRoutes, swaggerV2Protobuf } from './index.js';
import { SchemaCollector } from './schema-render.js';
import { serveRoutes, type RouteServer } from '../route-test-server.js';
import { fixtureResources, configMapDef } from '../test-fixtures.js';
import { object, opt, str } from '../../api/schema.js';
import type { ResourceDef } from '../../api/resource.js';

let srv: RouteServer;
before(async () => { srv = await serveRoutes(openapiRoutes(fixtureResources)); });
after(async () => { await srv?.close(); });

const getJson = async (path: string, headers: Record<string, string> = {}): Promise<any> => {
  const r = await fetch(srv.base + path, { headers });
  assert.equal(r.status, 200, `GET ${path}`);
  return r.json();
};

async function coreDoc(): Promise<any> {
  const index = await getJson('/openapi/v3');
  return getJson(index.paths['api/v1'].serverRelativeURL);
}

test('indexes one hashed document per group-version', async () => {
  const index = await getJson('/openapi/v3');
  assert.deepEqual(Object.keys(index.paths).sort(), ['api/v1', 'apis/apps/v1', 'apis/coordination.k8s.io/v1']);
  assert.match(index.paths['apis/apps/v1'].serverRelativeURL, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
});

test('serves a hashed document as immutable with an ETag and Expires, and 304 on revalidation', async () => {
  const index = await getJson('/openapi/v3');
  const url = index.paths['api/v1'].serverRelativeURL;
  const r = await fetch(srv.base + url);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cache-control'), 'public, immutable');
  assert.ok(Date.parse(r.headers.get('expires')!) > Date.now() + 300 * 24 * 3600 * 1000);
  const etag = r.headers.get('etag')!;
  assert.ok(etag);
  const again = await fetch(srv.base + url, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  const stale = await fetch(srv.base + '/openapi/v3/api/v1?hash=OLD', { redirect: 'manual' });
  assert.equal(stale.status, 301);
  assert.equal(stale.headers.get('location'), url);
  assert.equal((await fetch(srv.base + '/openapi/v3/apis/nope/v1')).status, 404);
});

test('changes the hash when the document changes', async () => {
  const changed: ResourceDef = { ...configMapDef, schema: object('io.k8s.api.core.v1.ConfigMap', { data: opt(1, str({ description: 'changed' })) }, 'x') };
  const other = await serveRoutes(openapiRoutes([changed]));
  const same = await serveRoutes(openapiRoutes([configMapDef]));
  try {
    const a = (await (await fetch(other.base + '/openapi/v3')).json()) as any;
    const b = (await (await fetch(same.base + '/openapi/v3')).json()) as any;
    assert.notEqual(a.paths['api/v1'].serverRelativeURL, b.paths['api/v1'].serverRelativeURL);
  } finally {
    await other.close();
    await same.close();
  }
});

test('renders kinds as components with their group-version-kind, refs for nested named types and no x-pb keys', async () => {
  const doc = await coreDoc();
  assert.equal(doc.openapi, '3.0.0');
  const schemas = doc.components.schemas;
  const pod = schemas['io.k8s.api.core.v1.Pod'];
  assert.deepEqual(pod['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  assert.equal(pod.description, 'Pod is a collection of containers that can run on a host.');
  assert.deepEqual(pod.properties.spec.allOf, [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }]);
  const containers = schemas['io.k8s.api.core.v1.PodSpec'].properties.containers;
  assert.deepEqual(containers.items, { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' });
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(containers['x-kubernetes-list-type'], 'map');
  const container = schemas['io.k8s.api.core.v1.Container'];
  assert.deepEqual(container.required, ['name']);
  assert.equal(container.properties.image.description, 'Container image name.');
  assert.deepEqual(container.properties.cpu, { type: 'string', format: 'quantity', description: 'CPU request.' });
  assert.equal(container.properties.port['x-kubernetes-int-or-string'], true);
  assert.deepEqual(container.properties.policy.enum, ['Always', 'Never']);
  assert.deepEqual(schemas['io.k8s.api.core.v1.ConfigMap'].properties.data.additionalProperties, { type: 'string' });
  assert.deepEqual(schemas['io.k8s.api.core.v1.PodList']['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'PodList' }]);
  const text = JSON.stringify(doc);
  assert.doesNotMatch(text, /"x-pb/);
  assert.doesNotMatch(text, /"x-k8ts/);
  assert.doesNotMatch(text, /"\$id"/);
  assert.doesNotMatch(text, /patternProperties/);
  assert.doesNotMatch(text, /"additionalProperties":false/);
});

test('declares every operation with Kubernetes operationIds, actions and GVKs', async () => {
  const doc = await coreDoc();
  const item = doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}'];
  assert.deepEqual(Object.keys(item).filter((k) => k !== 'parameters').sort(), ['delete', 'get', 'patch', 'put']);
  assert.equal(item.patch.operationId, 'patchCoreV1NamespacedConfigMap');
  assert.equal(item.patch['x-kubernetes-action'], 'patch');
  assert.deepEqual(item.patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'ConfigMap' });
  assert.equal(item.get.operationId, 'readCoreV1NamespacedConfigMap');
  assert.equal(item.put.operationId, 'replaceCoreV1NamespacedConfigMap');
  const coll = doc.paths['/api/v1/namespaces/{namespace}/configmaps'];
  assert.equal(coll.get.operationId, 'listCoreV1NamespacedConfigMap');
  assert.equal(coll.post.operationId, 'createCoreV1NamespacedConfigMap');
  assert.equal(coll.delete.operationId, 'deleteCoreV1CollectionNamespacedConfigMap');
  assert.equal(coll.delete['x-kubernetes-action'], 'deletecollection');
  assert.equal(doc.paths['/api/v1/configmaps'].get.operationId, 'listCoreV1ConfigMapForAllNamespaces');
  assert.equal(doc.paths['/api/v1/watch/namespaces/{namespace}/configmaps/{name}'].get['x-kubernetes-action'], 'watch');
  assert.equal(doc.paths['/api/v1/namespaces/{name}'].get.operationId, 'readCoreV1Namespace');
  assert.equal(doc.paths['/api/v1/namespaces'].delete, undefined, 'namespaces declare no deletecollection');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/status'].patch.operationId, 'patchCoreV1NamespacedPodStatus');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/binding'].post.operationId, 'createCoreV1NamespacedPodBinding');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/log'].get.operationId, 'readCoreV1NamespacedPodLog');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/exec'].post.operationId, 'connectCoreV1PostNamespacedPodExec');
  assert.equal(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction'], undefined, 'eviction only when served');
  const index = await getJson('/openapi/v3');
  const apps = await getJson(index.paths['apis/apps/v1'].serverRelativeURL);
  const scale = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'].patch;
  assert.equal(scale.operationId, 'patchAppsV1NamespacedDeploymentScale');
  assert.deepEqual(scale['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  assert.ok(apps.components.schemas['io.k8s.api.autoscaling.v1.Scale']);
  const lease = await getJson(index.paths['apis/coordination.k8s.io/v1'].serverRelativeURL);
  assert.ok(lease.paths['/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}'].patch.operationId === 'patchCoordinationV1NamespacedLease');
});

test('puts dryRun, fieldManager and fieldValidation on every write operation and leaves strategic merge patch out', async () => {
  const doc = await coreDoc();
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of ['post', 'put', 'patch']) {
      const op = item[method];
      if (!op || op['x-kubernetes-action'] === 'connect') continue;
      const names = op.parameters.map((p: any) => p.name);
      for (const n of ['dryRun', 'fieldManager', 'fieldValidation']) assert.ok(names.includes(n), `${method} ${path} lacks ${n}`);
    }
    if (item.patch) {
      assert.deepEqual(Object.keys(item.patch.requestBody.content).sort(), ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json']);
    }
  }
  assert.doesNotMatch(JSON.stringify(doc), /strategic-merge-patch/);
});

test('serves the tiny protobuf OpenAPI v2 for kubectl 1.27 at both paths', async () => {
  for (const path of ['/openapi/v2', '/swagger-2.0.0.pb-v1']) {
    const r = await fetch(srv.base + path, { headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(swaggerV2Protobuf('v1.32.0-k8ts')));
  }
  assert.equal((await fetch(srv.base + '/openapi/v2', { headers: { accept: 'application/json' } })).status, 404);
});

test('encodes the v2 document exactly as the 28-byte one kubectl 1.27 parsed', () => {
  assert.equal(swaggerV2Protobuf('v1.32.0').toString('hex'), '0a03322e3012150a0a4b756265726e65746573120776312e33322e30');
});

test('resolves TypeBox refs by id and keeps a use-site description beside a ref', () => {
  const Inner = object('test.Inner', { a: opt(1, str()) }, 'the inner type');
  const Outer = object('test.Outer', {
    byRef: Type.Optional(Type.Ref('test.Inner')),
    described: Type.Optional(Type.Object(Inner.properties, { $id: 'test.Inner', description: 'said at the use site' })),
    missing: Type.Optional(Type.Ref('test.Missing')),
  });
  const c = new SchemaCollector();
  c.index(Outer, Inner);
  c.define(Outer);
  const props = c.components['test.Outer'].properties as any;
  assert.deepEqual(props.byRef, { $ref: '#/components/schemas/test.Inner' });
  assert.deepEqual(props.described, { allOf: [{ $ref: '#/components/schemas/test.Inner' }], description: 'said at the use site' });
  assert.equal(props.missing['x-kubernetes-preserve-unknown-fields'], true);
  assert.equal(c.components['test.Inner'].description, 'the inner type');
});

test('every $ref in every document names a component of that document', async () => {
  const index = await getJson('/openapi/v3');
  for (const { serverRelativeURL } of Object.values<any>(index.paths)) {
    const doc = await getJson(serverRelativeURL);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    assert.ok(refs.length > 0);
    for (const id of refs) assert.ok(doc.components.schemas[id], `${serverRelativeURL}: dangling $ref ${id}`);
  }
});
