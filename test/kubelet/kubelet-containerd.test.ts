// The kubelet against real containerd (runc, CNI bridge) and a real API server: pods run as real
// containers with real IPs; crashes restart with back-off; deletion honours the grace period;
// a restarted kubelet adopts what runs; and nothing is left behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../client/cluster.js';
import { startKubelet, type Kubelet } from '../../src/kubelet/index.js';
import { startTestNode, type TestNode } from './runtime/node-fixture.js';
import { listCgroups, removeCgroup } from '../../src/kubelet/runtime/cgroups.js';
import type { Pod } from '../../src/api/core/v1/pod.js';
import { PODS } from '../../src/kubelet/types.js';
import { POD_UID } from '../../src/kubelet/pods/labels.js';
import { fixedMachine, podOf, waitGone, waitPod } from './fixtures.js';

let node: TestNode;
let cluster: TestCluster;
let kubelet: Kubelet | null = null;
let root = '';
const uids = new Set<string>();
const logs: string[] = [];

async function start(): Promise<Kubelet> {
  kubelet = await startKubelet({
    client: cluster.client(), nodeName: 'real-1', runtime: node.runtime, rootDir: root, nodeIP: '127.0.0.1', podCIDR: node.podCIDR, serverPort: 0,
    machine: fixedMachine(), cgroupRoot: node.cgroupRoot, plegPeriodMs: 200, resyncPeriodMs: 3000, log: (m, f) => logs.push(JSON.stringify({ m, ...f })),
  });
  return kubelet;
}

async function create(pod: Pod): Promise<Pod> {
  const p = await cluster.client().create(PODS, pod);
  uids.add(p.metadata.uid!);
  return p;
}

