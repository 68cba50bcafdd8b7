import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/api/resource.js';
import { FakeClock } from '../../src/machinery/clock.js';
import { ENDPOINTS, NODE_LEASES, NODES, PODS, SERVICES } from '../../src/controllers/base/resources.js';
import { startHarness, createNamespace, createRunningPod, eventually, type Harness } from './harness.js';

const clock = new FakeClock();
let h: Harness;
before(async () => {
  h = await startHarness(['nodelifecycle', 'endpoint'], { clock, options: { nodeMonitorGracePeriodMs: 50_000, nodeMonitorPeriodMs: 5_000 } });
});
after(async () => { if (process.env.DUMP_LOGS) console.log(h.logs.join('\n')); await h?.close(); });

interface NodeObj extends KubeObject {
  spec?: { taints?: { key: string; effect: string; timeAdded?: string }[] };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string }[] };
}
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const micro = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '000Z');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls while nudging the fake clock a little, so retries with backoff on it can run. */
async function settle(pred: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  await eventually(async () => { if (await pred()) return true; clock.advance(5); return false; }, what, timeoutMs);
}
const node = () => h.client.get<NodeObj>(NODES, 'n1');
const pod = (name: string) => h.client.get<KubeObject & { status?: { conditions?: { type: string; status: string }[] } }>(PODS, name, { namespace: 'work' });
const cond = (n: NodeObj, t: string) => n.status?.conditions?.find((c) => c.type === t);

async function postReady(status: string): Promise<void> {
  const cur = await node();
  const t = iso(clock.now());
  const conditions = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'].map((type) => ({
    type, status: type === 'Ready' ? status : 'False', lastHeartbeatTime: t, lastTransitionTime: t, reason: type === 'Ready' ? 'KubeletReady' : 'KubeletHasSufficient', message: 'posted by the test',
  }));
  await h.client.updateStatus(NODES, { ...cur, status: { ...cur.status, conditions } });
}

async function renewLease(): Promise<void> {
  const cur = await h.client.get<KubeObject & { spec: Record<string, unknown> }>(NODE_LEASES, 'n1', { namespace: 'kube-node-lease' });
  await h.client.update(NODE_LEASES, { ...cur, spec: { ...cur.spec, renewTime: micro(clock.now()) } });
}

