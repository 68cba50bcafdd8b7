// npm run bench pods (issue 6): what a real single-node k8ts costs, beside its goals.
//  1. The CRI floor, in this run: sandbox + create + start straight against a containerd of our own.
//  2. `k8ts server` as a child process: spawn → node Ready (goal ≤ 3 s; k3s ~50 s).
//  3. Pod startup latency, create acknowledged → Running seen through a watch: 30 pods at once, then
//     30 one by one; p50/p99 (goals: p50 ≤ floor + 100 ms, where the batch's floor is the floor's own
//     batch of n at once, per pod; p99 ≤ 2 s for the batch; SLO 5 s).
//  4. Idle RSS of the server and of its containerd, pods deleted and 5 s idle (goal ≤ 250 MiB together).
// Beside them: the floor's batch again with the kubelet's start parallelism, and CPU ms per pod per
// process class over each batch (bench/cpu-account.ts), since wall times are noisy on shared cores.
// --cpu-prof DIR writes the server's V8 CPU profile there.
// Prints a table and writes bench/results/pods-<date>.json. Everything it starts, it stops.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { measureCriFloor, rssMiB, type CriFloor } from './cri-floor.js';
import { cpuBetween, perPodLine, snapshotCpu } from './cpu-account.js';
import { defaultStartParallelism } from '../src/kubelet/runtime/start-gate.js';
import { connectCri } from '../src/kubelet/runtime/cri-client.js';
import { destroyNode, startContainerd } from '../src/kubelet/runtime/containerd.js';
import { removeCgroup } from '../src/kubelet/runtime/cgroups.js';
import { buildDemoImages, importImageArchive, DEMO_BUSYBOX_IMAGE } from '../src/kubelet/runtime/images.js';
import { RestClient, resourceRef } from '../src/client/rest.js';
import type { WatchStream } from '../src/client/watch.js';
import type { KubeObject } from '../src/api/resource.js';

const run = promisify(execFile);
const K8TS = fileURLToPath(new URL('../src/cmd/k8ts.js', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../bench/results/', import.meta.url));
const PODS = resourceRef('', 'v1', 'pods', true);
const NS = 'default';

const args = process.argv.slice(2);
const argN = (name: string, dflt: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const BATCH = argN('--pods', 30);
// Same n as the batch: the floor's n-at-once wall time is what the batch of n compares against.
const FLOOR_N = argN('--floor-n', BATCH);
// --cpu-prof DIR: the server writes a V8 CPU profile there when it exits (where its CPU goes).
const CPU_PROF = args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1] : undefined;

interface PodView extends KubeObject { status?: { phase?: string } }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const r1 = (x: number): number => Math.round(x * 10) / 10;
const log = (msg: string): void => { process.stderr.write(`[pods ${new Date().toISOString().slice(11, 19)}] ${msg}\n`); };

// ---------------------------------------------------------------------------------------------
// 1. CRI floor

async function criFloor(): Promise<{ floor: CriFloor; containerdIdleRssMiB: number }> {
  const dir = mkdtempSync('/tmp/k8ts-pf-');
  const cgroupRoot = `/${basename(dir)}`;
  // The same CNI configuration as the server's own containerd (no per-pod masquerade).
  const handle = await startContainerd({ dir, podCIDR: '10.250.20.0/24', ipMasq: false });
  const runtime = connectCri(handle.socket);
  try {
    const archive = await buildDemoImages({ outDir: join(dir, 'images') });
    await importImageArchive(handle.socket, archive);
    const containerdIdleRssMiB = await rssMiB(handle.pid);
    const floor = await measureCriFloor(runtime, DEMO_BUSYBOX_IMAGE, FLOOR_N, {
      cgroupRoot, logRoot: join(dir, 'logs'), cpu: { containerd: handle.pid, socket: handle.socket, cgroupRoot },
      // The kubelet starts pods through a gate of this size: the floor at the same parallelism too.
      gatedParallelism: defaultStartParallelism(),
    });
    return { floor, containerdIdleRssMiB };
  } finally {
    runtime.close();
    try {
      await destroyNode(handle, { removeDir: true });
    } finally {
      await removeCgroup(cgroupRoot).catch(() => 0);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 2. k8ts server

interface Server {
  proc: ChildProcess;
  dataDir: string;
  cgroupRoot: string;
  kubeconfig: string;
  spawnToReadyMs: number;
  reportedReadyMs: number | null;
  logTail(): string;
  stop(): Promise<number | null>;
}

const children = new Set<ChildProcess>();
process.on('exit', () => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });

async function startServer(dir: string): Promise<Server> {
  const dataDir = join(dir, 'data');
  const cgroupRoot = `/k8ts-bench-${process.pid}`;
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : []), K8TS, 'server', '--data-dir', dataDir, '--port', '0', '--node-name', 'bench-node',
    '--pod-cidr', '10.250.21.0/24', '--cgroup-root', cgroupRoot, '--no-user-kubeconfig'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => { children.delete(proc); res(code); }));
  let tail = '';
  proc.stderr!.on('data', (c: Buffer) => { tail = (tail + c.toString()).slice(-6000); });
  let stdout = '';
  let stopping: Promise<number | null> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill('SIGINT');
      const t = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    })();
    return stopping;
  };
  const server: Server = { proc, dataDir, cgroupRoot, kubeconfig: '', spawnToReadyMs: NaN, reportedReadyMs: null, logTail: () => tail, stop };
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`k8ts server not up within 120 s:\n${tail.slice(-3000)}`)), 120_000);
      proc.stdout!.on('data', (c: Buffer) => {
        stdout += c.toString();
        const m = /kubeconfig: (\S+)/.exec(stdout);
        if (m) {
          server.spawnToReadyMs = performance.now() - t0;
          server.kubeconfig = m[1]!;
          const ready = /Ready after (\d+) ms/.exec(stdout);
          server.reportedReadyMs = ready ? Number(ready[1]) : null;
          clearTimeout(t);
          resolve();
        }
      });
      proc.once('exit', (code) => { clearTimeout(t); reject(new Error(`k8ts server exited ${code}:\n${tail.slice(-3000)}`)); });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return server;
}

