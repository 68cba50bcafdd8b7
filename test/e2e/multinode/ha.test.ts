// High availability: three etcd members and two `k8ts server`s sharing them (plus an agent), driven
// with the real kubectl. Killing the leading server leaves the API served by the other, whose
// controller manager and scheduler take over; running pods are untouched and an acknowledged write
// survives. Killing one etcd member does not interrupt the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync, existsSync } from 'node:fs';
import { startCluster, run, K8TS, type Cluster, type Machine } from './machines.js';

let c: Cluster;
const LEASE = '6s';
before(async () => {
  c = await startCluster({ name: 'ha', servers: 2, agents: 1, etcd: true, serverArgs: ['--leader-elect-lease-duration', LEASE] });
}, { timeout: 300_000 });
after(async () => { await c?.close(); }, { timeout: 300_000 });

/** kubectl inside machine m's namespace, against that machine's own server. */
async function kubectlOn(m: Machine, ...args: string[]): Promise<string> {
  const [cmd, argv] = m.inNetns('/usr/bin/kubectl', ['--kubeconfig', join(m.dataDir, 'admin.kubeconfig'), '--cache-dir', join(c.dir, `kcache-${m.name}`), '--request-timeout', '20s', ...args]);
  const { stdout } = await run(cmd, argv, { timeout: 60_000, env: { ...process.env, HOME: c.dir } });
  return stdout;
}

async function leaseHolder(m: Machine, name: string): Promise<string> {
  return (await kubectlOn(m, 'get', 'lease', '-n', 'kube-system', name, '-o', 'jsonpath={.spec.holderIdentity}')).trim();
}

interface PodView { metadata: { name: string; uid: string }; spec: { nodeName?: string }; status: { phase?: string } }
async function pods(m: Machine): Promise<PodView[]> {
  return (JSON.parse(await kubectlOn(m, 'get', 'pods', '-l', 'app=ha', '-o', 'json')) as { items: PodView[] }).items;
}

test('both servers serve the one cluster; one controller manager and one scheduler lead', async () => {
  for (const m of c.servers) {
    await c.until(`3 Ready nodes through ${m.name}`, 90_000, async () => {
      const out = await kubectlOn(m, 'get', 'nodes', '--no-headers');
      return out.trim().split('\n').filter((l) => / Ready /.test(l)).length === 3;
    });
  }
  const cm = await c.until('a controller-manager leader', 30_000, () => leaseHolder(c.server, 'kube-controller-manager'));
  const sched = await c.until('a scheduler leader', 30_000, () => leaseHolder(c.server, 'kube-scheduler'));
  assert.ok(c.servers.some((m) => cm.startsWith(`${m.name}_`)), cm);
  assert.ok(c.servers.some((m) => sched.startsWith(`${m.name}_`)), sched);
});

test('the second server took the cluster CA and keys from the datastore: one kubeconfig works against both', async () => {
  const ca = (m: Machine) => readFileSync(join(m.dataDir, 'server', 'tls', 'ca.crt'), 'utf8');
  assert.equal(ca(c.servers[1]!), ca(c.server));
  assert.equal(readFileSync(join(c.servers[1]!.dataDir, 'server', 'tls', 'sa.pub'), 'utf8'), readFileSync(join(c.server.dataDir, 'server', 'tls', 'sa.pub'), 'utf8'));
  // The first server's admin kubeconfig (its CA, its client certificate) against the second server.
  const [cmd, argv] = c.server.inNetns('/usr/bin/kubectl', ['--kubeconfig', join(c.server.dataDir, 'admin.kubeconfig'), '--server', `https://${c.servers[1]!.ip}:6443`,
    '--cache-dir', join(c.dir, 'kcache-cross'), 'get', 'nodes', '-o', 'name']);
  const { stdout } = await run(cmd, argv, { timeout: 60_000, env: { ...process.env, HOME: c.dir } });
  assert.equal(stdout.trim().split('\n').length, 3);
});

