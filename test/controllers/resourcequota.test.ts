// The resource quota controller against a real API server: status.hard follows spec.hard and
// status.used is recounted from what the namespace holds, down as well as up (deletions, pods
// that finish), including objects counted through count/<resource>.<group>.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/resource.js';
import { resourceRef } from '../../src/client/rest.js';
import { RESOURCEQUOTAS } from '../../src/controllers/resourcequota/index.js';
import { PODS } from '../../src/controllers/base/resources.js';
import { startHarness, eventually, createNamespace, podObject, type Harness } from './harness.js';

const CONFIGMAPS = resourceRef('', 'v1', 'configmaps');
const DEPLOYMENTS = resourceRef('apps', 'v1', 'deployments');
let h: Harness;
before(async () => { h = await startHarness(['resourcequota']); });
after(async () => { await h?.close(); });

/** The quota's status.used with sorted keys, as JSON (for comparison). */
async function usedJson(ns: string, name: string): Promise<string> {
  const u = (await used(ns, name)) ?? {};
  return JSON.stringify(Object.fromEntries(Object.keys(u).sort().map((k) => [k, u[k]])));
}

async function used(ns: string, name: string): Promise<Record<string, string> | undefined> {
  const q = await h.client.get<KubeObject>(RESOURCEQUOTAS, name, { namespace: ns });
  return (q.status as { used?: Record<string, string> } | undefined)?.used;
}

test('status.used counts pods, their cpu requests and config maps, and goes down on delete', async () => {
  await createNamespace(h.client, 'rq1');
  await h.client.create(RESOURCEQUOTAS, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'rq1' }, spec: { hard: { pods: '10', 'requests.cpu': '4', configmaps: '5' } } });
  await eventually(async () => (await usedJson('rq1', 'q')) === JSON.stringify({ configmaps: '0', pods: '0', 'requests.cpu': '0' }), 'an empty namespace counts zero');
  const pod = podObject('rq1', 'p1');
  (pod.spec as { containers: { resources?: unknown }[] }).containers[0].resources = { requests: { cpu: '250m' } };
  await h.client.create(PODS, pod);
  await h.client.create(PODS, podObject('rq1', 'p2'));
  await h.client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c1', namespace: 'rq1' } });
  await eventually(async () => (await usedJson('rq1', 'q')) === JSON.stringify({ configmaps: '1', pods: '2', 'requests.cpu': '250m' }), 'two pods and a config map counted');
  const q = await h.client.get<KubeObject>(RESOURCEQUOTAS, 'q', { namespace: 'rq1' });
  assert.deepEqual((q.status as { hard: unknown }).hard, { configmaps: '5', pods: '10', 'requests.cpu': '4' });
  await h.client.delete(CONFIGMAPS, 'c1', { namespace: 'rq1' });
  await h.client.delete(PODS, 'p1', { namespace: 'rq1', gracePeriodSeconds: 0 });
  await eventually(async () => (await usedJson('rq1', 'q')) === JSON.stringify({ configmaps: '0', pods: '1', 'requests.cpu': '0' }), 'deletions recounted');
});

test('a finished pod stops counting and count/deployments.apps is counted by listing', async () => {
  await createNamespace(h.client, 'rq2');
  await h.client.create(RESOURCEQUOTAS, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'rq2' }, spec: { hard: { 'count/pods': '3', 'count/deployments.apps': '2' } } });
  const p = await h.client.create(PODS, podObject('rq2', 'job'));
  await h.client.create(DEPLOYMENTS, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'rq2' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  });
  await eventually(async () => (await used('rq2', 'q'))?.['count/pods'] === '1', 'the pod counted');
  await h.client.updateStatus(PODS, { ...p, status: { phase: 'Succeeded' } });
  // Deployments are not watched: the quota's own update (or the sync period) recounts them.
  await eventually(async () => {
    const u = await used('rq2', 'q');
    return u?.['count/pods'] === '0' && u?.['count/deployments.apps'] === '1';
  }, 'the finished pod released, the deployment counted');
});
