// npm run bench network [-- --skip-ha] [-- --default-timings]
// The pod network across machines (issue "many machines"), on network namespaces joined by a
// switch (test/e2e/multinode/machines.ts), with the real kubectl:
// - time for a 3-node cluster from nothing to every node Ready;
// - TCP throughput (bench/lib/tcp-probe.ts run in the pods' network namespaces, 512 MiB) and
//   connection latency (connect+close) pod to pod
//   on one node, across nodes with host-gw routes, and across nodes with the VXLAN overlay;
// - recovery after a node is lost: killed → its pods Running again elsewhere (short timings, and
//   the defaults with --default-timings: 40 s grace + 300 s toleration);
// - failover after the leading server of two on a 3-member etcd is killed (lease 15 s default).
// Goals: cross-node throughput ≥ 80 % of same-node (routes); 3-node Ready ≤ 10 s; failover ≤ lease + 2 s.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { startCluster, run, type Cluster, type Machine } from '../test/e2e/multinode/machines.js';

const PROBE = fileURLToPath(new URL('./lib/tcp-probe.js', import.meta.url));

const args = process.argv.slice(2);
const skipHA = args.includes('--skip-ha');
const defaultTimings = args.includes('--default-timings');
// --only throughput|recovery|failover: one part alone (the others take minutes each).
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
const part = (name: string) => !only || only === name;
const MiB = 512;

interface PodView { metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string; podIP?: string } }

async function kubectlOn(c: Cluster, m: Machine, ...a: string[]): Promise<string> {
  const [cmd, argv] = m.inNetns('/usr/bin/kubectl', ['--kubeconfig', join(m.dataDir, 'admin.kubeconfig'), '--cache-dir', join(c.dir, `kc-${m.name}`), ...a]);
  return (await run(cmd, argv, { timeout: 300_000, env: { ...process.env, HOME: c.dir }, maxBuffer: 1 << 24 })).stdout;
}

async function waitReady(c: Cluster, n: number, ms: number): Promise<void> {
  await c.until(`${n} Ready nodes`, ms, async () => (await kubectlOn(c, c.server, 'get', 'nodes', '--no-headers')).split('\n').filter((l) => / Ready /.test(l)).length === n);
}

/** Sleeper pods pinned one per node (two on node 0 for the same-node case); the probes run in their network namespaces. */
async function placePods(c: Cluster): Promise<Map<string, PodView>> {
  const nodes = [c.server.name, c.server.name, ...c.agents.map((a) => a.name)];
  const docs = nodes.map((node, i) => `apiVersion: v1
kind: Pod
metadata: { name: net-${i}, labels: { app: net } }
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 0
  containers:
  - name: c
    image: k8ts.local/busybox:1
    imagePullPolicy: Never
    # A distinct argument, to find this container's process (and so its network namespace) from the host.
    command: ["sleep", "${sleeperArg(c, i)}"]
`).join('---\n');
  await run(...c.server.inNetns('sh', ['-c', `cat <<'EOF' | /usr/bin/kubectl --kubeconfig ${c.kubeconfig} apply -f -\n${docs}\nEOF`]) as [string, string[]], { timeout: 60_000 });
  const ps = await c.until('net pods running', 120_000, async () => {
    const items = (JSON.parse(await kubectlOn(c, c.server, 'get', 'pods', '-l', 'app=net', '-o', 'json')) as { items: PodView[] }).items;
    return items.length === nodes.length && items.every((p) => p.status.phase === 'Running' && p.status.podIP) && items;
  });
  return new Map(ps.map((p) => [p.metadata.name, p]));
}

/** Unique per cluster and pod: the sleep argument of pod net-i. */
const sleeperArg = (c: Cluster, i: number): string => `${9_000_000 + (Number(c.dir.replace(/\D/g, '').slice(-4)) || 0) * 10 + i}`;

/** `nsenter` into pod net-i's network namespace to run the probe there. */
async function inPod(c: Cluster, i: number, probeArgs: string[]): Promise<[string, string[]]> {
  const { stdout } = await run('pgrep', ['-x', '-f', `sleep ${sleeperArg(c, i)}`]);
  const pid = stdout.trim().split('\n')[0];
  if (!pid) throw new Error(`no process for pod net-${i}`);
  return ['nsenter', [`--net=/proc/${pid}/ns/net`, process.execPath, PROBE, ...probeArgs]];
}

