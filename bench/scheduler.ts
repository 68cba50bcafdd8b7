// npm run bench scheduler [-- --only NAME] [-- --scale 0.5] [-- --quick] [-- --no-cycle] [-- --cycle-only]
// Shaped like Kubernetes' scheduler_perf: the API server and its SQLite store, nodes created through
// the API (no kubelets), some pods pre-placed, then pods created and measured while the scheduler
// binds them. Throughput = bound pods per second from the moment the measured pods start being
// created until the last is bound (average), plus p50/p99 of per-second samples, beside upstream's
// CI thresholds.
//
// Threads: the API server and store run on this thread; the scheduler and the pod creator each run
// in a worker thread (bench/scheduler-worker.ts) and talk HTTP to the server. kube-scheduler is its
// own process in Kubernetes and scheduler_perf's Go harness spreads over every core, so this is the
// faithful shape on a 2-core machine: the API server gets a core to itself instead of sharing one
// event loop with the scheduler and the client creating pods. The scheduler is started, and its
// informers synced, before the measured phase (scheduler_perf starts it before creating anything).
//
// Also where the time goes: the scheduling algorithm's mean latency, the binding call's mean
// latency and the most bindings seen in flight at once, the API server's pod-create rate in the
// same run, and the store's commits (group commit: writes per fsync); CPU per measured pod of the
// API server's thread, the scheduler's thread, the pod creator's thread and the whole process.
// Writes bench/results/scheduler-<date>.json.
//
// Profiling: `node --cpu-prof --cpu-prof-dir=DIR dist/bench/scheduler.js --no-cycle --only X`
// writes one .cpuprofile per thread (workers inherit the flag), numbered by thread (the number
// before the sequence in the file name): 0 is the API server, then each workload's scheduler and
// pod creator in turn (1 and 2 for the first).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { startCluster, type TestCluster } from '../test/client/cluster.js';
import type { RestClient } from '../src/client/rest.js';
import { NODES, nodeObject, PODS } from '../test/scheduler/fixtures.js';
import { resourceRef } from '../src/client/rest.js';
import { world } from '../src/scheduler/testing.js';
import { makeNode } from '../src/scheduler/testing.js';
import { Scheduler } from '../src/scheduler/schedule-one.js';
import { SchedulingQueue } from '../src/scheduler/queue/scheduling-queue.js';
import { createMetrics } from '../src/scheduler/metrics.js';
import { WaitingPods } from '../src/scheduler/framework/framework.js';
import { PodInfo } from '../src/scheduler/framework/pod-info.js';
import type { SqliteStore } from '../src/storage/sqlite/index.js';
import { namespacesOf, workloads, type Workload } from './scheduler-workloads.js';
import { now, parallel, type WorkerInput } from './scheduler-worker.js';

const NAMESPACES = resourceRef('', 'v1', 'namespaces', false);
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const scale = args.includes('--scale') ? Number(args[args.indexOf('--scale') + 1]) : 1;
// Upstream's measured pod counts by default (the shape: 10,000 measured pods for
// SchedulingBasic). --quick measures fewer, for iterating: its figures run lower, because a short
// phase is dominated by JIT warm-up and the first GCs of the new objects (SchedulingBasic 5,000
// nodes gave 445-520 pods/s quick against 690-790 full, same code and minute).
const full = !args.includes('--quick');
const WORKLOADS = workloads(scale, full);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function createNodes(client: RestClient, w: Workload): Promise<number> {
  const t = performance.now();
  await parallel(w.nodes, 32, (i) => client.create(NODES, nodeObject(`node-${i}`, { cpu: '4', memory: '32Gi', pods: '110', labels: w.nodeLabels })));
  return (performance.now() - t) / 1000;
}

type Msg = { type: string; [k: string]: unknown };

/**
 * CPU milliseconds (user + system) this thread has used: the API server's event loop runs on the
 * main thread, so this is the server's cost without the scheduler and creator threads. Linux only
 * (/proc); NaN elsewhere. Clock ticks are 10 ms, fine over the seconds a workload runs.
 */
function mainThreadCpuMs(): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(f[11]) * 10, system: Number(f[12]) * 10 };
  } catch { return { user: NaN, system: NaN }; }
}

