// Hollow nodes against a real API server: they register Nodes and Leases, keep the leases fresh,
// run the pods bound to them (Running with an IP), confirm deletions, fail pods and go NotReady
// when told.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster } from '../client/cluster.js';
import { startHollowNodes, LEASES, NODES, NODE_LEASE_NAMESPACE } from '../../src/hollownode/index.js';
import { PODS } from '../../src/hollownode/pod-runner.js';
import { isNotFound } from '../../src/client/rest.js';
import type { KubeObject } from '../../src/api/resource.js';
import { retryUntil } from '../helpers/retry-until.js';

const eventually = <T>(what: string, fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> => retryUntil(what, fn, timeoutMs, 25);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pod(name: string, nodeName?: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'main', image: 'nginx' }, { name: 'side', image: 'registry.k8s.io/pause:3.9' }] },
  } as KubeObject;
}

test('hollow nodes register, renew leases, run, delete and fail pods, and go NotReady', async (t) => {
  const cluster = await startCluster();
  t.after(() => cluster.close());
  const client = cluster.client();
  const hn = await startHollowNodes({ client, count: 3, leaseRenewMs: 150, zones: ['zone-a', 'zone-b'], labels: (i) => ({ rank: String(i) }) });
  t.after(() => hn.stop());
  assert.deepEqual(hn.nodeNames, ['hollow-node-0', 'hollow-node-1', 'hollow-node-2']);

  // Nodes as a kubelet registers them.
  const nodes = (await client.list<any>(NODES)).items;
  assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), hn.nodeNames);
  const n1 = nodes.find((n) => n.metadata.name === 'hollow-node-1');
  assert.equal(n1.metadata.labels['kubernetes.io/hostname'], 'hollow-node-1');
  assert.equal(n1.metadata.labels['kubernetes.io/os'], 'linux');
  assert.equal(n1.metadata.labels['topology.kubernetes.io/zone'], 'zone-b');
  assert.equal(n1.metadata.labels.rank, '1');
  assert.deepEqual(n1.status.capacity, { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' });
  assert.deepEqual(n1.status.allocatable, n1.status.capacity);
  assert.equal(n1.status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
  assert.deepEqual(n1.status.addresses, [{ type: 'InternalIP', address: '172.16.0.2' }, { type: 'Hostname', address: 'hollow-node-1' }]);
  assert.equal(n1.status.nodeInfo.operatingSystem, 'linux');
  assert.equal(n1.spec.podCIDR, '10.64.1.0/24');

  // Leases, owned by their Nodes, renewed every period.
  const lease = await client.get<any>(LEASES, 'hollow-node-1', { namespace: NODE_LEASE_NAMESPACE });
  assert.equal(lease.spec.holderIdentity, 'hollow-node-1');
  assert.equal(lease.spec.leaseDurationSeconds, 40);
  assert.deepEqual(lease.metadata.ownerReferences.map((o: any) => [o.kind, o.name, o.uid]), [['Node', 'hollow-node-1', n1.metadata.uid]]);
  await eventually('lease renewed', async () => {
    const l = await client.get<any>(LEASES, 'hollow-node-1', { namespace: NODE_LEASE_NAMESPACE });
    assert.ok(Date.parse(l.spec.renewTime) > Date.parse(lease.spec.renewTime), `${l.spec.renewTime} after ${lease.spec.renewTime}`);
  });

  // A pod bound to a node goes Running with an IP from the node's range.
  await client.create(PODS, pod('bound', 'hollow-node-1'));
  const running = await eventually('pod running', async () => {
    const p = await client.get<any>(PODS, 'bound', { namespace: 'default' });
    assert.equal(p.status.phase, 'Running');
    return p;
  });
  assert.match(running.status.podIP, /^10\.64\.1\.\d+$/);
  assert.deepEqual(running.status.podIPs, [{ ip: running.status.podIP }]);
  assert.equal(running.status.hostIP, '172.16.0.2');
  assert.ok(running.status.startTime);
  for (const type of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) {
    assert.equal(running.status.conditions.find((c: any) => c.type === type)?.status, 'True', type);
  }
  assert.deepEqual(running.status.containerStatuses.map((c: any) => [c.name, c.ready, Object.keys(c.state)[0]]), [['main', true, 'running'], ['side', true, 'running']]);
  assert.equal(hn.podIP('default', 'bound'), running.status.podIP);

  // A pod bound through the binding API, as the scheduler binds, also runs; IPs do not repeat.
  await client.create(PODS, pod('scheduled'));
  await client.request('POST', '/api/v1/namespaces/default/pods/scheduled/binding', { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'scheduled' }, target: { kind: 'Node', name: 'hollow-node-1' } } });
  const second = await eventually('bound pod running', async () => {
    const p = await client.get<any>(PODS, 'scheduled', { namespace: 'default' });
    assert.equal(p.status.phase, 'Running');
    return p;
  });
  assert.notEqual(second.status.podIP, running.status.podIP);

  // Deleting a pod: the server marks it, the hollow kubelet confirms, it is gone.
  const del = await client.delete<any>(PODS, 'bound', { namespace: 'default' });
  assert.ok(del.metadata?.deletionTimestamp, 'a bound pod is deleted gracefully');
  await eventually('pod gone', async () => {
    await assert.rejects(client.get(PODS, 'bound', { namespace: 'default' }), (e) => isNotFound(e));
  });
  assert.equal(hn.podIP('default', 'bound'), undefined);

  // Failing a pod on request; the runner does not bring it back.
  await hn.failPod('default', 'scheduled');
  const failed = await client.get<any>(PODS, 'scheduled', { namespace: 'default' });
  assert.equal(failed.status.phase, 'Failed');
  assert.equal(failed.status.containerStatuses[0].state.terminated.exitCode, 1);
  await sleep(200);
  assert.equal((await client.get<any>(PODS, 'scheduled', { namespace: 'default' })).status.phase, 'Failed');

  // NotReady: Ready=False, no more lease renewals, pods left alone; Ready again resumes all.
  await hn.setNodeReady('hollow-node-2', false);
  const nr = await client.get<any>(NODES, 'hollow-node-2');
  assert.equal(nr.status.conditions.find((c: any) => c.type === 'Ready').status, 'False');
  assert.equal(nr.status.conditions.find((c: any) => c.type === 'Ready').reason, 'KubeletNotReady');
  await sleep(100); // let a renewal already in flight land
  const frozen = (await client.get<any>(LEASES, 'hollow-node-2', { namespace: NODE_LEASE_NAMESPACE })).spec.renewTime;
  const renewalsBefore = hn.renewals.get('hollow-node-2');
  await client.create(PODS, pod('waiting', 'hollow-node-2'));
  await sleep(600); // four periods
  assert.equal((await client.get<any>(LEASES, 'hollow-node-2', { namespace: NODE_LEASE_NAMESPACE })).spec.renewTime, frozen, 'the lease is not renewed');
  assert.equal(hn.renewals.get('hollow-node-2'), renewalsBefore);
  assert.ok((hn.renewals.get('hollow-node-0') ?? 0) >= 3, 'the other nodes keep renewing');
  assert.notEqual((await client.get<any>(PODS, 'waiting', { namespace: 'default' })).status?.phase, 'Running');

  await hn.setNodeReady('hollow-node-2', true);
  assert.equal((await client.get<any>(NODES, 'hollow-node-2')).status.conditions.find((c: any) => c.type === 'Ready').status, 'True');
  await eventually('pod runs once the node is Ready', async () => {
    assert.equal((await client.get<any>(PODS, 'waiting', { namespace: 'default' })).status.phase, 'Running');
  });
  await eventually('lease renewed again', async () => {
    const l = await client.get<any>(LEASES, 'hollow-node-2', { namespace: NODE_LEASE_NAMESPACE });
    assert.ok(Date.parse(l.spec.renewTime) > Date.parse(frozen));
  });

  await hn.setNodeReady('hollow-node-0', false, 'Unknown');
  assert.equal((await client.get<any>(NODES, 'hollow-node-0')).status.conditions.find((c: any) => c.type === 'Ready').status, 'Unknown');
});

test('a second process of hollow nodes takes over nodes already registered', async (t) => {
  const cluster = await startCluster();
  t.after(() => cluster.close());
  const client = cluster.client();
  const first = await startHollowNodes({ client, count: 2, namePrefix: 'again-', leaseRenewMs: 1000 });
  await first.stop();
  const second = await startHollowNodes({ client, count: 2, namePrefix: 'again-', leaseRenewMs: 1000 });
  t.after(() => second.stop());
  const nodes = (await client.list<any>(NODES)).items.filter((n) => n.metadata.name.startsWith('again-'));
  assert.equal(nodes.length, 2);
  await client.create(PODS, pod('p', 'again-1'));
  await eventually('pod running on a taken-over node', async () => {
    assert.equal((await client.get<any>(PODS, 'p', { namespace: 'default' })).status.phase, 'Running');
  });
});