function httpGet(url: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 2000, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

before(async () => {
  node = await startTestNode();
  cluster = await startCluster();
  root = mkdtempSync(join(node.dir, 'kubelet-'));
  await start();
});

after(async () => {
  try {
    const client = cluster.client();
    const pods = await client.list<Pod>(PODS, { namespace: 'default' }).catch(() => ({ items: [] as Pod[] }));
    await Promise.all(pods.items.map((p) => client.delete(PODS, p.metadata.name!, { namespace: 'default', gracePeriodSeconds: 0 }).catch(() => undefined)));
    if (kubelet) for (const p of pods.items) await waitGone(client, p.metadata.name!, 15_000).catch(() => undefined);
    await kubelet?.stop();
  } finally {
    await node?.destroy();
    for (const uid of uids) await removeCgroup(`${node.cgroupRoot}/pod${uid}`).catch(() => undefined);
    await cluster?.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('a pod with two containers goes Running with an IP; probes and env work on real containers', { timeout: 60_000 }, async () => {
  const client = cluster.client();
  await create(podOf('web', 'real-1', {
    containers: [
      { name: 'web', image: node.busybox, command: ['httpd', '-f', '-p', '8080', '-h', '/etc'], ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/passwd', port: 'http' }, periodSeconds: 1 } },
      { name: 'side', image: node.busybox, command: ['sh', '-c', 'echo "$GREETING $(POD)" > /tmp/env; exec sleep 3600'],
        env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'GREETING', value: 'hi $(POD)' }],
        livenessProbe: { exec: { command: ['cat', '/tmp/env'] }, periodSeconds: 1 } },
    ],
  }));
  const p = await waitPod(client, 'web', (x) => x.status?.phase === 'Running' && !!x.status.containerStatuses?.every((c) => c.ready), 'web Running and ready', 30_000);
  const ip = p.status!.podIP!;
  const [net] = node.podCIDR.split('/');
  assert.equal(ip.split('.').slice(0, 3).join('.'), net!.split('.').slice(0, 3).join('.'), `pod IP ${ip} is in ${node.podCIDR}`);
  assert.match(p.status!.containerStatuses![0].containerID!, /^containerd:\/\/[0-9a-f]{64}$/);
  assert.ok(p.status!.containerStatuses![0].imageID);
  const res = await httpGet(`http://${ip}:8080/passwd`);
  assert.equal(res.code, 200);
  assert.match(res.body, /root:/);
  const side = p.status!.containerStatuses!.find((c) => c.name === 'side')!;
  const out = await node.runtime.execSync(side.containerID!.split('://')[1]!, ['cat', '/tmp/env'], 5);
  assert.equal(out.stdout.toString().trim(), 'hi web web', 'env values and the command expand $(VAR)');
});

test('a crashing container gets restartCount and CrashLoopBackOff', { timeout: 60_000 }, async () => {
  const client = cluster.client();
  await create(podOf('crash', 'real-1', { containers: [{ name: 'c', image: node.busybox, command: ['sh', '-c', 'exit 3'] }] }));
  const p = await waitPod(client, 'crash', (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff', 'CrashLoopBackOff', 30_000);
  const c = p.status!.containerStatuses![0];
  assert.ok(c.restartCount! >= 1);
  assert.equal(c.lastState!.terminated!.exitCode, 3);
  assert.equal(c.lastState!.terminated!.reason, 'Error');
  assert.match(c.state!.waiting!.message!, /^back-off (10|20)s restarting failed container=c pod=crash_default\(/);
});

test('deletion stops the containers within the grace period, confirms, and cleans up', { timeout: 60_000 }, async () => {
  const client = cluster.client();
  const created = await create(podOf('grace', 'real-1', { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: node.busybox, command: ['sleep', '3600'] }] }));
  await waitPod(client, 'grace', (x) => x.status?.phase === 'Running', 'grace Running', 30_000);
  const t0 = Date.now();
  await client.delete(PODS, 'grace', { namespace: 'default' });
  await waitGone(client, 'grace', 20_000);
  const took = Date.now() - t0;
  // busybox sleep ignores SIGTERM: the kubelet waits the grace period, then the runtime kills.
  assert.ok(took >= 1900, `deleted after ${took} ms, before the 2 s grace period`);
  const sel = { labelSelector: { [POD_UID]: created.metadata.uid! } };
  const end = Date.now() + 10_000;
  while ((await node.runtime.listPodSandbox(sel)).length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await node.runtime.listPodSandbox(sel), []);
  assert.deepEqual(await node.runtime.listContainers(sel), []);
  while ((await listCgroups(`${node.cgroupRoot}/pod${created.metadata.uid}`)).length && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(await listCgroups(`${node.cgroupRoot}/pod${created.metadata.uid}`), [], 'pod cgroup parent removed');
});

test('a restarted kubelet adopts the running containers', { timeout: 60_000 }, async () => {
  const client = cluster.client();
  await create(podOf('adopt', 'real-1', { containers: [{ name: 'c', image: node.busybox, command: ['sleep', '3600'] }] }));
  const before = await waitPod(client, 'adopt', (x) => x.status?.phase === 'Running', 'adopt Running', 30_000);
  await kubelet!.stop();
  kubelet = null;
  await start();
  await new Promise((r) => setTimeout(r, 1500));
  const afterRestart = await waitPod(client, 'adopt', (x) => x.status?.phase === 'Running', 'adopt Running after restart');
  assert.equal(afterRestart.status!.containerStatuses![0].containerID, before.status!.containerStatuses![0].containerID);
  assert.equal(afterRestart.status!.containerStatuses![0].restartCount, 0);
});

test('a container over its memory limit is OOMKilled; Never fails the pod', { timeout: 60_000 }, async () => {
  const client = cluster.client();
  await create(podOf('oom', 'real-1', { restartPolicy: 'Never', containers: [{ name: 'c', image: node.busybox, command: ['sh', '-c', 'head -c 200m /dev/zero | tail'],
    resources: { limits: { memory: '20Mi', cpu: '500m' }, requests: { memory: '20Mi', cpu: '500m' } } }] }));
  const p = await waitPod(client, 'oom', (x) => x.status?.phase === 'Failed', 'oom Failed', 40_000);
  const t = p.status!.containerStatuses![0].state!.terminated!;
  assert.equal(t.reason, 'OOMKilled');
  assert.equal(t.exitCode, 137);
  assert.equal(p.status!.qosClass, 'Guaranteed');
});

test('configMap and memory-backed emptyDir volumes are mounted in the container', { timeout: 60_000 }, async () => {
  const client = cluster.client();
  await client.create({ group: '', version: 'v1', plural: 'configmaps', namespaced: true }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-cfg', namespace: 'default' }, data: { greeting: 'hello' } });
  await create(podOf('vols', 'real-1', {
    volumes: [{ name: 'cfg', configMap: { name: 'web-cfg' } }, { name: 'scratch', emptyDir: { medium: 'Memory' } }],
    containers: [{ name: 'c', image: node.busybox, command: ['sleep', '3600'], volumeMounts: [{ name: 'cfg', mountPath: '/cfg', readOnly: true }, { name: 'scratch', mountPath: '/scratch' }] }],
  }));
  const p = await waitPod(client, 'vols', (x) => x.status?.phase === 'Running', 'vols Running', 30_000);
  const id = p.status!.containerStatuses![0].containerID!.split('://')[1]!;
  assert.equal((await node.runtime.execSync(id, ['cat', '/cfg/greeting'], 5)).stdout.toString(), 'hello');
  const mounts = (await node.runtime.execSync(id, ['cat', '/proc/mounts'], 5)).stdout.toString();
  assert.match(mounts, /^tmpfs \/scratch tmpfs/m);
  const w = await node.runtime.execSync(id, ['sh', '-c', 'echo x > /cfg/new'], 5);
  assert.notEqual(w.exitCode, 0, 'a readOnly mount refuses writes');
});