/** The containerd whose command line holds the server's data dir (not its shims). */
function findContainerd(dataDir: string): number | null {
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    let argv: string[];
    try { argv = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (basename(argv[0] ?? '') === 'containerd' && argv.some((a) => a.includes(dataDir))) return Number(e);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// 3. Pod startup latency

function podObject(name: string): PodView {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: NS, labels: { bench: 'pods' } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'main', image: DEMO_BUSYBOX_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
    },
  } as unknown as PodView;
}

/** One watch for the whole phase: when each pod was first seen Running, and when each was deleted. */
class PodWatcher {
  readonly runningAt = new Map<string, number>();
  readonly deleted = new Set<string>();
  private waiters: (() => void)[] = [];
  private done: Promise<void>;
  error: unknown = null;
  constructor(private readonly stream: WatchStream<PodView>) {
    this.done = (async () => {
      try {
        for await (const ev of stream) {
          const now = performance.now();
          const name = ev.object.metadata?.name;
          if (!name) continue;
          if (ev.type === 'DELETED') this.deleted.add(name);
          else if (ev.object.status?.phase === 'Running' && !this.runningAt.has(name)) this.runningAt.set(name, now);
          this.wake();
        }
      } catch (err) {
        this.error = err;
        this.wake();
      }
    })();
  }
  private wake(): void { const w = this.waiters; this.waiters = []; for (const f of w) f(); }
  async until(what: string, ms: number, cond: () => boolean, tail: () => string): Promise<void> {
    const deadline = Date.now() + ms;
    while (!cond()) {
      if (this.error) throw new Error(`watch failed while waiting for ${what}: ${String(this.error)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${ms} ms waiting for ${what}\nserver log tail:\n${tail().slice(-3000)}`);
      await new Promise<void>((r) => { const t = setTimeout(r, Math.min(left, 1000)); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }
  async close(): Promise<void> { this.stream.close(); await this.done; }
}

interface Latencies { n: number; p50Ms: number; p99Ms: number; maxMs: number; wallMs: number; samples: number[]; cpu?: Record<string, number> }

function latencies(names: string[], acked: Map<string, number>, w: PodWatcher, wallMs: number): Latencies {
  const samples = names.map((n) => w.runningAt.get(n)! - acked.get(n)!);
  return { n: samples.length, p50Ms: r1(pct(samples, 50)), p99Ms: r1(pct(samples, 99)), maxMs: r1(Math.max(...samples)), wallMs: r1(wallMs), samples: samples.map(r1) };
}

async function deleteAll(client: RestClient, names: string[], w: PodWatcher, server: Server): Promise<number> {
  const t0 = performance.now();
  await Promise.all(names.map((n) => client.delete(PODS, n, { namespace: NS }).catch((err) => { throw new Error(`delete ${n}: ${String(err)}`); })));
  await w.until(`${names.length} pods gone`, 120_000, () => names.every((n) => w.deleted.has(n)), server.logTail);
  return performance.now() - t0;
}

async function podLatency(server: Server): Promise<{ batch: Latencies; serial: Latencies; batchDeleteMs: number; serialDeleteMs: number; batchContainersGoneMs: number }> {
  const client = RestClient.fromKubeconfig(server.kubeconfig);
  const w = new PodWatcher(await client.watch<PodView>(PODS, { namespace: NS, labelSelector: { bench: 'pods' } }));
  try {
    // Batch: all at once.
    const batchNames = Array.from({ length: BATCH }, (_, i) => `batch-${i}`);
    const acked = new Map<string, number>();
    log(`creating ${BATCH} pods at once`);
    const socket = join(server.dataDir, 'containerd', 'containerd.sock');
    const cpuRef = { containerd: findContainerd(server.dataDir) ?? -1, socket, cgroupRoot: server.cgroupRoot, others: { k8ts: server.proc.pid! } };
    const cpu0 = snapshotCpu(cpuRef);
    const t0 = performance.now();
    await Promise.all(batchNames.map(async (n) => { await client.create(PODS, podObject(n)); acked.set(n, performance.now()); }));
    await w.until(`${BATCH} pods Running`, 120_000, () => batchNames.every((n) => w.runningAt.has(n)), server.logTail);
    const batch = { ...latencies(batchNames, acked, w, performance.now() - t0), cpu: cpuBetween(cpu0, snapshotCpu(cpuRef)) };
    log(`batch: p50 ${batch.p50Ms} ms, p99 ${batch.p99Ms} ms; CPU ms per pod: ${perPodLine(batch.cpu, BATCH)}; deleting`);
    const batchDeleteMs = await deleteAll(client, batchNames, w, server);
    // The one-by-one phase starts on a quiet node: the batch's containers removed from containerd too.
    const batchContainersGoneMs = await waitNoContainers(join(server.dataDir, 'containerd', 'containerd.sock'));
    log(`batch deleted in ${r1(batchDeleteMs)} ms, its containers gone after ${r1(batchContainersGoneMs)} ms more`);

    // Serial: one by one, each waits for Running.
    const serialNames = Array.from({ length: BATCH }, (_, i) => `serial-${i}`);
    log(`creating ${BATCH} pods one by one`);
    const t1 = performance.now();
    for (const n of serialNames) {
      await client.create(PODS, podObject(n));
      acked.set(n, performance.now());
      await w.until(`pod ${n} Running`, 60_000, () => w.runningAt.has(n), server.logTail);
    }
    const serial = latencies(serialNames, acked, w, performance.now() - t1);
    log(`serial: p50 ${serial.p50Ms} ms, p99 ${serial.p99Ms} ms; deleting`);
    const serialDeleteMs = await deleteAll(client, serialNames, w, server);
    return { batch, serial, batchDeleteMs: r1(batchDeleteMs), serialDeleteMs: r1(serialDeleteMs), batchContainersGoneMs: r1(batchContainersGoneMs) };
  } finally {
    await w.close();
    client.close();
  }
}

async function containersLeft(socket: string): Promise<number> {
  const { stdout } = await run('ctr', ['-a', socket, '-n', 'k8s.io', 'containers', 'list', '-q'], { timeout: 10_000 });
  return stdout.split('\n').filter((l) => l.trim()).length;
}

/** Waits (up to 30 s) until containerd holds no containers; returns the time waited. */
async function waitNoContainers(socket: string): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < 30_000) {
    if ((await containersLeft(socket).catch(() => -1)) === 0) break;
    await sleep(250);
  }
  return performance.now() - t0;
}

// ---------------------------------------------------------------------------------------------

/**
 * The bench runs containerd and `k8ts server` in this machine's own network namespace, where the
 * CNI plugins' iptables (nft backend) make an empty `table ip nat` if none was there. That table is
 * this run's doing: it goes when the run ends, but only if it is still empty of rules.
 */
async function natTable(): Promise<string | null> {
  return run('nft', ['list', 'table', 'ip', 'nat']).then((r) => r.stdout, () => null);
}
async function removeNatTableWeMade(existedBefore: boolean): Promise<void> {
  if (existedBefore) return;
  const t = await natTable();
  // Chain headers only (type/hook/policy lines): nothing anyone else relies on.
  if (t && t.split('\n').every((l) => !l.trim() || /^(table|chain|\}|type )/.test(l.trim()))) {
    await run('nft', ['delete', 'table', 'ip', 'nat']).catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const date = new Date().toISOString();
  const natExisted = (await natTable()) !== null;
  // Others may share the machine: the load before and after says how much the figures can be trusted.
  const loadBefore = loadavg();
  log(`load average ${loadBefore.map(r1).join(' ')}; CRI floor (n=${FLOOR_N})`);
  const { floor, containerdIdleRssMiB: floorContainerdRss } = await criFloor();
  log(`floor: pod ${r1(floor.podMs)} ms median, ${FLOOR_N} at once ${r1(floor.parallelWallMs)} ms wall, per pod p50 ${r1(floor.batchP50Ms)} p99 ${r1(floor.batchP99Ms)}`
    + (floor.batchCpu ? `; batch CPU ms per pod: ${perPodLine(floor.batchCpu, FLOOR_N)}` : ''));

  const dir = mkdtempSync('/tmp/k8ts-bench-pods-');
  let server: Server | null = null;
  let result: Record<string, unknown> | null = null;
  try {
    log('starting k8ts server');
    server = await startServer(dir);
    log(`node Ready: ${r1(server.spawnToReadyMs)} ms from spawn (server says ${server.reportedReadyMs} ms)`);
    const lat = await podLatency(server);

    const socket = join(server.dataDir, 'containerd', 'containerd.sock');
    const tc = performance.now();
    let left = -1;
    while (performance.now() - tc < 30_000) {
      left = await containersLeft(socket).catch(() => -1);
      if (left === 0) break;
      await sleep(250);
    }
    const containersGoneMs = performance.now() - tc;
    log(`containers left in containerd: ${left} (after ${r1(containersGoneMs)} ms); idling 5 s`);
    await sleep(5000);
    const cdPid = findContainerd(server.dataDir);
    const serverRss = await rssMiB(server.proc.pid!);
    const cdRss = cdPid ? await rssMiB(cdPid) : NaN;

    const floorMs = floor.podMs;
    // A batch is compared with the floor's batch of the same size (the same CPU contention).
    const floorBatchMs = FLOOR_N === BATCH ? floor.batchP50Ms : floorMs;
    const rows: [string, number, string, boolean][] = [
      ['CRI floor: whole pod (sandbox+create+start), median ms', r1(floorMs), '-', true],
      [`CRI floor: ${FLOOR_N} pods at once, wall ms`, r1(floor.parallelWallMs), '-', true],
      [`CRI floor: ${FLOOR_N} pods at once, per pod p50 ms`, r1(floor.batchP50Ms), '-', true],
      [`CRI floor: ${FLOOR_N} pods at once, per pod p99 ms`, r1(floor.batchP99Ms), '-', true],
      ...(floor.gated ? [
        [`CRI floor: ${FLOOR_N} pods, ${floor.gated.parallelism} in flight (kubelet's gate), p50 ms`, r1(floor.gated.p50Ms), '-', true],
        [`CRI floor: ${FLOOR_N} pods, ${floor.gated.parallelism} in flight (kubelet's gate), p99 ms`, r1(floor.gated.p99Ms), '-', true],
      ] as [string, number, string, boolean][] : []),
      [`${BATCH} at once through k8ts: wall ms (create → last Running)`, lat.batch.wallMs, '-', true],
      ['server spawn → node Ready, ms', r1(server.spawnToReadyMs), '≤ 3000 (k3s ~50000)', server.spawnToReadyMs <= 3000],
      ['server-reported Ready after, ms', server.reportedReadyMs ?? NaN, '≤ 3000', (server.reportedReadyMs ?? Infinity) <= 3000],
      [`${BATCH} at once: startup p50 ms`, lat.batch.p50Ms, `≤ floor batch p50+100 = ${r1(floorBatchMs + 100)}`, lat.batch.p50Ms <= floorBatchMs + 100],
      [`${BATCH} at once: startup p99 ms`, lat.batch.p99Ms, '≤ 2000 (SLO 5000)', lat.batch.p99Ms <= 2000],
      [`${BATCH} one by one: startup p50 ms`, lat.serial.p50Ms, `≤ floor+100 = ${r1(floorMs + 100)}`, lat.serial.p50Ms <= floorMs + 100],
      [`${BATCH} one by one: startup p99 ms`, lat.serial.p99Ms, '≤ 2000 (SLO 5000)', lat.serial.p99Ms <= 2000],
      ['idle RSS: k8ts server, MiB', r1(serverRss), '-', true],
      ['idle RSS: its containerd, MiB', r1(cdRss), '-', true],
      ['idle RSS: together, MiB', r1(serverRss + cdRss), '≤ 250 (k3s 512 MB)', serverRss + cdRss <= 250],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w2 = Math.max(...rows.map((r) => r[2].length));
    console.log(`| ${'figure'.padEnd(w0)} | ${'value'.padStart(8)} | ${'goal'.padEnd(w2)} | result |`);
    console.log(`| ${'-'.repeat(w0)} | ${'-'.repeat(8)} | ${'-'.repeat(w2)} | ------ |`);
    for (const [f, v, g, ok] of rows) console.log(`| ${f.padEnd(w0)} | ${String(v).padStart(8)} | ${g.padEnd(w2)} | ${g === '-' ? '' : ok ? 'pass' : 'MISS'} |`);
    if (floor.batchCpu) console.log(`CPU ms per pod, floor's batch of ${FLOOR_N}: ${perPodLine(floor.batchCpu, FLOOR_N)}`);
    if (lat.batch.cpu) console.log(`CPU ms per pod, k8ts batch of ${BATCH}: ${perPodLine(lat.batch.cpu, BATCH)}`);
    console.log(`(batch max ${lat.batch.maxMs} ms; one-by-one max ${lat.serial.maxMs} ms; deletes ${lat.batchDeleteMs}/${lat.serialDeleteMs} ms, batch containers gone +${lat.batchContainersGoneMs} ms; load before ${loadBefore.map(r1).join(' ')}, after ${loadavg().map(r1).join(' ')})`);

    result = {
      bench: 'pods', date,
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg: loadavg(), loadavgBefore: loadBefore },
      floor: { ...floor, containerdIdleRssMiB: floorContainerdRss },
      server: { spawnToReadyMs: r1(server.spawnToReadyMs), reportedReadyMs: server.reportedReadyMs },
      pods: lat,
      idle: { serverRssMiB: r1(serverRss), containerdRssMiB: r1(cdRss), containerdPid: cdPid, totalMiB: r1(serverRss + cdRss), containersLeft: left, containersGoneMs: r1(containersGoneMs) },
      goals: Object.fromEntries(rows.filter((r) => r[2] !== '-').map(([f, v, g, ok]) => [f, { value: v, goal: g, pass: ok }])),
    };
  } finally {
    if (server) {
      const code = await server.stop().catch(() => null);
      if (code !== 0) log(`server exited ${code}`);
      const dataDir = server.dataDir;
      if (existsSync(dataDir)) {
        await run(process.execPath, [K8TS, 'server', '--reset', '--data-dir', dataDir, '--cgroup-root', server.cgroupRoot, '--pod-cidr', '10.250.21.0/24'], { timeout: 60_000 })
          .catch((err) => log(`reset failed: ${String(err)}`));
      }
      await removeCgroup(server.cgroupRoot).catch(() => 0);
    }
    rmSync(dir, { recursive: true, force: true });
    await removeNatTableWeMade(natExisted);
  }
  if (result) {
    mkdirSync(RESULTS, { recursive: true });
    const file = join(RESULTS, `pods-${date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    console.log(`\nwrote ${file}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
