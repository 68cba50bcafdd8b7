// The kubelet against a real API server and the in-memory (hollow) runtime: the kubelet's logic
// end to end at memory speed — registration and lease, pods to Running with status, restarts with
// back-off, graceful deletion confirmed, adoption after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../client/cluster.js';
import { startKubelet, type Kubelet } from '../../src/kubelet/index.js';
import { createHollowRuntime, type HollowRuntime } from '../../src/kubelet/runtime/hollow.js';
import { LEASES, type Lease } from '../../src/client/index.js';
import type { Node } from '../../src/api/core/v1/nodes.js';
import type { Pod } from '../../src/api/core/v1/pod.js';
import { NODES, PODS } from '../../src/kubelet/types.js';
import { POD_UID } from '../../src/kubelet/pods/labels.js';
import { fixedMachine, podOf, waitGone, waitPod } from './fixtures.js';

const IMAGE = 'k8ts.local/busybox:1';

interface Env { cluster: TestCluster; runtime: HollowRuntime; root: string; kubelets: Kubelet[]; start(): Promise<Kubelet> }

async function withEnv(fn: (e: Env) => Promise<void>): Promise<void> {
  const cluster = await startCluster();
  const root = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-'));
  const runtime = createHollowRuntime({ images: [IMAGE], podCIDR: '10.244.1.0/24' });
  const kubelets: Kubelet[] = [];
  const logs: string[] = [];
  const e: Env = {
    cluster, runtime, root, kubelets,
    async start() {
      const k = await startKubelet({
        client: cluster.client(), nodeName: 'node-1', runtime, rootDir: root, nodeIP: '192.168.50.2', podCIDR: '10.244.1.0/24',
        machine: fixedMachine(), plegPeriodMs: 100, resyncPeriodMs: 2000, log: (m, f) => logs.push(JSON.stringify({ m, ...f })),
      });
      kubelets.push(k);
      return k;
    },
  };
  try {
    await fn(e);
  } catch (err) {
    process.stderr.write(logs.slice(-30).join('\n') + '\n');
    throw err;
  } finally {
    for (const k of kubelets) await k.stop();
    runtime.close();
    await cluster.close();
    rmSync(root, { recursive: true, force: true });
  }
}

test('registers the node with capacity, nodeInfo and Ready, and renews its lease', () => withEnv(async (e) => {
  await e.start();
  const client = e.cluster.client();
  const node = await client.get<Node>(NODES, 'node-1');
  const st = node.status!;
  assert.equal(st.capacity!.pods, '110');
  assert.equal(st.capacity!.cpu, '4');
  assert.equal(st.capacity!.memory, `${8 * 1024 * 1024}Ki`);
  assert.equal(st.nodeInfo!.kubeletVersion, 'v1.32.0-k8ts');
  assert.match(st.nodeInfo!.containerRuntimeVersion!, /^hollow:\/\//);
  assert.equal(st.nodeInfo!.osImage, 'Debian GNU/Linux 12 (bookworm)');
  assert.deepEqual(st.addresses, [{ type: 'InternalIP', address: '192.168.50.2' }, { type: 'Hostname', address: 'test-host' }]);
  const ready = st.conditions!.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason, ready.message], ['True', 'KubeletReady', 'kubelet is posting ready status']);
  assert.equal(st.conditions!.find((c) => c.type === 'MemoryPressure')!.reason, 'KubeletHasSufficientMemory');
  assert.equal((node.spec as { podCIDR?: string }).podCIDR, '10.244.1.0/24');
  assert.ok(st.images!.some((i) => i.names!.some((n) => n.includes('busybox'))));
  const lease = await client.get<Lease>(LEASES, 'node-1', { namespace: 'kube-node-lease' });
  assert.equal(lease.spec!.holderIdentity, 'node-1');
  assert.equal(lease.spec!.leaseDurationSeconds, 40);
}));

