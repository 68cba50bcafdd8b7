import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/resource.js';
import { resourceRef } from '../../src/client/rest.js';
import { PODS } from '../../src/controllers/base/resources.js';
import { startHarness, createNamespace, podObject, eventually, eventuallyGone, type Harness } from './harness.js';

const CONFIGMAPS = resourceRef('', 'v1', 'configmaps');
const SECRETS = resourceRef('', 'v1', 'secrets');

let h: Harness;
before(async () => { h = await startHarness(['garbagecollector']); await createNamespace(h.client, 'gc'); });
after(async () => { await h?.close(); });

const NS = 'gc';
async function owner(name: string): Promise<KubeObject> {
  return h.client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS } });
}
function refTo(o: KubeObject, block = false) {
  return [{ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name!, uid: o.metadata.uid!, controller: true, blockOwnerDeletion: block }];
}
async function exists(res: typeof PODS, name: string): Promise<KubeObject | undefined> {
  try { return await h.client.get(res, name, { namespace: NS }); } catch (err) { if ((err as { code?: number }).code === 404) return undefined; throw err; }
}

test('background: dependents are deleted after their owner is gone', async () => {
  const o = await owner('bg-owner');
  await h.client.create(PODS, podObject(NS, 'bg-dep-1', { ownerReferences: refTo(o) }));
  await h.client.create(PODS, podObject(NS, 'bg-dep-2', { ownerReferences: refTo(o) }));
  await h.client.create(PODS, podObject(NS, 'bg-unrelated'));
  await h.client.delete(CONFIGMAPS, 'bg-owner', { namespace: NS, propagationPolicy: 'Background' });
  await eventuallyGone(() => h.client.get(PODS, 'bg-dep-1', { namespace: NS }), 'dependent 1 deleted');
  await eventuallyGone(() => h.client.get(PODS, 'bg-dep-2', { namespace: NS }), 'dependent 2 deleted');
  assert.ok(await exists(PODS, 'bg-unrelated'), 'an object without owners stays');
});

test('an object whose owner never existed (uid mismatch) is collected; one with a live owner stays', async () => {
  const live = await owner('live-owner');
  await h.client.create(PODS, podObject(NS, 'kept', { ownerReferences: refTo(live) }));
  await h.client.create(PODS, podObject(NS, 'orphaned-from-birth', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'live-owner', uid: '00000000-0000-0000-0000-000000000000' }] }));
  await eventuallyGone(() => h.client.get(PODS, 'orphaned-from-birth', { namespace: NS }), 'dangling dependent deleted');
  assert.ok(await exists(PODS, 'kept'));
});

test('a dependent with one live owner and one gone loses only the reference to the gone one', async () => {
  const a = await owner('two-a');
  const b = await owner('two-b');
  await h.client.create(PODS, podObject(NS, 'two-owners', { ownerReferences: [...refTo(a), { ...refTo(b)[0]!, controller: false }] }));
  await h.client.delete(CONFIGMAPS, 'two-b', { namespace: NS });
  await eventually(async () => (await exists(PODS, 'two-owners'))?.metadata.ownerReferences?.length === 1, 'reference to the deleted owner removed');
  assert.equal((await exists(PODS, 'two-owners'))!.metadata.ownerReferences![0]!.name, 'two-a');
});

test('foreground: the owner waits with foregroundDeletion until its blocking dependents are gone', async () => {
  const o = await owner('fg-owner');
  // The dependent has a finalizer of its own, so the owner visibly waits for it.
  await h.client.create(PODS, podObject(NS, 'fg-dep', { ownerReferences: refTo(o, true), finalizers: ['test.k8ts.io/hold'] }));
  await h.client.create(PODS, podObject(NS, 'fg-dep-nonblocking', { ownerReferences: refTo(o, false) }));
  await h.client.delete(CONFIGMAPS, 'fg-owner', { namespace: NS, propagationPolicy: 'Foreground' });
  const waiting = await exists(CONFIGMAPS, 'fg-owner');
  assert.ok(waiting?.metadata.deletionTimestamp, 'owner is marked for deletion');
  assert.ok(waiting.metadata.finalizers?.includes('foregroundDeletion'));
  await eventually(async () => !!(await exists(PODS, 'fg-dep'))?.metadata.deletionTimestamp, 'blocking dependent deleted by the collector');
  await eventuallyGone(() => h.client.get(PODS, 'fg-dep-nonblocking', { namespace: NS }), 'non-blocking dependent deleted too');
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(await exists(CONFIGMAPS, 'fg-owner'), 'owner still waits for its blocking dependent');
  // Release the dependent: it goes, then the owner.
  const dep = (await exists(PODS, 'fg-dep'))!;
  await h.client.patch(PODS, 'fg-dep', 'merge', { metadata: { finalizers: null, resourceVersion: dep.metadata.resourceVersion } }, { namespace: NS });
  await eventuallyGone(() => h.client.get(PODS, 'fg-dep', { namespace: NS }), 'dependent gone');
  await eventuallyGone(() => h.client.get(CONFIGMAPS, 'fg-owner', { namespace: NS }), 'owner gone after its dependents');
});

test('orphan: dependents lose the owner reference and stay; then the owner goes', async () => {
  const o = await owner('orph-owner');
  await h.client.create(PODS, podObject(NS, 'orph-dep', { ownerReferences: refTo(o, true) }));
  await h.client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orph-secret', namespace: NS, ownerReferences: refTo(o) } });
  await h.client.delete(CONFIGMAPS, 'orph-owner', { namespace: NS, propagationPolicy: 'Orphan' });
  await eventuallyGone(() => h.client.get(CONFIGMAPS, 'orph-owner', { namespace: NS }), 'owner gone once its dependents are orphaned');
  const dep = await exists(PODS, 'orph-dep');
  assert.ok(dep, 'dependent stays');
  assert.equal(dep.metadata.ownerReferences, undefined, 'no owner reference left');
  assert.equal((await exists(SECRETS, 'orph-secret'))?.metadata.ownerReferences, undefined);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(await exists(PODS, 'orph-dep'), 'still there afterwards');
});

test('foreground cascades through two levels', async () => {
  const top = await owner('chain-top');
  const mid = await h.client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'chain-mid', namespace: NS, ownerReferences: refTo(top, true) } });
  await h.client.create(PODS, podObject(NS, 'chain-leaf', { ownerReferences: refTo(mid, true) }));
  await h.client.delete(CONFIGMAPS, 'chain-top', { namespace: NS, propagationPolicy: 'Foreground' });
  await eventuallyGone(() => h.client.get(PODS, 'chain-leaf', { namespace: NS }), 'leaf gone');
  await eventuallyGone(() => h.client.get(CONFIGMAPS, 'chain-mid', { namespace: NS }), 'middle gone');
  await eventuallyGone(() => h.client.get(CONFIGMAPS, 'chain-top', { namespace: NS }), 'top gone');
});
