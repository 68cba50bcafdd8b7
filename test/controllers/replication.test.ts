// The ReplicationController and ReplicaSet controllers against a real API server and store:
// creation with owner references, replacement, scale down by Kubernetes' preference, adoption
// and release, active-pod counting, status (with minReadySeconds on a simulated clock),
// slow-start under a rejecting API, and Events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../../src/api/core/v1/pod.js';
import type { ReplicationController } from '../../src/api/core/v1/replicationcontroller.js';
import type { ReplicaSet } from '../../src/api/apps/v1/types.js';
import { FakeClock } from '../../src/machinery/clock.js';
import { resourceRef } from '../../src/client/rest.js';
import { createReplicationControllerController, createReplicaSetController } from '../../src/controllers/replication/index.js';
import { PODS, REPLICATION_CONTROLLERS, REPLICA_SETS } from '../../src/controllers/workload/resources.js';
import { startWorkloadBench, eventually, activePods, listPods, markPodReady, eventsFor, ns } from './workload-harness.js';

const NAMESPACES = resourceRef('', 'v1', 'namespaces', false);

function rc(name: string, replicas: number, extra: Partial<NonNullable<ReplicationController['spec']>> = {}, namespace = ns): ReplicationController {
  return {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name, namespace },
    spec: { replicas, selector: { app: name }, template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } }, ...extra },
  } as ReplicationController;
}

function rs(name: string, replicas: number): ReplicaSet {
  return {
    apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name, namespace: ns },
    spec: { replicas, selector: { matchExpressions: [{ key: 'app', operator: 'In', values: [name] }] }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
  } as ReplicaSet;
}

test('an RC creates its replicas from the template, owned by it, and reports them in status with Events', async () => {
  const b = await startWorkloadBench();
  try {
    b.start(createReplicationControllerController);
    const created = await b.client.create(REPLICATION_CONTROLLERS, rc('web', 3));
    await eventually(async () => (await activePods(b.client, 'app=web')).length === 3, '3 pods', 10_000);
    const pods = await activePods(b.client, 'app=web');
    for (const p of pods) {
      assert.match(p.metadata.name!, /^web-[a-z0-9]{5}$/);
      assert.deepEqual(p.metadata.labels, { app: 'web', tier: 'web' });
      assert.equal(p.spec?.containers?.[0]?.image, 'nginx:1');
      assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    await eventually(async () => {
      const cur = await b.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'web', { namespace: ns });
      return cur.status?.replicas === 3 && cur.status?.fullyLabeledReplicas === 3 && cur.status?.observedGeneration === cur.metadata.generation;
    }, 'status.replicas 3', 10_000);
    await eventually(async () => (await eventsFor(b.client, created)).filter((e) => e.reason === 'SuccessfulCreate').length === 3, 'three SuccessfulCreate events', 10_000);
    const messages = (await eventsFor(b.client, created)).map((e) => e.message).sort();
    assert.deepEqual(messages, pods.map((p) => `Created pod: ${p.metadata.name}`).sort());
    const ev = (await eventsFor(b.client, created))[0]!;
    assert.equal(ev.source?.component, 'replication-controller');
    assert.equal(ev.type, 'Normal');
  } finally {
    await b.stop();
  }
});

test('deleted pods are replaced and a scale-down deletes unscheduled and not-ready pods first', async () => {
  const b = await startWorkloadBench();
  try {
    b.start(createReplicationControllerController);
    const owner = await b.client.create(REPLICATION_CONTROLLERS, rc('heal', 4));
    await eventually(async () => (await activePods(b.client, 'app=heal')).length === 4, '4 pods', 10_000);
    const first = await activePods(b.client, 'app=heal');
    await b.client.delete(PODS, first[0]!.metadata.name!, { namespace: ns });
    await b.client.delete(PODS, first[1]!.metadata.name!, { namespace: ns });
    await eventually(async () => (await activePods(b.client, 'app=heal')).length === 4, 'back to 4', 10_000);
    const healed = await activePods(b.client, 'app=heal');
    assert.equal(healed.filter((p) => p.metadata.name === first[0]!.metadata.name || p.metadata.name === first[1]!.metadata.name).length, 0);

    // Two pods ready, two not: scaling to 2 must keep the ready ones.
    const keep = healed.slice(0, 2);
    for (const p of keep) await markPodReady(b.client, p);
    await b.client.patch(REPLICATION_CONTROLLERS, 'heal', 'merge', { spec: { replicas: 2 } }, { namespace: ns });
    await eventually(async () => (await activePods(b.client, 'app=heal')).length === 2, 'down to 2', 10_000);
    assert.deepEqual((await activePods(b.client, 'app=heal')).map((p) => p.metadata.name).sort(), keep.map((p) => p.metadata.name).sort());
    await eventually(async () => (await eventsFor(b.client, owner)).filter((e) => e.reason === 'SuccessfulDelete').length === 2, 'two SuccessfulDelete events', 10_000);
    await eventually(async () => {
      const cur = await b.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'heal', { namespace: ns });
      return cur.status?.replicas === 2 && cur.status?.readyReplicas === 2 && cur.status?.availableReplicas === 2;
    }, 'status shows 2 ready and available', 10_000);
  } finally {
    await b.stop();
  }
});

