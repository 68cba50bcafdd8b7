// The official JavaScript client, @kubernetes/client-node 1.x, driving k8ts unchanged: typed CRUD
// through CoreV1Api and AppsV1Api, errors as ApiException with Kubernetes' codes, and its
// list-watch informer, which must survive a server restart into a compacted history (410 Gone) by
// relisting.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startCluster, type TestCluster } from '../client/cluster.js';
import { resourceRef } from '../../src/client/rest.js';
import type { KubeObject } from '../../src/api/resource.js';

const configmaps = resourceRef('', 'v1', 'configmaps');

let cluster: TestCluster;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
let apps: k8s.AppsV1Api;

before(async () => {
  cluster = await startCluster();
  kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'k8ts', server: cluster.base, skipTLSVerify: true }],
    users: [{ name: 'test' }],
    contexts: [{ name: 'k8ts', cluster: 'k8ts', user: 'test' }],
    currentContext: 'k8ts',
  });
  core = kc.makeApiClient(k8s.CoreV1Api);
  apps = kc.makeApiClient(k8s.AppsV1Api);
});

after(async () => {
  await cluster?.close();
});

/** Run fn and return the ApiException it must throw. */
async function apiError(fn: () => Promise<unknown>): Promise<k8s.ApiException<unknown>> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof k8s.ApiException, `expected an ApiException, got ${String(e)}`);
    return e as k8s.ApiException<unknown>;
  }
  assert.fail('the call succeeded but should have failed');
}

function statusOf(e: k8s.ApiException<unknown>): { kind: string; reason: string; code: number; message: string } {
  return typeof e.body === 'string' ? JSON.parse(e.body) : (e.body as any);
}

/** Poll until check() passes or the deadline hits (then fail with the last error). */
async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

