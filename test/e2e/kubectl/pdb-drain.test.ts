// PodDisruptionBudgets end to end with the real kubectl (/usr/bin/kubectl, 1.32): `kubectl create
// pdb` and `get pdb` against the API server, the disruption controller keeping the budget's status,
// and `kubectl drain` (which evicts through pods/eviction and retries 429s) on hollow nodes, with
// the scheduler and the Deployment/ReplicaSet controllers running: the drain evicts what the budget
// allows and reports the budget when it refuses.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startKubectlCluster, KUBECTL, type KubectlCluster } from './cluster.js';
import { RestClient } from '../../../src/client/rest.js';
import { startHollowNodes } from '../../../src/hollownode/index.js';
import type { HollowNodes } from '../../../src/hollownode/types.js';
import { startControllerManager, type ControllerManager } from '../../../src/controllers/manager.js';
import { startScheduler, type RunningScheduler } from '../../../src/scheduler/index.js';
import { retryUntil } from '../../helpers/retry-until.js';

let c: KubectlCluster;
let client: RestClient;
let nodes: HollowNodes | undefined;
let manager: ControllerManager | undefined;
let scheduler: RunningScheduler | undefined;

before(async () => {
  c = await startKubectlCluster(KUBECTL['1.32']);
  client = new RestClient({ server: c.base, backoffInitialMs: 20, backoffMaxMs: 200, timeoutMs: 5000 });
  nodes = await startHollowNodes({ client, count: 2, leaseRenewMs: 1000 });
  manager = await startControllerManager({ client, controllers: ['deployment', 'replicaset', 'disruption'], options: { workers: 2 }, log: () => undefined });
  scheduler = await startScheduler({ client });
});

after(async () => {
  await scheduler?.stop().catch(() => undefined);
  await manager?.stop().catch(() => undefined);
  await nodes?.stop().catch(() => undefined);
  client?.close();
  await c?.close();
});

const eventually = <T>(what: string, fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> => retryUntil(what, fn, timeoutMs, 100);

/**
 * A Deployment whose pods run on one node: only there (so a drained node's pods cannot come back
 * elsewhere), or preferably there (so they can).
 */
function deployment(name: string, replicas: number, node: string, pinned = true): string {
  const placement = pinned
    ? { nodeSelector: { 'kubernetes.io/hostname': node } }
    : { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] } }] } } };
  return JSON.stringify({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { ...placement, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
      },
    },
  });
}

async function readyPods(app: string, node?: string): Promise<string[]> {
  const r = await c.api('GET', `/api/v1/namespaces/default/pods?labelSelector=app%3D${app}`);
  return r.json.items.filter((p: any) => (!node || p.spec.nodeName === node) && !p.metadata.deletionTimestamp && p.status?.conditions?.some((x: any) => x.type === 'Ready' && x.status === 'True')).map((p: any) => p.metadata.name);
}

async function allowed(pdb: string): Promise<number | undefined> {
  const r = await c.api('GET', `/apis/policy/v1/namespaces/default/poddisruptionbudgets/${pdb}`);
  return r.json.status?.disruptionsAllowed;
}

test('kubectl create pdb and get pdb show the budget with the disruptions the controller allows', async () => {
  const apply = await c.kubectl(['apply', '-f', c.file('api.json', deployment('api', 2, 'hollow-node-1', false))]);
  assert.equal(apply.code, 0, apply.stderr);
  const created = await c.kubectl(['create', 'pdb', 'api-pdb', '--selector=app=api', '--max-unavailable=1']);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /poddisruptionbudget\.policy\/api-pdb created/);
  await eventually('two api pods ready on hollow-node-1', async () => assert.equal((await readyPods('api', 'hollow-node-1')).length, 2));
  await eventually('budget computed', async () => assert.equal(await allowed('api-pdb'), 1));
  const get = await c.kubectl(['get', 'pdb']);
  assert.equal(get.code, 0, get.stderr);
  const [header, row] = get.stdout.trim().split('\n');
  assert.match(header!, /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE$/);
  assert.match(row!, /^api-pdb\s+N\/A\s+1\s+1\s+\S+$/);
  const bad = await c.kubectl(['create', 'pdb', 'bad', '--selector=app=api', '--min-available=120%']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /spec\.minAvailable: Invalid value: "120%": must not be greater than 100%/);
});

test('kubectl drain evicts the pods a budget allows, one at a time as replacements get ready elsewhere, and drains the node', async () => {
  const drain = await c.kubectl(['drain', 'hollow-node-1', '--timeout=60s'], { timeoutMs: 90_000 });
  assert.equal(drain.code, 0, `${drain.stdout}\n${drain.stderr}`);
  assert.match(drain.stdout, /node\/hollow-node-1 cordoned/);
  assert.equal((drain.stdout.match(/pod\/api-\S+ evicted/g) ?? []).length, 2, drain.stdout);
  assert.match(drain.stdout, /node\/hollow-node-1 drained/);
  // With maxUnavailable 1 and two ready pods, the second eviction had to wait for a replacement.
  assert.match(drain.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./);
  await eventually('api back to two ready pods on hollow-node-0', async () => assert.equal((await readyPods('api', 'hollow-node-0')).length, 2));
  const un = await c.kubectl(['uncordon', 'hollow-node-1']);
  assert.equal(un.code, 0, un.stderr);
});

test('kubectl drain reports the disruption budget when it refuses an eviction, and leaves the protected pod', async () => {
  const apply = await c.kubectl(['apply', '-f', c.file('web.json', deployment('web', 2, 'hollow-node-0'))]);
  assert.equal(apply.code, 0, apply.stderr);
  const created = await c.kubectl(['create', 'pdb', 'web-pdb', '--selector=app=web', '--min-available=1']);
  assert.equal(created.code, 0, created.stderr);
  await eventually('two web pods ready', async () => assert.equal((await readyPods('web')).length, 2));
  await eventually('budget computed', async () => assert.equal(await allowed('web-pdb'), 1));
  // The node is cordoned by the drain, so evicted web pods cannot come back: one may go, never two.
  const drain = await c.kubectl(['drain', 'hollow-node-0', '--pod-selector=app=web', '--timeout=12s'], { timeoutMs: 60_000 });
  assert.notEqual(drain.code, 0, drain.stdout);
  assert.equal((drain.stdout.match(/pod\/web-\S+ evicted/g) ?? []).length, 1, drain.stdout);
  assert.match(drain.stderr, /Cannot evict pod as it would violate the pod's disruption budget\./);
  assert.match(drain.stderr, /hollow-node-0/);
  assert.equal((await readyPods('web')).length, 1, 'the budget kept one web pod running');
  assert.equal(await allowed('web-pdb'), 0);
  const get = await c.kubectl(['get', 'pdb', 'web-pdb', '-o', 'jsonpath={.status.currentHealthy}/{.status.desiredHealthy}/{.status.expectedPods}']);
  assert.equal(get.stdout, '1/1/2');
});
