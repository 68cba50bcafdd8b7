// The scheduler against a real in-process API server (SQLite store): placement, spreading,
// nodeSelector and taints, the unschedulable message (read back with the real kubectl), a pod
// placed as soon as a big enough node joins, two schedulers side by side, and preemption.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCluster, eventually, type TestCluster } from '../client/cluster.js';
import { kubeconfig } from '../../src/cmd/apiserver.js';
import { startScheduler, type RunningScheduler } from '../../src/scheduler/index.js';
import { resourceRef } from '../../src/client/rest.js';
import type { Pod } from '../../src/scheduler/types.js';
import { createNode, EVENTS, PODS, podObject, podsOn } from './fixtures.js';

const run = promisify(execFile);
const RCS = resourceRef('', 'v1', 'replicationcontrollers', true);
const PRIORITY_CLASSES = resourceRef('scheduling.k8s.io', 'v1', 'priorityclasses', false);

function priorityClass(name: string, value: number, preemptionPolicy = 'PreemptLowerPriority') {
  return { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, preemptionPolicy };
}

async function withCluster(fn: (c: TestCluster, started: RunningScheduler[]) => Promise<void>): Promise<void> {
  const cluster = await startCluster();
  const started: RunningScheduler[] = [];
  try {
    await fn(cluster, started);
  } finally {
    for (const s of started) await s.stop().catch(() => undefined);
    await cluster.close();
  }
}

async function podCondition(c: TestCluster, name: string): Promise<{ status?: string; reason?: string; message?: string } | undefined> {
  const pod = await c.client().get<Pod>(PODS, name, { namespace: 'default' });
  return pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
}

test('an RC-like set of 30 pods over 3 nodes lands 10/10/10', async () => {
  await withCluster(async (c, started) => {
    const client = c.client();
    for (const n of ['n1', 'n2', 'n3']) await createNode(client, n);
    await client.create(RCS, { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 30, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'pause' }] } } } });
    started.push(await startScheduler({ client }));
    await Promise.all(Array.from({ length: 30 }, (_, i) => client.create(PODS, podObject(`web-${i}`, { labels: { app: 'web' }, cpu: '100m', memory: '100Mi' }))));
    await eventually(async () => [...(await podsOn(client)).values()].every((n) => n !== ''), 'all 30 pods bound', 20_000);
    const counts = new Map<string, number>();
    for (const n of (await podsOn(client)).values()) counts.set(n, (counts.get(n) ?? 0) + 1);
    assert.deepEqual([...counts.entries()].sort(), [['n1', 10], ['n2', 10], ['n3', 10]]);
    // Every pod got its Scheduled event.
    await eventually(async () => (await client.list<{ reason?: string }>(EVENTS, { namespace: 'default' })).items.filter((e) => e.reason === 'Scheduled').length === 30, '30 Scheduled events', 10_000);
    const ev = (await client.list<{ reason?: string; message?: string; involvedObject: { name?: string } }>(EVENTS, { namespace: 'default' })).items.find((e) => e.reason === 'Scheduled' && e.involvedObject.name === 'web-0');
    assert.match(ev!.message!, /^Successfully assigned default\/web-0 to n[123]$/);
  });
});

test('nodeSelector and taints are honoured', async () => {
  await withCluster(async (c, started) => {
    const client = c.client();
    await createNode(client, 'ssd', { labels: { disk: 'ssd' } });
    await createNode(client, 'gpu', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
    await createNode(client, 'plain');
    started.push(await startScheduler({ client }));
    await client.create(PODS, podObject('wants-ssd', { spec: { nodeSelector: { disk: 'ssd' } } }));
    await client.create(PODS, podObject('tolerates-gpu', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['gpu'] }] }] } } } } }));
    for (let i = 0; i < 12; i++) await client.create(PODS, podObject(`any-${i}`, { cpu: '100m' }));
    await eventually(async () => [...(await podsOn(client)).values()].every((n) => n !== ''), 'all pods bound', 20_000);
    const on = await podsOn(client);
    assert.equal(on.get('wants-ssd'), 'ssd');
    assert.equal(on.get('tolerates-gpu'), 'gpu');
    for (let i = 0; i < 12; i++) assert.notEqual(on.get(`any-${i}`), 'gpu', `any-${i} landed on the tainted node`);
  });
});

