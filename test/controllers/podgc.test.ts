import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/resource.js';
import { FakeClock } from '../../src/machinery/clock.js';
import { NODES, PODS } from '../../src/controllers/base/resources.js';
import { startHarness, createNamespace, podObject, eventually, type Harness } from './harness.js';

const clock = new FakeClock();
let h: Harness;
before(async () => {
  h = await startHarness(['podgc'], { clock, options: { terminatedPodGCThreshold: 2, podGCPeriodMs: 20_000, podGCQuarantineMs: 40_000 } });
  await createNamespace(h.client, 'pg');
});
after(async () => { await h?.close(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const names = async () => (await h.client.list(PODS, { namespace: 'pg' })).items.map((p) => p.metadata.name!).sort();

async function finished(name: string, phase: string): Promise<void> {
  const p = await h.client.create(PODS, podObject('pg', name, { labels: { kind: 'done' } }));
  await h.client.updateStatus(PODS, { ...p, status: { phase } });
}

/** Advances the fake clock by one GC period and gives the pass time to run. */
async function gcPass(): Promise<void> {
  clock.advance(20_000);
  await sleep(300);
}

test('terminated pods over the threshold are deleted oldest first', async () => {
  await finished('t1', 'Succeeded');
  await finished('t2', 'Failed');
  await sleep(1100); // creationTimestamp has whole seconds
  await finished('t3', 'Succeeded');
  await finished('t4', 'Failed');
  await eventually(() => h.logs.some((l) => l.includes('caches synced') && l.includes('podgc')), 'podgc running');
  await sleep(200);
  // A pass every poll, in case the first ran before the cache had every pod's phase.
  const done = async () => (await h.client.list(PODS, { namespace: 'pg', labelSelector: 'kind=done' })).items.map((p) => p.metadata.name).sort();
  await eventually(async () => { await gcPass(); return (await done()).length <= 2; }, 'down to the threshold');
  await sleep(300);
  const left = await done();
  assert.deepEqual(left, ['t3', 't4']);
});

test('pods on a node that no longer exists are deleted after the quarantine, terminating ones included; pods on live nodes stay', async () => {
  await h.client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'live' } });
  await h.client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'doomed' } });
  await h.client.create(PODS, podObject('pg', 'on-live', { nodeName: 'live' }));
  await h.client.create(PODS, podObject('pg', 'on-ghost', { nodeName: 'ghost' }));
  await h.client.create(PODS, podObject('pg', 'stuck', { nodeName: 'doomed' }));
  await h.client.delete(PODS, 'stuck', { namespace: 'pg' }); // graceful: waits for a kubelet that will never come
  assert.ok((await h.client.get<KubeObject>(PODS, 'stuck', { namespace: 'pg' })).metadata.deletionTimestamp);
  await h.client.delete(NODES, 'doomed');
  await sleep(300);
  await gcPass(); // first seen missing
  await gcPass(); // 20 s into the quarantine
  assert.ok((await names()).includes('on-ghost'), 'still in quarantine');
  // 40 s and on: confirmed gone, pods deleted (more passes in case a cache was late to see them).
  await eventually(async () => { await gcPass(); const n = await names(); return !n.includes('on-ghost') && !n.includes('stuck'); }, 'orphaned pods force-deleted');
  assert.ok((await names()).includes('on-live'));
});
