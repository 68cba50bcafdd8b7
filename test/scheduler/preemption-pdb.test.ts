// Preemption weighs PodDisruptionBudgets: against a real API server, the scheduler prefers the node
// whose victims break no budget over the node with the lower-priority victim, and deletes (not
// evicts) the victim it chose, marking it DisruptionTarget first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, eventually } from '../client/cluster.js';
import { startScheduler, type RunningScheduler } from '../../src/scheduler/index.js';
import { resourceRef } from '../../src/client/rest.js';
import type { Pod } from '../../src/scheduler/types.js';
import { createNode, EVENTS, PODS, podObject, podsOn } from './fixtures.js';

const PRIORITY_CLASSES = resourceRef('scheduling.k8s.io', 'v1', 'priorityclasses', false);
const PDBS = resourceRef('policy', 'v1', 'poddisruptionbudgets', true);

test('a preemptor takes the node whose victim breaks no PodDisruptionBudget, though its victim has the higher priority', async () => {
  const c = await startCluster();
  let sched: RunningScheduler | undefined;
  const stopKubelet = new AbortController();
  let kubelet: Promise<void> = Promise.resolve();
  try {
    const client = c.client();
    await createNode(client, 'a', { cpu: '2' });
    await createNode(client, 'b', { cpu: '2' });
    for (const [name, value] of [['low', 1], ['mid', 10], ['high', 1000]] as const) {
      await client.create(PRIORITY_CLASSES, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value });
    }
    await client.create(PODS, podObject('guarded', { cpu: '2', labels: { app: 'db' }, spec: { priorityClassName: 'low', nodeName: 'a' } }));
    await client.create(PODS, podObject('other', { cpu: '2', spec: { priorityClassName: 'mid', nodeName: 'b' } }));
    const pdb = await client.create<any>(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } } });
    // As the disruption controller would write it: the one db pod is needed.
    await client.updateStatus(PDBS, { ...pdb, status: { observedGeneration: 1, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } });
    sched = await startScheduler({ client });
    // Nothing runs the pods: finish deletions the way a kubelet would, noting what the victim looked like.
    const seen = new Map<string, Pod>();
    kubelet = (async () => {
      while (!stopKubelet.signal.aborted) {
        const list = await client.list<Pod>(PODS, { namespace: 'default' }).catch(() => ({ items: [] as Pod[] }));
        for (const p of list.items) {
          if (!p.metadata.deletionTimestamp) continue;
          seen.set(p.metadata.name!, p);
          await client.delete(PODS, p.metadata.name!, { namespace: 'default', gracePeriodSeconds: 0 }).catch(() => undefined);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await client.create(PODS, podObject('high', { cpu: '2', spec: { priorityClassName: 'high' } }));
    await eventually(async () => (await podsOn(client)).get('high') === 'b', 'high bound to b', 20_000);
    const on = await podsOn(client);
    assert.equal(on.get('guarded'), 'a', 'the budget-protected pod is spared');
    assert.equal(on.has('other'), false, 'the pod that breaks no budget is the victim');
    const dt = seen.get('other')?.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
    assert.deepEqual([dt?.status, dt?.reason], ['True', 'PreemptionByScheduler']);
    const evs = (await client.list<{ reason?: string; involvedObject: { name?: string } }>(EVENTS, { namespace: 'default' })).items;
    assert.ok(evs.some((e) => e.reason === 'Preempted' && e.involvedObject.name === 'other'));
    const b = await client.get<any>(PDBS, 'db', { namespace: 'default' });
    assert.equal(b.status.disruptedPods, undefined, 'preemption does not go through the eviction API');
  } finally {
    stopKubelet.abort();
    await kubelet.catch(() => undefined);
    await sched?.stop().catch(() => undefined);
    await c.close();
  }
});