test('a node that stops renewing its Lease goes Unknown, is tainted, its pods turn not ready and leave endpoints, and are evicted after their tolerationSeconds', async () => {
  await h.client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  await postReady('True');
  await h.client.create(NODE_LEASES, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' }, spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: micro(clock.now()) } });
  await createNamespace(h.client, 'work');
  await h.client.create(SERVICES, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'work' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }] } });
  // No tolerations of its own: admission (DefaultTolerationSeconds) gives it 300 s for not-ready and unreachable.
  await createRunningPod(h.client, 'work', 'tolerant', '10.1.0.1', true, { labels: { app: 'web' }, nodeName: 'n1' });
  const defaults = (await pod('tolerant') as { spec?: { tolerations?: { key?: string; tolerationSeconds?: number }[] } }).spec?.tolerations ?? [];
  assert.ok(defaults.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.tolerationSeconds === 300), 'default toleration added by admission');
  await createRunningPod(h.client, 'work', 'intolerant', '10.1.0.2', true, { labels: { app: 'web' }, nodeName: 'n1', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }] });
  await createRunningPod(h.client, 'work', 'forever', '10.1.0.3', true, { labels: { app: 'web' }, nodeName: 'n1', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }] });
  await eventually(async () => {
    const ep = await h.client.get<KubeObject & { subsets?: { addresses?: unknown[] }[] }>(ENDPOINTS, 'web', { namespace: 'work' }).catch(() => undefined);
    return ep?.subsets?.[0]?.addresses?.length === 3;
  }, 'three ready endpoints');
  await eventually(() => h.logs.some((l) => l.includes('caches synced') && l.includes('nodelifecycle')), 'node lifecycle controller running');
  await sleep(200);

  // 30 s of silence is within the grace period; then a Lease renewal counts as a heartbeat.
  clock.advance(30_000);
  await sleep(200);
  assert.equal(cond(await node(), 'Ready')?.status, 'True');
  await renewLease();
  await sleep(1000); // the controller sees the renewal on its Lease watch (no fake time passes meanwhile)
  clock.advance(30_000);
  await sleep(300);
  assert.equal(cond(await node(), 'Ready')?.status, 'True', 'the renewed Lease kept the node alive past 50 s since its status');
  assert.deepEqual((await node()).spec?.taints ?? [], []);

  // Now 55 s since the last renewal: Unknown.
  clock.advance(25_000);
  await settle(async () => cond(await node(), 'Ready')?.status === 'Unknown', 'node Ready=Unknown');
  const lost = await node();
  assert.equal(cond(lost, 'Ready')!.reason, 'NodeStatusUnknown');
  assert.equal(cond(lost, 'Ready')!.message, 'Kubelet stopped posting node status.');
  for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) assert.equal(cond(lost, t)?.status, 'Unknown', t);
  await settle(async () => (await node()).spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ?? false, 'unreachable NoExecute taint');
  const taints = (await node()).spec!.taints!;
  assert.ok(taints.find((t) => t.effect === 'NoExecute')!.timeAdded, 'NoExecute taint carries timeAdded');
  assert.ok(taints.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoSchedule'));

  // Its pods are marked not ready, and the endpoints controller drops them from the ready addresses.
  await settle(async () => (await pod('tolerant')).status?.conditions?.find((c) => c.type === 'Ready')?.status === 'False', 'pod marked not ready');
  await settle(async () => {
    const ep = await h.client.get<KubeObject & { subsets?: { addresses?: unknown[]; notReadyAddresses?: unknown[] }[] }>(ENDPOINTS, 'web', { namespace: 'work' });
    return (ep.subsets ?? []).every((s) => !s.addresses?.length) && (ep.subsets ?? []).some((s) => (s.notReadyAddresses?.length ?? 0) >= 2);
  }, 'endpoints list no ready address');

  // A pod tolerating for 0 s is evicted at once; the tolerant one after 300 s; the unlimited one never.
  await settle(async () => !!(await pod('intolerant')).metadata.deletionTimestamp, 'intolerant pod evicted');
  assert.equal((await pod('tolerant')).metadata.deletionTimestamp, undefined);
  clock.advance(290_000);
  await sleep(300);
  assert.equal((await pod('tolerant')).metadata.deletionTimestamp, undefined, 'still within tolerationSeconds');
  clock.advance(15_000);
  await settle(async () => !!(await pod('tolerant')).metadata.deletionTimestamp, 'tolerant pod evicted after 300 s');
  assert.equal((await pod('forever')).metadata.deletionTimestamp, undefined, 'a toleration without seconds tolerates forever');
  const events = await h.client.list<KubeObject & { reason?: string; involvedObject?: { name?: string } }>({ group: '', version: 'v1', plural: 'events', namespaced: true }, { namespace: 'work' });
  assert.ok(events.items.some((e) => e.reason === 'TaintManagerEviction' && e.involvedObject?.name === 'tolerant'));

  // The kubelet comes back: the taints go.
  await postReady('True');
  await settle(async () => ((await node()).spec?.taints ?? []).length === 0, 'taints removed once Ready');
});

test('a node reporting Ready=False is tainted not-ready', async () => {
  await h.client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' } });
  const cur = await h.client.get<NodeObj>(NODES, 'n2');
  const t = iso(clock.now());
  await h.client.updateStatus(NODES, { ...cur, status: { conditions: [{ type: 'Ready', status: 'False', lastHeartbeatTime: t, lastTransitionTime: t, reason: 'KubeletNotReady', message: 'container runtime is down' }] } });
  await settle(async () => {
    const n = await h.client.get<NodeObj>(NODES, 'n2');
    return (n.spec?.taints ?? []).some((x) => x.key === 'node.kubernetes.io/not-ready' && x.effect === 'NoExecute');
  }, 'not-ready NoExecute taint');
  const n = await h.client.get<NodeObj>(NODES, 'n2');
  assert.ok(!(n.spec?.taints ?? []).some((x) => x.key === 'node.kubernetes.io/unreachable'));
});