test('a pod with two containers goes Running with an IP; a crashing container restarts, then backs off', () => withEnv(async (e) => {
  await e.start();
  const client = e.cluster.client();
  await client.create(PODS, podOf('web', 'node-1', { containers: [{ name: 'a', image: IMAGE }, { name: 'b', image: IMAGE, env: [{ name: 'X', value: '1' }] }] }));
  const running = await waitPod(client, 'web', (p) => p.status?.phase === 'Running' && !!p.status.containerStatuses?.every((c) => c.ready), 'Running and ready');
  assert.match(running.status!.podIP!, /^10\.244\.1\./);
  assert.equal(running.status!.hostIP, '192.168.50.2');
  assert.equal(running.status!.conditions!.find((c) => c.type === 'Ready')!.status, 'True');
  const a = running.status!.containerStatuses!.find((c) => c.name === 'a')!;
  assert.match(a.containerID!, /^hollow:\/\//);

  const id0 = a.containerID!.split('://')[1];
  e.runtime.kill(id0, 1);
  const restarted = await waitPod(client, 'web', (p) => p.status!.containerStatuses!.find((c) => c.name === 'a')!.restartCount === 1 && !!p.status!.containerStatuses!.find((c) => c.name === 'a')!.state!.running, 'a restarted once');
  const a1 = restarted.status!.containerStatuses!.find((c) => c.name === 'a')!;
  assert.equal(a1.lastState!.terminated!.exitCode, 1);
  assert.equal(a1.lastState!.terminated!.reason, 'Error');

  e.runtime.kill(a1.containerID!.split('://')[1], 1);
  const backoff = await waitPod(client, 'web', (p) => p.status!.containerStatuses!.find((c) => c.name === 'a')!.state!.waiting?.reason === 'CrashLoopBackOff', 'CrashLoopBackOff');
  const w = backoff.status!.containerStatuses!.find((c) => c.name === 'a')!;
  assert.equal(w.state!.waiting!.message, `back-off 10s restarting failed container=a pod=web_default(${backoff.metadata.uid})`);
  assert.equal(w.restartCount, 1);
  assert.equal(backoff.status!.phase, 'Running');
  // After the 10 s back-off it runs again.
  await waitPod(client, 'web', (p) => p.status!.containerStatuses!.find((c) => c.name === 'a')!.restartCount === 2, 'restart after back-off', 15_000);
}));

test('deletion stops the pod within its grace period and the kubelet confirms it', () => withEnv(async (e) => {
  await e.start();
  const client = e.cluster.client();
  await client.create(PODS, podOf('gone', 'node-1', { containers: [{ name: 'a', image: IMAGE }] }));
  await waitPod(client, 'gone', (p) => p.status?.phase === 'Running', 'Running');
  await client.delete(PODS, 'gone', { namespace: 'default', gracePeriodSeconds: 5 });
  await waitGone(client, 'gone');
  assert.equal(e.runtime.stats().sandboxes, 0, 'sandbox removed');
  assert.equal(e.runtime.stats().containers, 0, 'containers removed');
}));

test('a restarted kubelet adopts running pods and removes those deleted meanwhile', () => withEnv(async (e) => {
  const k1 = await e.start();
  const client = e.cluster.client();
  await client.create(PODS, podOf('keep', 'node-1', { containers: [{ name: 'a', image: IMAGE }] }));
  await client.create(PODS, podOf('drop', 'node-1', { containers: [{ name: 'a', image: IMAGE }] }));
  const keep = await waitPod(client, 'keep', (p) => p.status?.phase === 'Running', 'keep Running');
  const drop = await waitPod(client, 'drop', (p) => p.status?.phase === 'Running', 'drop Running');
  await k1.stop();
  await client.delete(PODS, 'drop', { namespace: 'default', gracePeriodSeconds: 0 });
  await e.start();
  const sel = (uid: string) => ({ labelSelector: { [POD_UID]: uid } });
  const deadline = Date.now() + 10_000;
  while ((await e.runtime.listPodSandbox(sel(drop.metadata.uid!))).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal((await e.runtime.listPodSandbox(sel(drop.metadata.uid!))).length, 0, 'the deleted pod\'s sandbox is removed');
  const after = await waitPod(client, 'keep', (p) => p.status?.phase === 'Running', 'keep still Running');
  assert.equal(after.status!.containerStatuses![0].containerID, keep.status!.containerStatuses![0].containerID, 'same container, adopted');
  assert.equal(after.status!.containerStatuses![0].restartCount, 0);
  const pods = await client.list<Pod>(PODS, { namespace: 'default' });
  assert.deepEqual(pods.items.map((p) => p.metadata.name), ['keep']);
}));