test('CoreV1Api creates, reads, lists, patches, replaces and deletes a namespace', async () => {
  const created = await core.createNamespace({ body: { metadata: { name: 'cn-ns', labels: { team: 'a' } } } });
  assert.equal(created.metadata?.name, 'cn-ns');
  assert.ok(created.metadata?.uid);
  assert.equal(created.status?.phase, 'Active');
  const read = await core.readNamespace({ name: 'cn-ns' });
  assert.equal(read.metadata?.labels?.team, 'a');
  const list = await core.listNamespace({ labelSelector: 'team=a' });
  assert.deepEqual(list.items.map((n) => n.metadata?.name), ['cn-ns']);
  const patched = await core.patchNamespace({ name: 'cn-ns', body: { metadata: { labels: { tier: 'x' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  assert.deepEqual({ ...patched.metadata?.labels }, { team: 'a', tier: 'x', 'kubernetes.io/metadata.name': 'cn-ns' });
  patched.metadata!.labels = { team: 'b' };
  const replaced = await core.replaceNamespace({ name: 'cn-ns', body: patched });
  assert.equal(replaced.metadata?.labels?.team, 'b');
  const deleted = await core.deleteNamespace({ name: 'cn-ns' });
  assert.ok(deleted);
  // Namespaces terminate before they disappear; either way they are no longer Active.
  await eventually(async () => {
    try {
      const ns = await core.readNamespace({ name: 'cn-ns' });
      assert.equal(ns.status?.phase, 'Terminating');
    } catch (e) {
      assert.equal((e as k8s.ApiException<unknown>).code, 404);
    }
  });
});

test('CoreV1Api runs a pod through create, read, list, patch (json, merge, strategic), replace and delete', async () => {
  const ns = 'default';
  const pod: k8s.V1Pod = {
    metadata: { name: 'cn-pod', labels: { app: 'web' } },
    spec: { containers: [{ name: 'main', image: 'nginx', ports: [{ containerPort: 80 }] }] },
  };
  const created = await core.createNamespacedPod({ namespace: ns, body: pod });
  assert.equal(created.spec?.restartPolicy, 'Always', 'defaults applied');
  assert.equal(created.spec?.containers[0].ports?.[0].protocol, 'TCP');
  assert.equal(created.status?.phase, 'Pending');
  assert.ok(created.metadata?.creationTimestamp instanceof Date, 'timestamps parse as Dates');

  const list = await core.listNamespacedPod({ namespace: ns, labelSelector: 'app=web', fieldSelector: 'metadata.name=cn-pod' });
  assert.equal(list.items.length, 1);
  assert.ok(list.metadata?.resourceVersion);

  let p = await core.patchNamespacedPod({ namespace: ns, name: 'cn-pod', body: [{ op: 'add', path: '/metadata/annotations', value: { a: '1' } }] });
  assert.equal(p.metadata?.annotations?.a, '1');
  p = await core.patchNamespacedPod({ namespace: ns, name: 'cn-pod', body: { metadata: { labels: { v: '2' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  assert.equal(p.metadata?.labels?.v, '2');
  p = await core.patchNamespacedPod({ namespace: ns, name: 'cn-pod', body: { spec: { containers: [{ name: 'main', image: 'nginx:2' }] } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
  assert.equal(p.spec?.containers.length, 1);
  assert.equal(p.spec?.containers[0].image, 'nginx:2');
  assert.equal(p.spec?.containers[0].ports?.[0].containerPort, 80, 'strategic merge keeps the rest of the container');

  p.metadata!.labels = { app: 'web', replaced: 'yes' };
  const replaced = await core.replaceNamespacedPod({ namespace: ns, name: 'cn-pod', body: p });
  assert.equal(replaced.metadata?.labels?.replaced, 'yes');

  // A stale resourceVersion conflicts.
  const stale = await apiError(() => core.replaceNamespacedPod({ namespace: ns, name: 'cn-pod', body: p }));
  assert.equal(stale.code, 409);
  assert.equal(statusOf(stale).reason, 'Conflict');

  await core.deleteNamespacedPod({ namespace: ns, name: 'cn-pod', gracePeriodSeconds: 0 });
  const gone = await apiError(() => core.readNamespacedPod({ namespace: ns, name: 'cn-pod' }));
  assert.equal(gone.code, 404);
});

test('CoreV1Api manages configmaps and services', async () => {
  const ns = 'default';
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'cn-cm' }, data: { a: '1' } } });
  const cm = await core.readNamespacedConfigMap({ namespace: ns, name: 'cn-cm' });
  assert.deepEqual(cm.data, { a: '1' });
  cm.data = { b: '2' };
  const replaced = await core.replaceNamespacedConfigMap({ namespace: ns, name: 'cn-cm', body: cm });
  assert.deepEqual(replaced.data, { b: '2' });
  const patched = await core.patchNamespacedConfigMap({ namespace: ns, name: 'cn-cm', body: { data: { c: '3' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  assert.deepEqual(patched.data, { b: '2', c: '3' });
  const cms = await core.listNamespacedConfigMap({ namespace: ns });
  assert.ok(cms.items.some((c) => c.metadata?.name === 'cn-cm'));
  await core.deleteNamespacedConfigMap({ namespace: ns, name: 'cn-cm' });
  assert.equal((await apiError(() => core.readNamespacedConfigMap({ namespace: ns, name: 'cn-cm' }))).code, 404);

  const svc = await core.createNamespacedService({
    namespace: ns,
    body: { metadata: { name: 'cn-svc' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
  });
  assert.equal(svc.spec?.type, 'ClusterIP');
  assert.match(svc.spec?.clusterIP ?? '', /^\d+\.\d+\.\d+\.\d+$/);
  assert.equal(svc.spec?.ports?.[0].protocol, 'TCP');
  const svcs = await core.listServiceForAllNamespaces();
  assert.ok(svcs.items.some((s) => s.metadata?.name === 'kubernetes'));
  const p = await core.patchNamespacedService({ namespace: ns, name: 'cn-svc', body: { metadata: { labels: { x: 'y' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
  assert.equal(p.metadata?.labels?.x, 'y');
  assert.equal(p.spec?.clusterIP, svc.spec?.clusterIP, 'the cluster IP is kept');
  await core.deleteNamespacedService({ namespace: ns, name: 'cn-svc' });
  assert.equal((await apiError(() => core.readNamespacedService({ namespace: ns, name: 'cn-svc' }))).code, 404);
});

test('AppsV1Api creates, scales, patches and deletes a deployment', async () => {
  const ns = 'default';
  const d: k8s.V1Deployment = {
    metadata: { name: 'cn-deploy' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'cn' } },
      template: { metadata: { labels: { app: 'cn' } }, spec: { containers: [{ name: 'main', image: 'nginx' }] } },
    },
  };
  const created = await apps.createNamespacedDeployment({ namespace: ns, body: d });
  assert.equal(created.metadata?.generation, 1);
  assert.equal(created.spec?.strategy?.type, 'RollingUpdate');
  const scaled = await apps.patchNamespacedDeploymentScale({ namespace: ns, name: 'cn-deploy', body: { spec: { replicas: 5 } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  assert.equal(scaled.spec?.replicas, 5);
  const read = await apps.readNamespacedDeployment({ namespace: ns, name: 'cn-deploy' });
  assert.equal(read.spec?.replicas, 5);
  assert.equal(read.metadata?.generation, 2, 'a spec change bumps generation');
  const patched = await apps.patchNamespacedDeployment({ namespace: ns, name: 'cn-deploy', body: { spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
  assert.equal(patched.spec?.template.spec?.containers[0].image, 'nginx:1.27');
  const list = await apps.listNamespacedDeployment({ namespace: ns });
  assert.deepEqual(list.items.map((x) => x.metadata?.name), ['cn-deploy']);
  await apps.deleteNamespacedDeployment({ namespace: ns, name: 'cn-deploy' });
  assert.equal((await apiError(() => apps.readNamespacedDeployment({ namespace: ns, name: 'cn-deploy' }))).code, 404);
});

test('errors surface as ApiException with the Status code and reason: 404, 409, 422', async () => {
  const notFound = await apiError(() => core.readNamespacedPod({ namespace: 'default', name: 'nope' }));
  assert.equal(notFound.code, 404);
  assert.deepEqual({ ...statusOf(notFound), details: undefined, metadata: undefined, apiVersion: undefined },
    { kind: 'Status', status: 'Failure', code: 404, reason: 'NotFound', message: 'pods "nope" not found', details: undefined, metadata: undefined, apiVersion: undefined });

  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn-dup' } } });
  try {
    const exists = await apiError(() => core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'cn-dup' } } }));
    assert.equal(exists.code, 409);
    assert.equal(statusOf(exists).reason, 'AlreadyExists');
    assert.equal(statusOf(exists).message, 'configmaps "cn-dup" already exists');
  } finally {
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'cn-dup' });
  }

  const invalid = await apiError(() => core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'Bad_Name' }, spec: { containers: [] } } }));
  assert.equal(invalid.code, 422);
  const st = statusOf(invalid) as any;
  assert.equal(st.reason, 'Invalid');
  assert.ok(st.details.causes.some((c: any) => c.field === 'metadata.name'), JSON.stringify(st.details.causes));
  assert.ok(st.details.causes.some((c: any) => c.field === 'spec.containers'), JSON.stringify(st.details.causes));
});

test('a makeInformer sees add, update and delete, and after a restart into a compacted history relists and keeps going', async (t) => {
  const ns = 'informer';
  await core.createNamespace({ body: { metadata: { name: ns } } });
  const path = `/api/v1/namespaces/${ns}/configmaps`;
  let lists = 0;
  const informer = k8s.makeInformer<k8s.V1ConfigMap>(kc, path, () => { lists++; return core.listNamespacedConfigMap({ namespace: ns }); });
  const seen: string[] = [];
  informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
  informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${JSON.stringify(o.data ?? {})}`));
  informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
  // client-node leaves restarting after a non-410 error to its user: the documented pattern is
  // to start again after a pause. Connection failures while the server is down land here.
  let stopped = false;
  let errors = 0;
  let retry: NodeJS.Timeout | undefined;
  informer.on('error', () => {
    errors++;
    if (!stopped) retry = setTimeout(() => { if (!stopped) void informer.start(); }, 50);
  });
  t.after(async () => {
    stopped = true;
    clearTimeout(retry);
    await informer.stop();
  });
  await informer.start();

  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'one' }, data: { v: '1' } } });
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'two' } } });
  await eventually(() => assert.deepEqual(seen, ['add one', 'add two']));
  await core.patchNamespacedConfigMap({ namespace: ns, name: 'one', body: { data: { v: '2' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  await core.deleteNamespacedConfigMap({ namespace: ns, name: 'two' });
  await eventually(() => assert.deepEqual(seen.slice(2), ['update one {"v":"2"}', 'delete two']));
  const rvBefore = (informer as unknown as k8s.ListWatch<k8s.V1ConfigMap>).latestResourceVersion();

  // Down goes the server; meanwhile another server on the same store changes things and the
  // history the informer would resume from is compacted away.
  await cluster.stopServer();
  const side = await cluster.sideServer();
  try {
    await side.client.create(configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'three', namespace: ns }, data: { v: '3' } } as KubeObject);
    await side.client.delete(configmaps, 'one', { namespace: ns });
    for (let i = 0; i < 5; i++) {
      await side.client.create(configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `churn-${i}`, namespace: 'default' } } as KubeObject);
    }
  } finally {
    await side.close();
  }
  const head = (await cluster.store.list('/registry/', { limit: 1 })).revision;
  assert.ok(head > Number(rvBefore));
  await cluster.store.compact(head);
  const errorsWhileDown = errors;
  const listsBefore = lists;
  await cluster.startServer();

  // The informer's watch from rvBefore now gets 410; it relists: 'one' is deleted, 'three' added.
  await eventually(() => {
    assert.ok(seen.includes('add three'), JSON.stringify(seen));
    assert.ok(seen.includes('delete one'), JSON.stringify(seen));
  });
  assert.ok(errorsWhileDown >= 1, 'the informer noticed the server going away');
  assert.equal(lists, listsBefore + 1, 'the 410 made the informer relist exactly once');
  await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'four' } } });
  await core.patchNamespacedConfigMap({ namespace: ns, name: 'three', body: { data: { v: '33' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  await eventually(() => {
    assert.ok(seen.includes('add four'), JSON.stringify(seen));
    assert.ok(seen.includes('update three {"v":"33"}'), JSON.stringify(seen));
  });
  const cached = informer.list(ns).map((o) => `${o.metadata?.name}=${JSON.stringify(o.data ?? {})}`).sort();
  assert.deepEqual(cached, ['four={}', 'three={"v":"33"}']);
  assert.ok(Number((informer as unknown as k8s.ListWatch<k8s.V1ConfigMap>).latestResourceVersion()) > head, 'the informer resumed past the compaction');
});