/** A probe sink in pod net-i, listening on 5001 until killed. */
async function startSink(c: Cluster, i: number): Promise<ReturnType<typeof spawn>> {
  const [scmd, sargv] = await inPod(c, i, ['serve', '5001']);
  const sink = spawn(scmd, sargv, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('probe sink did not start')), 10_000);
    sink.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('listening')) { clearTimeout(t); resolve(); } });
    sink.once('exit', (code) => { clearTimeout(t); reject(new Error(`probe sink exited ${code}`)); });
  });
  return sink;
}

/**
 * From pod net-0 to each target pod: MiB/s (best of 5 x 512 MiB) and ms per TCP connect+close
 * (mean of 200, best of 3). The targets take turns, round by round, so that whatever else the
 * machine does falls on both alike and the ratio between them stays fair.
 */
async function measurePairs(c: Cluster, targets: { index: number; pod: PodView }[]): Promise<{ mibPerSec: number; connectMs: number }[]> {
  const sinks: ReturnType<typeof spawn>[] = [];
  try {
    for (const t of targets) sinks.push(await startSink(c, t.index));
    const probe = async (args: string[]) => {
      const [cmd, argv] = await inPod(c, 0, args);
      return JSON.parse((await run(cmd, argv, { timeout: 150_000 })).stdout) as Record<string, number>;
    };
    const out = targets.map(() => ({ mibPerSec: 0, connectMs: Infinity }));
    for (let round = 0; round < 5; round++) {
      for (const [i, t] of targets.entries()) {
        out[i]!.mibPerSec = Math.max(out[i]!.mibPerSec, (await probe(['send', t.pod.status.podIP!, '5001', String(MiB)])).mibPerSec!);
        if (round < 3) out[i]!.connectMs = Math.min(out[i]!.connectMs, (await probe(['connect', t.pod.status.podIP!, '5001', '200'])).connectMs!);
      }
    }
    return out.map((o) => ({ mibPerSec: Math.round(o.mibPerSec), connectMs: Math.round(o.connectMs * 1000) / 1000 }));
  } finally {
    for (const s of sinks) s.kill('SIGKILL');
  }
}

async function networkFigures(backend: 'host-gw' | 'vxlan') {
  const t0 = performance.now();
  const c = await startCluster({ name: backend === 'vxlan' ? 'bnv' : 'bnh', agents: 2, backend });
  try {
    await waitReady(c, 3, 120_000);
    const readyMs = performance.now() - t0;
    const ps = await placePods(c);
    const [sameNode, crossNode] = await measurePairs(c, [{ index: 1, pod: ps.get('net-1')! }, { index: 2, pod: ps.get('net-2')! }]);
    return { c, readyMs, sameNode, crossNode };
  } catch (err) {
    await c.close();
    throw err;
  }
}