test('a pod too big for every node stays Pending with Kubernetes\' message, kubectl describe shows it, and it lands when a big node joins', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sched-kubectl-'));
  try {
    await withCluster(async (c, started) => {
      const client = c.client();
      await createNode(client, 'small-1', { cpu: '2' });
      await createNode(client, 'small-2', { cpu: '2' });
      await createNode(client, 'tainted', { cpu: '2', taints: [{ key: 'team', value: 'infra', effect: 'NoSchedule' }] });
      started.push(await startScheduler({ client }));
      await client.create(PODS, podObject('huge', { cpu: '8' }));
      const want = '0/3 nodes are available: 1 node(s) had untolerated taint {team: infra}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..';
      await eventually(async () => (await podCondition(c, 'huge'))?.reason === 'Unschedulable', 'PodScheduled=False', 10_000);
      const cond = await podCondition(c, 'huge');
      assert.equal(cond?.status, 'False');
      assert.equal(cond?.message, want);
      await eventually(async () => (await client.list<{ reason?: string; message?: string; type?: string }>(EVENTS, { namespace: 'default' })).items.some((e) => e.reason === 'FailedScheduling' && e.message === want && e.type === 'Warning'), 'FailedScheduling event', 10_000);
      const kc = join(dir, 'kubeconfig');
      writeFileSync(kc, kubeconfig(c.base));
      const { stdout } = await run('/usr/bin/kubectl', ['--kubeconfig', kc, 'describe', 'pod', 'huge'], { timeout: 30_000 });
      assert.match(stdout, /Status:\s+Pending/);
      assert.match(stdout, /PodScheduled\s+False/);
      assert.match(stdout, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available: 1 node\(s\) had untolerated taint \{team: infra\}, 2 Insufficient cpu\./);
      // A node big enough joins: the Node add event moves the pod back at once (no 5-minute wait).
      await createNode(client, 'big', { cpu: '16' });
      await eventually(async () => (await podsOn(client)).get('huge') === 'big', 'huge bound to big', 10_000);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two schedulers with different names each take only their pods', async () => {
  await withCluster(async (c, started) => {
    const client = c.client();
    await createNode(client, 'n1');
    started.push(await startScheduler({ client: c.client(), config: { profiles: [{ schedulerName: 'other-scheduler' }] } }));
    await client.create(PODS, podObject('mine', { spec: { schedulerName: 'other-scheduler' } }));
    await client.create(PODS, podObject('theirs'));
    await eventually(async () => (await podsOn(client)).get('mine') === 'n1', 'other-scheduler binds its pod', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await podsOn(client)).get('theirs'), '', 'the default scheduler\'s pod must wait for the default scheduler');
    started.push(await startScheduler({ client: c.client() }));
    await eventually(async () => (await podsOn(client)).get('theirs') === 'n1', 'default-scheduler binds its pod', 10_000);
    type Ev = { reason?: string; source?: { component?: string }; involvedObject: { name?: string } };
    const scheduledEvents = async () => (await client.list<Ev>(EVENTS, { namespace: 'default' })).items.filter((e) => e.reason === 'Scheduled');
    await eventually(async () => (await scheduledEvents()).length >= 2, 'two Scheduled events', 10_000);
    const byPod = new Map((await scheduledEvents()).map((e) => [e.involvedObject.name, e.source?.component]));
    assert.equal(byPod.get('mine'), 'other-scheduler');
    assert.equal(byPod.get('theirs'), 'default-scheduler');
  });
});

test('a high-priority pod preempts a lower-priority one and is placed on the nominated node', async () => {
  await withCluster(async (c, started) => {
    const client = c.client();
    await createNode(client, 'only', { cpu: '2' });
    for (const [n, v] of [['low', 1], ['mid', 10], ['high', 1000]] as const) await client.create(PRIORITY_CLASSES, priorityClass(n, v));
    await client.create(PRIORITY_CLASSES, priorityClass('high-never', 1000, 'Never'));
    started.push(await startScheduler({ client }));
    await client.create(PODS, podObject('low-a', { cpu: '1', spec: { priorityClassName: 'low' } }));
    await client.create(PODS, podObject('low-b', { cpu: '1', spec: { priorityClassName: 'mid' } }));
    await eventually(async () => { const on = await podsOn(client); return on.get('low-a') === 'only' && on.get('low-b') === 'only'; }, 'low pods bound', 10_000);
    // Nothing runs the pods, so this test finishes deletions the way a kubelet would.
    const stopKubelet = new AbortController();
    const kubelet = (async () => {
      while (!stopKubelet.signal.aborted) {
        const list = await client.list<Pod>(PODS, { namespace: 'default' });
        for (const p of list.items) if (p.metadata.deletionTimestamp) await client.delete(PODS, p.metadata.name!, { namespace: 'default', gracePeriodSeconds: 0 }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      // preemptionPolicy: Never waits instead of evicting.
      await client.create(PODS, podObject('polite', { cpu: '1', spec: { priorityClassName: 'high-never' } }));
      await eventually(async () => (await podCondition(c, 'polite'))?.reason === 'Unschedulable', 'polite is unschedulable', 10_000);
      assert.equal((await podCondition(c, 'polite'))?.message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..');
      assert.equal((await podsOn(client)).size, 3, 'nobody was evicted for the polite pod');
      await client.delete(PODS, 'polite', { namespace: 'default', gracePeriodSeconds: 0 });
      await client.create(PODS, podObject('high', { cpu: '1', spec: { priorityClassName: 'high' } }));
      await eventually(async () => (await client.get<Pod>(PODS, 'high', { namespace: 'default' })).status?.nominatedNodeName === 'only' || (await podsOn(client)).get('high') === 'only', 'high nominated', 15_000);
      await eventually(async () => (await podsOn(client)).get('high') === 'only', 'high bound', 15_000);
      const on = await podsOn(client);
      assert.equal(on.has('low-a'), false, 'the lowest-priority pod is the victim');
      assert.equal(on.get('low-b'), 'only', 'the other pod is spared');
      const evs = (await client.list<{ reason?: string; involvedObject: { name?: string } }>(EVENTS, { namespace: 'default' })).items;
      assert.ok(evs.some((e) => e.reason === 'Preempted' && e.involvedObject.name === 'low-a'));
    } finally {
      stopKubelet.abort();
      await kubelet.catch(() => undefined);
    }
  });
});
