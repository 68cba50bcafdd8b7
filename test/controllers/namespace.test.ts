import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/resource.js';
import { resourceRef } from '../../src/client/rest.js';
import { NAMESPACES, PODS, SERVICEACCOUNTS } from '../../src/controllers/base/resources.js';
import { startHarness, createNamespace, podObject, eventually, eventuallyGone, type Harness } from './harness.js';

const CONFIGMAPS = resourceRef('', 'v1', 'configmaps');
const RCS = resourceRef('', 'v1', 'replicationcontrollers');

let h: Harness;
before(async () => { h = await startHarness(['namespace', 'garbagecollector', 'replicationcontroller', 'serviceaccount']); });
after(async () => { await h?.close(); });

interface Ns extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

test('deleting a namespace with an RC, its pods and configmaps empties it and then removes it', async () => {
  const ns = 'doomed';
  await createNamespace(h.client, ns);
  await h.client.create(RCS, {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: ns },
    spec: { replicas: 3, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  for (let i = 0; i < 5; i++) await h.client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: ns }, data: { i: String(i) } });
  await eventually(async () => (await h.client.list(PODS, { namespace: ns })).items.length === 3, 'the RC made its 3 pods');
  await eventually(async () => (await h.client.list(SERVICEACCOUNTS, { namespace: ns })).items.length === 1, 'default service account');

  await h.client.delete(NAMESPACES, ns);
  const terminating = await h.client.get<Ns>(NAMESPACES, ns);
  assert.equal(terminating.status?.phase, 'Terminating');
  await eventuallyGone(() => h.client.get(NAMESPACES, ns), 'namespace removed', 20_000);
  // Nothing of it is left in the store (a re-created namespace of that name starts empty).
  for (const res of [PODS, CONFIGMAPS, RCS, SERVICEACCOUNTS]) assert.equal((await h.client.list(res, { namespace: ns })).items.length, 0, `${res.plural} left behind`);
});

test('a namespace whose content is held by a finalizer reports it in its conditions and waits', async () => {
  const ns = 'held';
  await createNamespace(h.client, ns);
  await h.client.create(PODS, podObject(ns, 'sticky', { finalizers: ['example.com/hold'] }));
  await h.client.delete(NAMESPACES, ns);
  await eventually(async () => {
    const cur = await h.client.get<Ns>(NAMESPACES, ns);
    return cur.status?.conditions?.some((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True') ?? false;
  }, 'finalizers-remaining condition', 10_000);
  const cur = await h.client.get<Ns>(NAMESPACES, ns);
  const cond = (t: string) => cur.status!.conditions!.find((c) => c.type === t)!;
  assert.equal(cond('NamespaceContentRemaining').status, 'True');
  assert.equal(cond('NamespaceContentRemaining').reason, 'SomeResourcesRemain');
  assert.equal(cond('NamespaceContentRemaining').message, 'Some resources are remaining: pods has 1 resource instances');
  assert.equal(cond('NamespaceFinalizersRemaining').message, 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances');
  assert.equal(cond('NamespaceDeletionDiscoveryFailure').reason, 'ResourcesDiscovered');
  assert.equal(cond('NamespaceDeletionContentFailure').message, 'All content successfully deleted, may be waiting on finalization');
  assert.ok(cur.spec?.finalizers?.includes('kubernetes'), 'not finalized while content remains');

  const pod = await h.client.get(PODS, 'sticky', { namespace: ns });
  await h.client.patch(PODS, 'sticky', 'merge', { metadata: { finalizers: null, resourceVersion: pod.metadata.resourceVersion } }, { namespace: ns });
  await eventuallyGone(() => h.client.get(NAMESPACES, ns), 'namespace removed once the finalizer is gone', 20_000);
});
