// The kubelet against a real API server and the in-memory (hollow) runtime: the kubelet's logic
// end to end at memory speed — registration and lease, pods to Running with status, restarts with
// back-off, graceful deletion confirmed, adoption after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../client/cluster.js';
import { startKubelet, type Kubelet } from '../../src/kubelet/index.js';
import { createHollowRuntime, type HollowRuntime } from '../../src/kubelet/runtime/hollow.js';
import { LEASES, resourceRef, type Lease } from '../../src/client/index.js';
import type { Node } from '../../src/api/core/v1/nodes.js';
import type { Pod } from '../../src/api/core/v1/pod.js';
import { NODES, PODS } from '../../src/kubelet/types.js';
import { POD_UID } from '../../src/kubelet/pods/labels.js';
import { fixedMachine, podOf, waitGone, waitPod } from './fixtures.js';

const IMAGE = 'k8ts.local/busybox:1';

interface Env { cluster: TestCluster; runtime: HollowRuntime; root: string; kubelets: Kubelet[]; start(extra?: Partial<Parameters<typeof startKubelet>[0]>): Promise<Kubelet>; healthy: Set<string>; execs: string[] }

async function withEnv(fn: (e: Env) => Promise<void>): Promise<void> {
  const cluster = await startCluster();
  const root = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-'));
  // Exec answers (probes, hooks): "check" succeeds while the container's id is in `healthy`.
  const healthy = new Set<string>();
  const execs: string[] = [];
  const runtime = createHollowRuntime({
    images: [IMAGE], podCIDR: '10.244.1.0/24',
    exec: (id, cmd) => (execs.push(cmd.join(' ')), { stdout: Buffer.from(cmd.join(' ')), stderr: Buffer.alloc(0), exitCode: cmd[0] === 'check' && !healthy.has(id) ? 1 : 0 }),
  });
  const kubelets: Kubelet[] = [];
  const logs: string[] = [];
  const e: Env = {
    cluster, runtime, root, kubelets, healthy, execs,
    async start(extra = {}) {
      const k = await startKubelet({ ...extra,
        client: cluster.client(), nodeName: 'node-1', runtime, rootDir: root, nodeIP: '192.168.50.2', podCIDR: '10.244.1.0/24', serverPort: 0, serverAddress: '127.0.0.1',
        machine: fixedMachine(), plegPeriodMs: 100, cgroupRoot: `/k8ts-hollow-test-${process.pid}`, resyncPeriodMs: 2000, log: (m, f) => logs.push(JSON.stringify({ m, ...f })),
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

test('init containers run in order before the containers', () => withEnv(async (e) => {
  await e.start();
  const client = e.cluster.client();
  await client.create(PODS, podOf('init', 'node-1', { initContainers: [{ name: 'i1', image: IMAGE }, { name: 'i2', image: IMAGE }], containers: [{ name: 'a', image: IMAGE }] }));
  const p1 = await waitPod(client, 'init', (p) => p.status?.initContainerStatuses?.[0]?.state?.running !== undefined, 'i1 running');
  assert.equal(p1.status!.phase, 'Pending');
  assert.equal(p1.status!.conditions!.find((c) => c.type === 'Initialized')!.status, 'False');
  assert.deepEqual(p1.status!.initContainerStatuses![1].state, { waiting: { reason: 'PodInitializing' } });
  e.runtime.kill(p1.status!.initContainerStatuses![0].containerID!.split('://')[1], 0);
  const p2 = await waitPod(client, 'init', (p) => p.status?.initContainerStatuses?.[1]?.state?.running !== undefined, 'i2 running');
  e.runtime.kill(p2.status!.initContainerStatuses![1].containerID!.split('://')[1], 0);
  const p3 = await waitPod(client, 'init', (p) => p.status?.phase === 'Running', 'Running after init');
  assert.equal(p3.status!.conditions!.find((c) => c.type === 'Initialized')!.status, 'True');
  assert.equal(p3.status!.initContainerStatuses![1].state!.terminated!.reason, 'Completed');
}));

test('readiness follows the probe; a failing liveness probe restarts the container with Killing and Unhealthy events', () => withEnv(async (e) => {
  await e.start();
  const client = e.cluster.client();
  await client.create(PODS, podOf('probed', 'node-1', { containers: [{ name: 'a', image: IMAGE,
    readinessProbe: { exec: { command: ['check'] }, periodSeconds: 1 },
    livenessProbe: { exec: { command: ['live'] }, periodSeconds: 1, failureThreshold: 1 } }] }));
  const unready = await waitPod(client, 'probed', (p) => p.status?.phase === 'Running', 'Running');
  assert.equal(unready.status!.containerStatuses![0].ready, false);
  const id = unready.status!.containerStatuses![0].containerID!.split('://')[1];
  e.healthy.add(id);
  await waitPod(client, 'probed', (p) => p.status!.containerStatuses![0].ready === true && p.status!.conditions!.find((c) => c.type === 'Ready')!.status === 'True', 'ready');
  // A pod whose liveness check never passes is killed and restarted.
  await client.delete(PODS, 'probed', { namespace: 'default', gracePeriodSeconds: 0 });
  await waitGone(client, 'probed');
  await client.create(PODS, podOf('dying', 'node-1', { containers: [{ name: 'a', image: IMAGE, livenessProbe: { exec: { command: ['check'] }, periodSeconds: 1, failureThreshold: 2 } }] }));
  const restarted = await waitPod(client, 'dying', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 'restart after liveness failures', 15_000);
  assert.ok(restarted.status!.containerStatuses![0].lastState!.terminated);
  const events = (await client.list<{ reason?: string; message?: string; involvedObject: { name?: string } } & Pod>(resourceRef('', 'v1', 'events'), { namespace: 'default' })).items.filter((x) => x.involvedObject.name === 'dying');
  assert.ok(events.some((x) => x.reason === 'Unhealthy' && x.message === 'Liveness probe failed: check'), JSON.stringify(events.map((x) => [x.reason, x.message])));
  assert.ok(events.some((x) => x.reason === 'Killing' && x.message === 'Container a failed liveness probe, will be restarted'));
  assert.ok(events.some((x) => x.reason === 'Started' && x.message === 'Started container a'));
}));

test('a missing ConfigMap key is CreateContainerConfigError; configMap volumes follow updates', () => withEnv(async (e) => {
  await e.start();
  const client = e.cluster.client();
  await client.create(resourceRef('', 'v1', 'configmaps'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { a: 'one' } });
  await client.create(PODS, podOf('cfgerr', 'node-1', { containers: [{ name: 'a', image: IMAGE, env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope' } } }] }] }));
  const bad = await waitPod(client, 'cfgerr', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError', 'CreateContainerConfigError');
  assert.equal(bad.status!.containerStatuses![0].state!.waiting!.message, "couldn't find key nope in ConfigMap default/cfg");
  const vol = await client.create(PODS, podOf('cfgvol', 'node-1', { volumes: [{ name: 'v', configMap: { name: 'cfg' } }], containers: [{ name: 'a', image: IMAGE, volumeMounts: [{ name: 'v', mountPath: '/cfg' }] }] }));
  await waitPod(client, 'cfgvol', (p) => p.status?.phase === 'Running', 'Running');
  const file = join(e.root, 'pods', vol.metadata.uid!, 'volumes', 'kubernetes.io~configmap', 'v', 'a');
  assert.equal(readFileSync(file, 'utf8'), 'one');
  await client.patch(resourceRef('', 'v1', 'configmaps'), 'cfg', 'merge', { data: { a: 'two' } }, { namespace: 'default' });
  const end = Date.now() + 10_000;
  while (readFileSync(file, 'utf8') !== 'two' && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.equal(readFileSync(file, 'utf8'), 'two', 'the update reached the file');
}));

test('static pods run from the manifest directory and are mirrored with their status', () => withEnv(async (e) => {
  const dir = join(e.root, 'manifests');
  mkdirSync(dir);
  writeFileSync(join(dir, 'st.yaml'), `apiVersion: v1\nkind: Pod\nmetadata:\n  name: st\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: ${IMAGE}\n`);
  await e.start({ staticPodDir: dir });
  const client = e.cluster.client();
  const m = await waitPod(client, 'st-node-1', (p) => p.status?.phase === 'Running', 'mirror pod Running');
  assert.ok(m.metadata.annotations!['kubernetes.io/config.mirror']);
  assert.equal(m.spec!.nodeName, 'node-1');
  assert.equal(e.runtime.stats().sandboxes, 1, 'the static pod runs once, not also as its mirror');
}));

test('postStart and preStop hooks run; a hostNetwork pod has the node address', () => withEnv(async (e) => {
  await e.start();
  const client = e.cluster.client();
  await client.create(PODS, podOf('hooks', 'node-1', { hostNetwork: true, containers: [{ name: 'a', image: IMAGE,
    lifecycle: { postStart: { exec: { command: ['post', 'start'] } }, preStop: { exec: { command: ['pre', 'stop'] } } } }] }));
  const p = await waitPod(client, 'hooks', (x) => x.status?.phase === 'Running', 'Running');
  assert.equal(p.status!.podIP, '192.168.50.2');
  assert.ok(e.execs.includes('post start'));
  assert.ok(!e.execs.includes('pre stop'));
  await client.delete(PODS, 'hooks', { namespace: 'default', gracePeriodSeconds: 3 });
  await waitGone(client, 'hooks');
  assert.ok(e.execs.includes('pre stop'), 'preStop ran before the container was stopped');
}));
