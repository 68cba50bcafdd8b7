// The disruption controller against a real API server: it computes a budget's status from the
// pods it selects, counts recently evicted pods as gone until the deletion timeout, then drops
// their entries, and resets DisruptionTarget conditions that went stale (on a fake clock).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resourceRef } from '../../src/client/rest.js';
import { FakeClock } from '../../src/machinery/clock.js';
import { PODS } from '../../src/controllers/base/resources.js';
import { startHarness, createNamespace, createRunningPod, eventually, type Harness } from './harness.js';

const PDBS = resourceRef('policy', 'v1', 'poddisruptionbudgets');
const EVENTS = resourceRef('', 'v1', 'events');
const clock = new FakeClock();
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
let h: Harness;

before(async () => {
  h = await startHarness(['disruption'], { clock });
  await createNamespace(h.client, 'pdb');
  await createRunningPod(h.client, 'pdb', 'a', '10.0.0.1', true, { labels: { app: 'db' }, nodeName: 'n1' });
  await createRunningPod(h.client, 'pdb', 'b', '10.0.0.2', true, { labels: { app: 'db' }, nodeName: 'n1' });
  await createRunningPod(h.client, 'pdb', 'c', '10.0.0.3', false, { labels: { app: 'db' }, nodeName: 'n1' });
});
after(async () => { await h?.close(); });

const status = async () => (await h.client.get<any>(PDBS, 'db', { namespace: 'pdb' })).status;

test('a new budget gets its status: healthy and expected pods, desired healthy, disruptions allowed, DisruptionAllowed', async () => {
  await h.client.create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'pdb' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });
  await eventually(async () => (await status())?.observedGeneration === 1, 'status observed', 10_000);
  const st = await status();
  assert.deepEqual([st.currentHealthy, st.desiredHealthy, st.expectedPods, st.disruptionsAllowed], [2, 1, 3, 1]);
  assert.deepEqual(st.conditions.map((c: any) => [c.type, c.status, c.reason]), [['DisruptionAllowed', 'True', 'SufficientPods']]);
});

test('a pod recorded in disruptedPods does not count as healthy until the deletion timeout, then its entry is dropped', async () => {
  const cur = await h.client.get<any>(PDBS, 'db', { namespace: 'pdb' });
  await h.client.updateStatus(PDBS, { ...cur, status: { ...cur.status, disruptedPods: { b: iso(clock.now()) }, disruptionsAllowed: 0 } });
  await eventually(async () => { const st = await status(); return st.currentHealthy === 1 && st.disruptedPods?.b !== undefined; }, 'b counted as disrupted', 10_000);
  assert.equal((await status()).disruptionsAllowed, 0);
  assert.equal((await status()).conditions[0].reason, 'InsufficientPods');
  clock.advance(2 * 60_000 + 1000);
  await eventually(async () => { const st = await status(); return st.currentHealthy === 2 && st.disruptedPods === undefined; }, 'expired entry dropped', 10_000);
  assert.equal((await status()).disruptionsAllowed, 1);
  await eventually(async () => (await h.client.list<any>(EVENTS, { namespace: 'pdb' })).items.some((e) => e.reason === 'NotDeleted' && e.involvedObject.name === 'b'), 'NotDeleted event', 10_000);
});

test('a pod that is deleted drops out of the budget', async () => {
  await h.client.delete(PODS, 'c', { namespace: 'pdb', gracePeriodSeconds: 0 });
  await eventually(async () => (await status()).expectedPods === 2, 'expected pods 2', 10_000);
});

test('a DisruptionTarget condition still on a live pod two minutes later is reset to False', async () => {
  const a = await h.client.get<any>(PODS, 'a', { namespace: 'pdb' });
  const conditions = [...a.status.conditions, { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastTransitionTime: iso(clock.now()) }];
  await h.client.updateStatus(PODS, { ...a, status: { ...a.status, conditions } });
  await new Promise((r) => setTimeout(r, 300));
  const dt = async () => (await h.client.get<any>(PODS, 'a', { namespace: 'pdb' })).status.conditions.find((c: any) => c.type === 'DisruptionTarget');
  assert.equal((await dt()).status, 'True', 'not stale yet');
  clock.advance(2 * 60_000 + 1000);
  await eventually(async () => (await dt()).status === 'False', 'condition reset', 10_000);
});