async function recovery(c: Cluster, grace: string): Promise<number> {
  const victim = c.agents[1]!;
  const manifest = `apiVersion: apps/v1
kind: Deployment
metadata: { name: rec }
spec:
  replicas: 6
  selector: { matchLabels: { app: rec } }
  template:
    metadata: { labels: { app: rec } }
    spec:
      terminationGracePeriodSeconds: 0
      ${defaultTimings ? '' : 'tolerations: [{ key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2 }, { key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2 }]'}
      containers: [{ name: c, image: k8ts.local/busybox:1, imagePullPolicy: Never, command: ["sleep", "3600"] }]
`;
  void grace;
  await run(...c.server.inNetns('sh', ['-c', `cat <<'EOF' | /usr/bin/kubectl --kubeconfig ${c.kubeconfig} apply -f -\n${manifest}\nEOF`]) as [string, string[]], { timeout: 60_000 });
  const running = async () => (JSON.parse(await kubectlOn(c, c.server, 'get', 'pods', '-l', 'app=rec', '-o', 'json')) as { items: PodView[] }).items.filter((p) => p.status.phase === 'Running');
  await c.until('6 rec pods', 120_000, async () => (await running()).length === 6);
  const t = performance.now();
  await victim.kill();
  await c.setLink(victim, false);
  await c.until('6 rec pods running off the lost node', 900_000, async () => (await running()).filter((p) => p.spec.nodeName !== victim.name).length === 6);
  return performance.now() - t;
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {};
  if (part('throughput')) {
    const hostgw = await networkFigures('host-gw');
    try {
      results.threeNodeReadyMs = Math.round(hostgw.readyMs);
      results.hostGw = { sameNode: hostgw.sameNode, crossNode: hostgw.crossNode, crossVsSame: hostgw.crossNode.mibPerSec / hostgw.sameNode.mibPerSec };
    } finally {
      await hostgw.c.close();
    }
    const vx = await networkFigures('vxlan');
    try {
      results.vxlan = { sameNode: vx.sameNode, crossNode: vx.crossNode, crossVsSame: vx.crossNode.mibPerSec / vx.sameNode.mibPerSec };
    } finally {
      await vx.c.close();
    }
  }
  const grace = defaultTimings ? '40s' : '8s';
  if (part('recovery')) {
  const rc = await startCluster({ name: 'bnr', agents: 2, serverArgs: defaultTimings ? [] : ['--node-monitor-grace-period', grace, '--node-lease-duration-seconds', '4'], agentArgs: defaultTimings ? [] : ['--node-lease-duration-seconds', '4'] });
  try {
    await waitReady(rc, 3, 120_000);
    results.recovery = { timings: defaultTimings ? 'default (grace 40 s, toleration 300 s)' : 'short (grace 8 s, lease 4 s, toleration 2 s)', ms: Math.round(await recovery(rc, grace)) };
  } finally {
    await rc.close();
  }
  }
  if (!skipHA && part('failover')) {
    const ha = await startCluster({ name: 'bnha', servers: 2, agents: 1, etcd: true });
    try {
      await waitReady(ha, 3, 120_000);
      const lease = async (m: Machine, name: string) => JSON.parse(await kubectlOn(ha, m, 'get', 'lease', '-n', 'kube-system', name, '-o', 'json')) as { spec: { holderIdentity?: string; acquireTime?: string } };
      const holder = await ha.until('a leader', 60_000, async () => (await lease(ha.server, 'kube-controller-manager')).spec.holderIdentity);
      const leader = ha.servers.find((m) => holder.startsWith(`${m.name}_`))!;
      const survivor = ha.servers.find((m) => m !== leader)!;
      const killedAt = Date.now();
      await leader.kill();
      // The survivor's own record of when it took each Lease (acquireTime, microseconds), not
      // when a kubectl poll happened to notice: polling adds up to a second of its own.
      const takeover: Record<string, number> = {};
      for (const name of ['kube-controller-manager', 'kube-scheduler']) {
        const l = await ha.until(`the survivor leading ${name}`, 120_000, async () => { const x = await lease(survivor, name); return x.spec.holderIdentity?.startsWith(`${survivor.name}_`) && x.spec.acquireTime ? x : null; });
        const t = l.spec.acquireTime!.replace(/(\.\d{3})\d*/, '$1');
        takeover[name] = Date.parse(t) - killedAt;
      }
      results.failover = { leaseMs: 15_000, controllerManagerMs: takeover['kube-controller-manager'], schedulerMs: takeover['kube-scheduler'], ms: Math.max(...Object.values(takeover)) };
    } finally {
      await ha.close();
    }
  }
  const h = results.hostGw as { crossVsSame: number } | undefined;
  console.log(JSON.stringify(results, null, 2));
  if (h) console.log(`\ncross-node/same-node throughput (routes): ${(h.crossVsSame * 100).toFixed(0)} % (goal >= 80 %)`);
  if (h) console.log(`3-node cluster Ready: ${((results.threeNodeReadyMs as number) / 1000).toFixed(1)} s (goal <= 10 s)`);
  if (results.failover) console.log(`failover: ${((results.failover as { ms: number }).ms / 1000).toFixed(1)} s (goal <= 17 s)`);
  const date = new Date().toISOString();
  const outDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `network-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ bench: 'network', date, machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg: loadavg() }, results }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