test('a ReplicaSet adopts a matching orphan and releases a pod whose labels stop matching', async () => {
  const b = await startWorkloadBench();
  try {
    b.start(createReplicaSetController);
    const orphan = await b.client.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', namespace: ns, labels: { app: 'adopt' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } as Pod);
    const owner = await b.client.create(REPLICA_SETS, rs('adopt', 2));
    await eventually(async () => (await activePods(b.client, 'app=adopt')).length === 2, '2 pods', 10_000);
    const stray = await b.client.get<Pod>(PODS, 'stray', { namespace: ns });
    assert.equal(stray.metadata.uid, orphan.metadata.uid);
    assert.deepEqual(stray.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'adopt', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }]);

    // Relabel the adopted pod: it leaves the set, is released, and a replacement appears.
    await b.client.patch(PODS, 'stray', 'merge', { metadata: { labels: { app: 'elsewhere' } } }, { namespace: ns });
    await eventually(async () => (await activePods(b.client, 'app=adopt')).length === 2, 'replacement for the relabelled pod', 10_000);
    await eventually(async () => !(await b.client.get<Pod>(PODS, 'stray', { namespace: ns })).metadata.ownerReferences?.length, 'stray released', 10_000);
    await eventually(async () => (await b.client.get<ReplicaSet>(REPLICA_SETS, 'adopt', { namespace: ns })).status?.replicas === 2, 'status 2', 10_000);
  } finally {
    await b.stop();
  }
});

test('finished pods do not count: a Failed pod is replaced and left alone', async () => {
  const b = await startWorkloadBench();
  try {
    b.start(createReplicationControllerController);
    await b.client.create(REPLICATION_CONTROLLERS, rc('done', 2));
    await eventually(async () => (await activePods(b.client, 'app=done')).length === 2, '2 pods', 10_000);
    const [victim] = await activePods(b.client, 'app=done');
    await b.client.updateStatus(PODS, { ...victim!, status: { ...victim!.status, phase: 'Failed' } } as Pod);
    await eventually(async () => (await activePods(b.client, 'app=done')).length === 2, 'replacement for the failed pod', 10_000);
    const all = await listPods(b.client, 'app=done');
    assert.equal(all.length, 3, 'the failed pod stays (pod GC removes it, not the RC)');
    await eventually(async () => (await b.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'done', { namespace: ns })).status?.replicas === 2, 'status counts 2', 10_000);
  } finally {
    await b.stop();
  }
});

test('availableReplicas waits minReadySeconds on the injected clock', async () => {
  const clock = new FakeClock(Date.now());
  const b = await startWorkloadBench({ clock });
  try {
    b.start(createReplicationControllerController);
    await b.client.create(REPLICATION_CONTROLLERS, rc('slow', 2, { minReadySeconds: 30 }));
    await eventually(async () => (await activePods(b.client, 'app=slow')).length === 2, '2 pods', 10_000);
    for (const p of await activePods(b.client, 'app=slow')) await markPodReady(b.client, p, new Date(clock.now()));
    const get = () => b.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'slow', { namespace: ns });
    await eventually(async () => (await get()).status?.readyReplicas === 2, 'ready 2', 10_000);
    assert.equal((await get()).status?.availableReplicas ?? 0, 0, 'ready for 0 s of the 30 required');
    clock.advance(10_000);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await get()).status?.availableReplicas ?? 0, 0, 'ready for 10 s of the 30 required');
    clock.advance(25_000);
    await eventually(async () => (await get()).status?.availableReplicas === 2, 'available 2 after 35 s', 10_000);
  } finally {
    await b.stop();
  }
});

test('creations that the API refuses stop after the first slow-start batch, with FailedCreate and ReplicaFailure', async () => {
  // A fake clock that never moves: the work queue's retry backoff never fires, so every attempt
  // seen here comes from one sync, and slow start must have stopped each after one creation.
  const b = await startWorkloadBench({ clock: new FakeClock(Date.now()) });
  try {
    b.start(createReplicationControllerController);
    await b.client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' }, spec: { finalizers: ['kubernetes'] } });
    const owner = await b.client.create(REPLICATION_CONTROLLERS, rc('flood', 0, {}, 'doomed'));
    // No namespace controller runs here: the namespace stays Terminating and refuses new pods.
    await b.client.delete(NAMESPACES, 'doomed');
    await b.client.patch(REPLICATION_CONTROLLERS, 'flood', 'merge', { spec: { replicas: 100 } }, { namespace: 'doomed' });
    const get = () => b.client.get<ReplicationController>(REPLICATION_CONTROLLERS, 'flood', { namespace: 'doomed' });
    await eventually(async () => (await get()).status?.conditions?.some((c) => c.type === 'ReplicaFailure') === true, 'ReplicaFailure condition', 10_000);
    const cond = (await get()).status!.conditions!.find((c) => c.type === 'ReplicaFailure')!;
    assert.equal(cond.status, 'True');
    assert.equal(cond.reason, 'FailedCreate');
    assert.match(cond.message!, /being terminated/);
    await eventually(async () => (await eventsFor(b.client, owner)).some((e) => e.reason === 'FailedCreate'), 'FailedCreate event', 10_000);
    const failed = (await eventsFor(b.client, owner)).filter((e) => e.reason === 'FailedCreate');
    assert.equal(failed[0]!.type, 'Warning');
    assert.match(failed[0]!.message!, /^Error creating: .*unable to create new content in namespace doomed because it is being terminated/);
    await new Promise((r) => setTimeout(r, 300));
    // One attempt per sync; only watch events (the patch, the RC's own status writes) cause syncs
    // here, a handful, so a handful of attempts: nowhere near the 100 pods wanted.
    const attempts = (await eventsFor(b.client, owner)).filter((e) => e.reason === 'FailedCreate').reduce((n, e) => n + (e.count ?? 1), 0);
    assert.ok(attempts >= 1 && attempts <= 5, `slow start limited the attempts to one per sync, got ${attempts}`);
    assert.equal((await listPods(b.client, 'app=flood', 'doomed')).length, 0);
  } finally {
    await b.stop();
  }
});