/** A bench thread, with a way to wait for its next message of a type (or its failure). */
function spawn(input: WorkerInput) {
  const worker = new Worker(new URL('./scheduler-worker.js', import.meta.url), { workerData: input });
  const waiting = new Map<string, (m: Msg) => void>();
  let failed: Error | undefined;
  const failures: ((e: Error) => void)[] = [];
  const listeners: ((m: Msg) => void)[] = [];
  worker.on('message', (m: Msg) => {
    for (const l of listeners) l(m);
    const w = waiting.get(m.type);
    if (w) { waiting.delete(m.type); w(m); }
  });
  const fail = (e: Error) => { failed = e; for (const f of failures) f(e); };
  worker.on('error', fail);
  worker.on('exit', (code) => { if (code !== 0) fail(new Error(`${input.role} thread exited with code ${code}`)); });
  return {
    worker,
    onMessage: (l: (m: Msg) => void) => listeners.push(l),
    next(type: string, timeoutMs: number): Promise<Msg> {
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${input.role} thread sent no '${type}' within ${timeoutMs} ms`)), timeoutMs);
        failures.push((e) => { clearTimeout(timer); reject(e); });
        waiting.set(type, (m) => { clearTimeout(timer); resolve(m); });
      });
    },
  };
}

async function runWorkload(w: Workload, cluster: TestCluster, nodeSecs: number, index: number) {
  const client: RestClient = cluster.client({ timeoutMs: 60_000 });
  const [ns0, ns1] = namespacesOf(index);
  for (const ns of [ns0, ns1]) await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const t = performance.now();
  const place = w.place ?? ((i: number, n: number) => i % n);
  await parallel(w.initPods, 32, (i) => {
    const p = w.pod(i, ns0);
    p.spec.nodeName = `node-${w.place ? w.nodes - 1 - place(i, w.nodes) : place(i, w.nodes)}`;
    return client.create(PODS, p);
  });
  const initSecs = (performance.now() - t) / 1000;
  const rssBefore = process.memoryUsage.rss();
  const common = { base: cluster.base, workload: w.name, scale, full, namespace: ns1 };
  const sched = spawn({ role: 'scheduler', ...common });
  const creator = spawn({ role: 'creator', ...common });
  try {
    const deadlineMs = full ? 600_000 : 90_000;
    const [ready] = await Promise.all([sched.next('ready', 120_000), creator.next('ready', 30_000)]);
    const store = cluster.store as SqliteStore;
    const stats0 = store.stats();
    const serverCpu0 = mainThreadCpuMs();
    const processCpu0 = process.cpuUsage();
    // Progress reports (every 100 ms) give the per-second samples and the moment the last pod bound.
    const progress: { at: number; bound: number }[] = [];
    let peakInFlight = 0;
    let peakRss = 0;
    let allBound: () => void = () => undefined;
    const bound = new Promise<void>((r) => { allBound = r; });
    sched.onMessage((m) => {
      if (m.type !== 'progress') return;
      progress.push({ at: m.at as number, bound: m.bound as number });
      peakInFlight = Math.max(peakInFlight, m.inFlight as number);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      if ((m.bound as number) >= w.measurePods) allBound();
    });
    const t0 = now();
    creator.worker.postMessage({ type: 'go' });
    const created = creator.next('created', deadlineMs);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([bound, new Promise((r) => { timer = setTimeout(r, deadlineMs); })]);
    clearTimeout(timer);
    const createdMsg = await created;
    const createMs = createdMsg.ms as number;
    const stats1 = store.stats();
    const serverCpu1 = mainThreadCpuMs();
    const serverUserMs = serverCpu1.user - serverCpu0.user;
    const serverSysMs = serverCpu1.system - serverCpu0.system;
    const serverCpuMs = serverUserMs + serverSysMs;
    const processCpu = process.cpuUsage(processCpu0);
    sched.worker.postMessage({ type: 'stop' });
    const stopped = await sched.next('stopped', 60_000);
    const done = stopped.bound as number;
    // The end: the first progress report that saw every measured pod bound (within 100 ms of it).
    const end = progress.find((p) => p.bound >= w.measurePods)?.at ?? now();
    const secs = (end - t0) / 1000;
    const samples: number[] = [];
    for (let s = 1; t0 + s * 1000 <= end; s++) {
      const at = (ms: number) => [...progress].reverse().find((p) => p.at <= ms)?.bound ?? 0;
      samples.push(at(t0 + s * 1000) - at(t0 + (s - 1) * 1000));
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const commits = stats1.commits - stats0.commits;
    const syncs = stats1.syncs - stats0.syncs;
    const writes = stats1.writes - stats0.writes;
    return {
      workload: w.name, nodes: w.nodes, initPods: w.initPods, measurePods: w.measurePods, scheduled: done,
      podsPerSecAvg: Math.round(Math.min(done, w.measurePods) / secs), p50: percentile(sorted, 50), p99: percentile(sorted, 1), seconds: Number(secs.toFixed(2)),
      anchor: w.anchor, ratio: w.anchor ? Number((Math.min(done, w.measurePods) / secs / w.anchor).toFixed(2)) : undefined,
      apiCreatePodsPerSec: Math.round(w.measurePods / (createMs / 1000)),
      serverCpuMsPerPod: Number((serverCpuMs / Math.max(1, Math.min(done, w.measurePods))).toFixed(3)),
      serverSystemCpuMsPerPod: Number((serverSysMs / Math.max(1, Math.min(done, w.measurePods))).toFixed(3)),
      processCpuMsPerPod: Number(((processCpu.user + processCpu.system) / 1000 / Math.max(1, Math.min(done, w.measurePods))).toFixed(3)),
      schedulerThreadCpuMsPerPod: Number(((stopped.cpuMs as number) / Math.max(1, Math.min(done, w.measurePods))).toFixed(3)),
      creatorThreadCpuMsPerPod: Number(((createdMsg.cpuMs as number) / w.measurePods).toFixed(3)),
      algorithmMeanMs: Number((stopped.algorithmMeanMs as number).toFixed(3)),
      bindingMeanMs: Number((stopped.bindingMeanMs as number).toFixed(1)), maxBindingsInFlight: Math.max(peakInFlight, stopped.maxInFlight as number),
      storeWrites: writes, storeCommits: commits, storeSyncs: syncs, writesPerSync: Number((writes / Math.max(1, syncs)).toFixed(1)),
      apiServerRssMB: Math.round(peakRss / 1e6), schedulerRssMB: stopped.rssMB, rssBeforeSchedulerMB: Math.round(rssBefore / 1e6),
      setup: { nodesSec: Number(nodeSecs.toFixed(1)), initPodsSec: Number(initSecs.toFixed(1)), schedulerSyncSec: Number(((ready.syncMs as number) / 1000).toFixed(1)) },
    };
  } finally {
    await Promise.all([sched.worker.terminate(), creator.worker.terminate()]);
  }
}

/**
 * The scheduling cycle alone (filter, score, select, assume) on the real cache and plugins with no
 * API server: what the scheduler could sustain if binding were free. Reports wall time and the CPU
 * time per pod (process.cpuUsage), which a loaded machine does not inflate as much as wall time.
 */
function cycleOnly(w: Workload) {
  const nodes = Array.from({ length: w.nodes }, (_, i) => makeNode(`node-${i}`, { cpu: '4', memory: '32Gi', pods: '110', labels: w.nodeLabels }));
  const place = w.place ?? ((i: number, n: number) => i % n);
  const init = Array.from({ length: w.initPods }, (_, i) => {
    const p = w.pod(i, 'w0-sched-0');
    p.spec.nodeName = `node-${w.place ? w.nodes - 1 - place(i, w.nodes) : place(i, w.nodes)}`;
    p.metadata.uid = `init-${i}`;
    return p;
  });
  const wd = world(nodes, init);
  const queue = new SchedulingQueue({ less: () => false });
  const sched = new Scheduler({
    cache: wd.cache, snapshot: wd.snapshot, queue, profiles: new Map([['default-scheduler', wd.fwk]]), recorders: new Map(), waiting: new WaitingPods(),
    clock: wd.clock, random: Math.random, metrics: createMetrics(() => queue.lengths()), currentPod: () => undefined, log: () => undefined,
  });
  const pods = Array.from({ length: w.measurePods }, (_, i) => { const p = w.pod(i, 'w0-sched-1'); p.metadata.uid = `m-${i}`; return p; });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let placed = 0;
  for (const pod of pods) {
    wd.snapshot.update();
    const state = wd.fwk.newCycleState();
    try {
      const r = sched.schedulePod(wd.fwk, state, new PodInfo(pod));
      wd.cache.assumePod({ ...pod, spec: { ...pod.spec, nodeName: r.host } });
      placed++;
    } catch { /* unschedulable: counted as not placed */ }
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  wd.client.close();
  return { workload: w.name, pods: w.measurePods, placed, podsPerSec: Math.round(placed / (ms / 1000)), cpuMsPerPod: Number(((cpu.user + cpu.system) / 1000 / w.measurePods).toFixed(3)), cpuBoundPodsPerSec: Math.round(w.measurePods / ((cpu.user + cpu.system) / 1e6)) };
}

async function main(): Promise<void> {
  const loadavgBefore = loadavg();
  const results = [];
  const cycles = [];
  if (!args.includes('--no-cycle')) {
    for (const w of WORKLOADS) {
      if (only && !w.name.includes(only)) continue;
      const r = cycleOnly({ ...w, measurePods: Math.max(w.measurePods, 2000) });
      cycles.push(r);
      process.stderr.write(`cycle only: ${JSON.stringify(r)}\n`);
    }
  }
  // --cycle-only: just the figures above (a minute), without the API server runs.
  const chosen = args.includes('--cycle-only') ? [] : WORKLOADS.filter((w) => !only || w.name.includes(only));
  for (const group of new Set(chosen.map((w) => w.group))) {
    const ws = chosen.filter((w) => w.group === group);
    const cluster = await startCluster();
    try {
      process.stderr.write(`creating ${ws[0]!.nodes} nodes...\n`);
      const nodeSecs = await createNodes(cluster.client({ timeoutMs: 60_000 }), ws[0]!);
      for (const [i, w] of ws.entries()) {
        process.stderr.write(`running ${w.name} (${w.nodes} nodes, ${w.initPods} pre-placed, ${w.measurePods} measured)...\n`);
        const r = await runWorkload(w, cluster, nodeSecs, i);
        results.push(r);
        process.stderr.write(`${JSON.stringify(r)}\n`);
        (globalThis as { gc?: () => void }).gc?.();
      }
    } finally {
      await cluster.close();
    }
  }
  const rows = results.map((r) => `${r.workload.padEnd(28)} ${String(r.podsPerSecAvg).padStart(7)} ${String(r.p50).padStart(6)} ${String(r.p99).padStart(6)} ${String(r.anchor ?? '-').padStart(7)} ${String(r.ratio ?? '-').padStart(6)} ${String(r.apiCreatePodsPerSec).padStart(9)} ${String(r.algorithmMeanMs).padStart(8)} ${String(r.bindingMeanMs).padStart(8)} ${String(r.maxBindingsInFlight).padStart(7)} ${String(r.writesPerSync).padStart(8)} ${String(r.apiServerRssMB).padStart(7)} ${String(r.serverCpuMsPerPod).padStart(8)} ${String(r.schedulerThreadCpuMsPerPod).padStart(8)} ${String(r.creatorThreadCpuMsPerPod).padStart(8)} ${String(r.processCpuMsPerPod).padStart(8)}`);
  process.stdout.write(`${'workload'.padEnd(28)} ${'pods/s'.padStart(7)} ${'p50'.padStart(6)} ${'p99*'.padStart(6)} ${'anchor'.padStart(7)} ${'x'.padStart(6)} ${'create/s'.padStart(9)} ${'algo ms'.padStart(8)} ${'bind ms'.padStart(8)} ${'binds||'.padStart(7)} ${'wr/fsync'.padStart(8)} ${'RSS MB'.padStart(7)} ${'srv ms/p'.padStart(8)} ${'sch ms/p'.padStart(8)} ${'cre ms/p'.padStart(8)} ${'all ms/p'.padStart(8)}\n${rows.join('\n')}\n`);
  process.stdout.write('p99* = the per-second throughput exceeded in 99% of seconds (1st percentile of samples), as scheduler_perf reports Perc99.\n');
  process.stdout.write('binds|| = most binding calls in flight at once; wr/fsync = store writes per fsync (group commit); RSS = the API server process (scheduler and creator threads included).\n');
  process.stdout.write('srv ms/p = CPU ms per measured pod of the main thread (the API server and store); sch/cre ms/p = the scheduler thread and the pod creator thread alone (their JavaScript and its GC on that thread; not the V8 helper threads); all ms/p = the whole process (every thread, GC and I/O helpers too).\n');
  process.stdout.write(`\nscheduling cycle only (real cache and plugins, no API server; assume instead of bind):\n${'workload'.padEnd(28)} ${'pods/s'.padStart(7)} ${'cpu ms/pod'.padStart(11)} ${'pods/cpu-s'.padStart(11)} ${'anchor'.padStart(7)}\n`);
  for (const c of cycles) process.stdout.write(`${c.workload.padEnd(28)} ${String(c.podsPerSec).padStart(7)} ${String(c.cpuMsPerPod).padStart(11)} ${String(c.cpuBoundPodsPerSec).padStart(11)} ${String(WORKLOADS.find((w) => w.name === c.workload)?.anchor ?? '-').padStart(7)}\n`);
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `scheduler-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), scale, full, loadavgBefore, loadavg: loadavg(), results, cycleOnly: cycles }, null, 2));
  process.stdout.write(`load average before ${loadavgBefore.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')} (2 cores, shared)\n`);
  process.stdout.write(`wrote ${file}\n`);
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
