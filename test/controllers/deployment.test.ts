// The Deployment controller (with the ReplicaSet controller under it) against a real API server:
// ReplicaSets per template revision, rolling updates within maxSurge/maxUnavailable, Recreate,
// revision history cleanup, pause and resume, and the progress deadline on a simulated clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/core/v1/pod.js';
import type { Deployment, ReplicaSet } from '../../src/api/apps/v1/types.js';
import { FakeClock } from '../../src/machinery/clock.js';
import type { RestClient } from '../../src/client/rest.js';
import { createReplicaSetController } from '../../src/controllers/replication/index.js';
import { createDeploymentController } from '../../src/controllers/deployment/index.js';
import { DEPLOYMENTS, PODS, REPLICA_SETS } from '../../src/controllers/workload/resources.js';
import { startWorkloadBench, eventually, activePods, playKubelet, eventsFor, ns } from './workload-harness.js';

function deployment(name: string, replicas: number, image: string, extra: Partial<NonNullable<Deployment['spec']>> = {}): Deployment {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      ...extra,
    },
  } as Deployment;
}

const getD = (c: RestClient, name: string) => c.get<Deployment>(DEPLOYMENTS, name, { namespace: ns });
const listRS = async (c: RestClient, app: string) => (await c.list<ReplicaSet>(REPLICA_SETS, { namespace: ns, labelSelector: `app=${app}` })).items;
const setImage = (c: RestClient, name: string, image: string) =>
  c.patch(DEPLOYMENTS, name, 'strategic', { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } }, { namespace: ns });