test('a server with the wrong --server-token is refused with a clear message and leaves nothing running', async () => {
  const m = c.agents[0]!;
  const dataDir = join(c.dir, 'wrong-token-server');
  const [cmd, argv] = m.inNetns(process.execPath, [K8TS, 'server', '--data-dir', dataDir, '--bind-address', m.ip, '--port', '6444', '--node-name', 'intruder',
    '--cgroup-root', '/k8ts-ha-intruder', '--no-user-kubeconfig', '--kubelet-port', '10260', '--datastore-endpoint', c.datastoreEndpoint!, '--server-token', 'K8TSwrong']);
  const err = await run(cmd, argv, { timeout: 90_000 }).then(() => null, (e: { code?: number; stderr?: string }) => e);
  assert.ok(err, 'the server must not start');
  assert.match(err.stderr ?? '', /this --server-token cannot decrypt them/);
  assert.equal(existsSync(join(dataDir, 'server', 'tls', 'ca.key')), false, 'no CA of its own was made');
  const left = await run('pgrep', ['-f', dataDir]).then((r) => r.stdout.trim(), () => '');
  assert.equal(left, '', 'its containerd was stopped');
});

test('the leading server dies: the other serves, takes over its controllers, pods keep running, acknowledged writes survive', async () => {
  await kubectlOn(c.server, 'create', 'deployment', 'ha', '--image', 'k8ts.local/busybox:1', '--replicas', '3', '--', 'sleep', '3600');
  await kubectlOn(c.server, 'label', 'deployment', 'ha', 'app=ha', '--overwrite');
  await c.until('3 running pods', 120_000, async () => {
    const ps = (JSON.parse(await kubectlOn(c.server, 'get', 'pods', '-l', 'app=ha', '-o', 'json')) as { items: PodView[] }).items;
    return ps.length === 3 && ps.every((p) => p.status.phase === 'Running');
  });
  const beforeUids = (await pods(c.server)).map((p) => p.metadata.uid).sort();

  const holder = await leaseHolder(c.server, 'kube-controller-manager');
  const leader = c.servers.find((m) => holder.startsWith(`${m.name}_`))!;
  const survivor = c.servers.find((m) => m !== leader)!;
  // Acknowledged by the leader just before it dies.
  await kubectlOn(leader, 'create', 'configmap', 'acked', '--from-literal', 'k=v');
  const killedAt = Date.now();
  await leader.kill();

  assert.equal((await kubectlOn(survivor, 'get', 'configmap', 'acked', '-o', 'jsonpath={.data.k}')).trim(), 'v');
  await c.until('the survivor to lead the controller manager', 60_000, async () => (await leaseHolder(survivor, 'kube-controller-manager')).startsWith(`${survivor.name}_`));
  await c.until('the survivor to lead the scheduler', 60_000, async () => (await leaseHolder(survivor, 'kube-scheduler')).startsWith(`${survivor.name}_`));
  const failoverMs = Date.now() - killedAt;
  // The survivor's controllers and scheduler act: a scale-up is created and placed.
  await kubectlOn(survivor, 'scale', 'deployment', 'ha', '--replicas', '4');
  await c.until('a 4th pod, scheduled', 60_000, async () => {
    const ps = await pods(survivor);
    return ps.length === 4 && ps.every((p) => p.spec.nodeName);
  });
  const still = (await pods(survivor)).filter((p) => beforeUids.includes(p.metadata.uid));
  assert.equal(still.length, 3, 'the running pods were not replaced');
  assert.ok(still.every((p) => p.status.phase === 'Running'));
  process.stderr.write(`ha: failover after ${failoverMs} ms (lease ${LEASE})\n`);
});

test('one etcd member dies: the API keeps answering writes and reads', async () => {
  const survivor = c.servers.find((m) => m.process && m.process.exitCode === null && m.process.signalCode === null)!;
  await c.etcd[2]!.kill();
  for (let i = 0; i < 5; i++) {
    await kubectlOn(survivor, 'create', 'configmap', `after-etcd-loss-${i}`, '--from-literal', `i=${i}`);
  }
  const names = (await kubectlOn(survivor, 'get', 'configmaps', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ');
  for (let i = 0; i < 5; i++) assert.ok(names.includes(`after-etcd-loss-${i}`));
});
