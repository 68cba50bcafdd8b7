import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/resource.js';
import { resourceRef } from '../../src/client/rest.js';
import { SharedInformerFactory } from '../../src/client/informer/factory.js';
import { LEASES } from '../../src/client/leaderelection.js';
import { startControllerManager, type ControllerManager } from '../../src/controllers/manager.js';
import { PODS, SERVICEACCOUNTS } from '../../src/controllers/base/resources.js';
import { startCluster, eventually, type TestCluster } from '../client/cluster.js';
import { createNamespace } from './harness.js';

const RCS = resourceRef('', 'v1', 'replicationcontrollers');
const LEASE_MS = 2000;

let c: TestCluster | undefined;
const managers: ControllerManager[] = [];
let factory: SharedInformerFactory | undefined;
after(async () => {
  for (const m of managers) await m.stop().catch(() => undefined);
  await factory?.stop();
  await c?.close();
});

test('two managers: only the leader acts; when it dies the standby takes over within the lease duration, creating nothing twice', async () => {
  c = await startCluster();
  const client = c.client();
  const start = (identity: string) => startControllerManager({
    client: c!.client(), identity, controllers: ['replicationcontroller', 'serviceaccount'], leaderElect: true,
    leaseDurationMs: LEASE_MS, renewDeadlineMs: 1500, retryPeriodMs: 500,
    releaseOnCancel: false, // stop() is a crash: the Lease is not handed over
    options: { workers: 2 }, log: () => undefined,
  });
  managers.push(await start('cm-one'), await start('cm-two'));
  await eventually(() => managers.some((m) => m.isLeading()), 'a leader', 10_000);
  const leader = managers.find((m) => m.isLeading())!;
  const standby = managers.find((m) => m !== leader)!;
  await eventually(() => leader.running().length === 2, 'leader runs its controllers');
  assert.equal(standby.isLeading(), false);
  assert.deepEqual(standby.running(), [], 'the standby runs nothing');
  const lease = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>(LEASES, 'kube-controller-manager', { namespace: 'kube-system' });
  assert.equal(lease.spec?.holderIdentity, leader.identity);

  // Count every pod ever created.
  factory = new SharedInformerFactory(client);
  const added = new Set<string>();
  factory.informerFor(PODS).addEventHandler({ onAdd: (p) => added.add(p.metadata.uid!) });
  factory.start();
  await factory.waitForCacheSync(5000);

  await createNamespace(client, 'le');
  await client.create(RCS, {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: 'le' },
    spec: { replicas: 3, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
  await eventually(async () => (await client.list(PODS, { namespace: 'le' })).items.length === 3, 'leader made 3 pods');

  // Kill the leader, then ask for more while nobody leads.
  await leader.stop();
  const killedAt = Date.now();
  const rc = await client.get<KubeObject & { spec: Record<string, unknown> }>(RCS, 'web', { namespace: 'le' });
  await client.update(RCS, { ...rc, spec: { ...rc.spec, replicas: 5 } });
  await createNamespace(client, 'le-after');

  await eventually(() => standby.isLeading(), 'the standby takes over', 10_000);
  const tookMs = Date.now() - killedAt;
  // A candidate may take a lease not renewed for its duration; add the retry period and its jitter.
  assert.ok(tookMs <= LEASE_MS + 500 * 2.2 + 1000, `took over after ${tookMs} ms`);
  await eventually(async () => (await client.list(PODS, { namespace: 'le' })).items.length === 5, 'the new leader scales to 5');
  await eventually(async () => (await client.list(SERVICEACCOUNTS, { namespace: 'le-after' })).items.length === 1, 'and serves new namespaces');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await client.list(PODS, { namespace: 'le' })).items.length, 5, 'no overshoot');
  assert.equal(added.size, 5, 'exactly 5 pods were ever created');
});