async function rolledOut(c: RestClient, name: string): Promise<boolean> {
  const d = await getD(c, name);
  const s = d.status ?? {};
  const r = d.spec?.replicas ?? 0;
  return (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r;
}

test('a Deployment makes a ReplicaSet named by its template hash, with revision 1, and reports completion', async () => {
  const b = await startWorkloadBench();
  const stopKubelet = playKubelet(b.client, 'app=first');
  try {
    b.start(createReplicaSetController, createDeploymentController);
    const d = await b.client.create(DEPLOYMENTS, deployment('first', 3, 'nginx:1'));
    await eventually(() => rolledOut(b.client, 'first'), 'rolled out', 15_000);
    const [rs, ...more] = await listRS(b.client, 'first');
    assert.equal(more.length, 0);
    const hash = rs!.metadata.labels!['pod-template-hash']!;
    assert.ok(hash);
    assert.equal(rs!.metadata.name, `first-${hash}`);
    assert.equal(rs!.metadata.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs!.metadata.annotations!['deployment.kubernetes.io/desired-replicas'], '3');
    assert.equal(rs!.metadata.annotations!['deployment.kubernetes.io/max-replicas'], '4');
    assert.deepEqual(rs!.spec!.selector!.matchLabels, { app: 'first', 'pod-template-hash': hash });
    assert.equal(rs!.metadata.ownerReferences![0]!.uid, d.metadata.uid);
    assert.equal(rs!.metadata.ownerReferences![0]!.controller, true);
    for (const p of await activePods(b.client, 'app=first')) assert.equal(p.metadata.labels!['pod-template-hash'], hash);
    const cur = await getD(b.client, 'first');
    assert.equal(cur.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
    const progressing = cur.status!.conditions!.find((c) => c.type === 'Progressing')!;
    assert.equal(progressing.status, 'True');
    assert.equal(progressing.reason, 'NewReplicaSetAvailable');
    assert.equal(progressing.message, `ReplicaSet "first-${hash}" has successfully progressed.`);
    const available = cur.status!.conditions!.find((c) => c.type === 'Available')!;
    assert.deepEqual([available.status, available.reason, available.message], ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
    assert.equal(cur.status!.readyReplicas, 3);
    assert.equal(cur.status!.unavailableReplicas ?? 0, 0);
    const events = await eventsFor(b.client, cur);
    assert.ok(events.some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set first-${hash} from 0 to 3`), JSON.stringify(events.map((e) => e.message)));
  } finally {
    await stopKubelet();
    await b.stop();
  }
});

test('a rolling update with maxSurge 1 and maxUnavailable 0 never drops available pods below replicas', async () => {
  const b = await startWorkloadBench();
  const stopKubelet = playKubelet(b.client, 'app=roll', { intervalMs: 20 });
  const watchAbort = new AbortController();
  let observing: Promise<void> | undefined;
  try {
    b.start(createReplicaSetController, createDeploymentController);
    await b.client.create(DEPLOYMENTS, deployment('roll', 4, 'app:v1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    await eventually(() => rolledOut(b.client, 'roll'), 'v1 rolled out', 15_000);
    const list = await b.client.list<Pod>(PODS, { namespace: ns, labelSelector: 'app=roll' });

    // Watch every pod from here on: ready-and-not-terminating pods may never be fewer than 4,
    // and pods that exist never more than 4 + maxSurge.
    const pods = new Map<string, Pod>(list.items.map((p) => [p.metadata.name!, p]));
    const readyCount = () => [...pods.values()].filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    let minReady = readyCount();
    let maxPods = pods.size;
    const stream = await b.client.watch<Pod>(PODS, { namespace: ns, labelSelector: 'app=roll', resourceVersion: list.metadata.resourceVersion, signal: watchAbort.signal });
    observing = (async () => {
      try {
        for await (const ev of stream) {
          if (ev.type === 'DELETED') pods.delete(ev.object.metadata.name!);
          else if (ev.type === 'ADDED' || ev.type === 'MODIFIED') pods.set(ev.object.metadata.name!, ev.object);
          minReady = Math.min(minReady, readyCount());
          maxPods = Math.max(maxPods, pods.size);
        }
      } catch {
        // closed at the end
      }
    })();
    assert.equal(minReady, 4);
    await setImage(b.client, 'roll', 'app:v2');
    await eventually(async () => (await rolledOut(b.client, 'roll')) && (await activePods(b.client, 'app=roll')).every((p) => p.spec?.containers?.[0]?.image === 'app:v2') && (await activePods(b.client, 'app=roll')).length === 4, 'v2 rolled out', 20_000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(minReady, 4, 'available pods never dropped below 4');
    assert.ok(maxPods <= 5, `never more than replicas + maxSurge pods, saw ${maxPods}`);
    const rss = await listRS(b.client, 'roll');
    assert.equal(rss.length, 2);
    const byRev = Object.fromEntries(rss.map((rs) => [rs.metadata.annotations!['deployment.kubernetes.io/revision'], rs]));
    assert.equal(byRev['1']!.spec!.replicas, 0);
    assert.equal(byRev['2']!.spec!.replicas, 4);
    assert.equal(byRev['2']!.spec!.template!.spec!.containers![0]!.image, 'app:v2');
    assert.equal((await getD(b.client, 'roll')).metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
  } finally {
    watchAbort.abort();
    await observing;
    await stopKubelet();
    await b.stop();
  }
});

test('Recreate removes every old pod before the first new one exists', async () => {
  const b = await startWorkloadBench();
  const stopKubelet = playKubelet(b.client, 'app=recreate');
  const watchAbort = new AbortController();
  let observing: Promise<void> | undefined;
  try {
    b.start(createReplicaSetController, createDeploymentController);
    await b.client.create(DEPLOYMENTS, deployment('recreate', 3, 'app:v1', { strategy: { type: 'Recreate' } }));
    await eventually(() => rolledOut(b.client, 'recreate'), 'v1 rolled out', 15_000);
    const list = await b.client.list<Pod>(PODS, { namespace: ns, labelSelector: 'app=recreate' });
    const live = new Map<string, string>(list.items.map((p) => [p.metadata.name!, p.spec!.containers![0]!.image!]));
    let overlap = false;
    const stream = await b.client.watch<Pod>(PODS, { namespace: ns, labelSelector: 'app=recreate', resourceVersion: list.metadata.resourceVersion, signal: watchAbort.signal });
    observing = (async () => {
      try {
        for await (const ev of stream) {
          if (ev.type === 'DELETED') live.delete(ev.object.metadata.name!);
          else if (ev.type === 'ADDED') live.set(ev.object.metadata.name!, ev.object.spec!.containers![0]!.image!);
          const images = new Set(live.values());
          if (images.has('app:v1') && images.has('app:v2')) overlap = true;
        }
      } catch {
        // closed at the end
      }
    })();
    await setImage(b.client, 'recreate', 'app:v2');
    await eventually(async () => (await rolledOut(b.client, 'recreate')) && [...live.values()].every((i) => i === 'app:v2') && live.size === 3, 'v2 rolled out', 20_000);
    assert.equal(overlap, false, 'old and new pods never coexisted');
  } finally {
    watchAbort.abort();
    await observing;
    await stopKubelet();
    await b.stop();
  }
});

test('old ReplicaSets beyond revisionHistoryLimit are deleted', async () => {
  const b = await startWorkloadBench();
  const stopKubelet = playKubelet(b.client, 'app=hist');
  try {
    b.start(createReplicaSetController, createDeploymentController);
    await b.client.create(DEPLOYMENTS, deployment('hist', 2, 'app:v1', { revisionHistoryLimit: 1 }));
    await eventually(() => rolledOut(b.client, 'hist'), 'v1', 15_000);
    for (const v of ['v2', 'v3', 'v4']) {
      await setImage(b.client, 'hist', `app:${v}`);
      await eventually(async () => (await rolledOut(b.client, 'hist')) && (await listRS(b.client, 'hist')).some((rs) => rs.spec?.template?.spec?.containers?.[0]?.image === `app:${v}` && rs.spec?.replicas === 2), `${v} rolled out`, 20_000);
    }
    await eventually(async () => (await listRS(b.client, 'hist')).length === 2, 'one old ReplicaSet kept', 15_000);
    const revs = (await listRS(b.client, 'hist')).map((rs) => rs.metadata.annotations!['deployment.kubernetes.io/revision']).sort();
    assert.deepEqual(revs, ['3', '4']);
  } finally {
    await stopKubelet();
    await b.stop();
  }
});

test('a paused Deployment does not roll out a new template until resumed', async () => {
  const b = await startWorkloadBench();
  const stopKubelet = playKubelet(b.client, 'app=pause');
  try {
    b.start(createReplicaSetController, createDeploymentController);
    await b.client.create(DEPLOYMENTS, deployment('pause', 2, 'app:v1'));
    await eventually(() => rolledOut(b.client, 'pause'), 'v1', 15_000);
    await b.client.patch(DEPLOYMENTS, 'pause', 'merge', { spec: { paused: true } }, { namespace: ns });
    await eventually(async () => (await getD(b.client, 'pause')).status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused' && c.status === 'Unknown' && c.message === 'Deployment is paused') === true, 'paused condition', 10_000);
    await setImage(b.client, 'pause', 'app:v2');
    // Scaling still works while paused.
    await b.client.patch(DEPLOYMENTS, 'pause', 'merge', { spec: { replicas: 3 } }, { namespace: ns });
    await eventually(async () => (await activePods(b.client, 'app=pause')).length === 3, 'scaled to 3 while paused', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await listRS(b.client, 'pause')).length, 1, 'no new ReplicaSet while paused');
    await b.client.patch(DEPLOYMENTS, 'pause', 'merge', { spec: { paused: false } }, { namespace: ns });
    await eventually(async () => (await rolledOut(b.client, 'pause')) && (await activePods(b.client, 'app=pause')).every((p) => p.spec?.containers?.[0]?.image === 'app:v2'), 'v2 after resume', 20_000);
    assert.equal((await listRS(b.client, 'pause')).length, 2);
  } finally {
    await stopKubelet();
    await b.stop();
  }
});

test('a rollout that makes no progress for progressDeadlineSeconds reports ProgressDeadlineExceeded', async () => {
  const clock = new FakeClock(Date.now());
  const b = await startWorkloadBench({ clock });
  try {
    // No kubelet: the pods never become ready.
    b.start(createReplicaSetController, createDeploymentController);
    await b.client.create(DEPLOYMENTS, deployment('stuck', 2, 'app:v1', { progressDeadlineSeconds: 60 }));
    await eventually(async () => (await activePods(b.client, 'app=stuck')).length === 2, 'pods created', 10_000);
    // Settled: the pods were created (that is progress, at the simulated start time), then nothing.
    await eventually(async () => {
      const s = (await getD(b.client, 'stuck')).status;
      return s?.updatedReplicas === 2 && s.conditions?.find((c) => c.type === 'Progressing')?.reason === 'ReplicaSetUpdated';
    }, 'pods counted as progress', 10_000);
    await new Promise((r) => setTimeout(r, 200));
    let d = await getD(b.client, 'stuck');
    assert.deepEqual(d.status!.conditions!.find((c) => c.type === 'Available')!.reason, 'MinimumReplicasUnavailable');
    clock.advance(30_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.notEqual((await getD(b.client, 'stuck')).status!.conditions!.find((c) => c.type === 'Progressing')!.reason, 'ProgressDeadlineExceeded');
    clock.advance(32_000);
    await eventually(async () => (await getD(b.client, 'stuck')).status?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'ProgressDeadlineExceeded', 'deadline exceeded', 10_000);
    d = await getD(b.client, 'stuck');
    const c = d.status!.conditions!.find((x) => x.type === 'Progressing')!;
    assert.equal(c.status, 'False');
    assert.match(c.message!, /^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/);
  } finally {
    await b.stop();
  }
});

test('scaling in the middle of a rollout spreads the new replicas over old and new ReplicaSets proportionally', async () => {
  const b = await startWorkloadBench();
  let stopKubelet = playKubelet(b.client, 'app=prop');
  try {
    b.start(createReplicaSetController, createDeploymentController);
    await b.client.create(DEPLOYMENTS, deployment('prop', 10, 'app:v1'));
    await eventually(() => rolledOut(b.client, 'prop'), 'v1', 20_000);
    await stopKubelet();
    const [old] = await listRS(b.client, 'prop');
    // From here only old pods ever become ready: the rollout stalls at maxUnavailable.
    stopKubelet = playKubelet(b.client, `app=prop,pod-template-hash=${old!.metadata.labels!['pod-template-hash']}`);
    await setImage(b.client, 'prop', 'app:v2');
    const sizes = async () => {
      const rss = await listRS(b.client, 'prop');
      const o = rss.find((r) => r.metadata.name === old!.metadata.name)!;
      const n = rss.find((r) => r.metadata.name !== old!.metadata.name);
      return { old: o.spec?.replicas ?? 0, new: n?.spec?.replicas ?? 0 };
    };
    // 25% of 10: surge 3, unavailable 2. Old keeps 8 available, new holds the other 5 of 13.
    await eventually(async () => { const s = await sizes(); return s.old === 8 && s.new === 5; }, 'rollout stalled at 8 old + 5 new', 15_000);
    await b.client.patch(DEPLOYMENTS, 'prop', 'merge', { spec: { replicas: 20 } }, { namespace: ns });
    // 20 + 25% surge = 25 allowed, 12 to add: by size over the last max (13): old 8 -> 15, new 5 -> 10.
    await eventually(async () => { const s = await sizes(); return s.old === 15 && s.new === 10; }, 'old 15 and new 10', 15_000);
    const events = await eventsFor(b.client, await getD(b.client, 'prop'));
    assert.ok(events.some((e) => e.message === `Scaled up replica set ${old!.metadata.name} from 8 to 15`), JSON.stringify(events.map((e) => e.message)));
  } finally {
    await stopKubelet();
    await b.stop();
  }
});
