// npm run bench scheduler [-- --only NAME] [-- --scale 0.5] [-- --full]
// Shaped like Kubernetes' scheduler_perf: the API server and its SQLite store in this process, nodes
// created through the API (no kubelets), some pods pre-placed, then pods created and measured while
// the scheduler binds them. Throughput = bound pods per second, sampled every second (average over
// the measured phase, and p50/p99 of the per-second samples), beside upstream's CI thresholds.
// Also where the time goes: the scheduling algorithm's mean latency, the binding call's mean
// latency, and the API server's pod-create rate in the same run. Writes bench/results/scheduler-<date>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startCluster, type TestCluster } from '../test/client/cluster.js';
import { startScheduler } from '../src/scheduler/index.js';
import type { RestClient } from '../src/client/rest.js';
import type { Pod } from '../src/scheduler/types.js';
import { NODES, nodeObject, PODS, podObject } from '../test/scheduler/fixtures.js';
import { resourceRef } from '../src/client/rest.js';
import { world } from '../src/scheduler/testing.js';
import { makeNode } from '../src/scheduler/testing.js';
import { Scheduler } from '../src/scheduler/schedule-one.js';
import { SchedulingQueue } from '../src/scheduler/queue/scheduling-queue.js';
import { createMetrics } from '../src/scheduler/metrics.js';
import { WaitingPods } from '../src/scheduler/framework/framework.js';
import { PodInfo } from '../src/scheduler/framework/pod-info.js';

const NAMESPACES = resourceRef('', 'v1', 'namespaces', false);
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const scale = args.includes('--scale') ? Number(args[args.indexOf('--scale') + 1]) : 1;
// The API server here writes ~130 objects/s, so upstream's pod counts (10,000 measured) would take
// many minutes; the default run measures fewer pods on the same node counts. --full uses upstream's.
const full = args.includes('--full');

interface Workload {
  name: string;
  /** Workloads of one group share a cluster (its nodes are created once); each uses its own namespaces. */
  group: string;
  nodes: number;
  initPods: number;
  measurePods: number;
  /** upstream threshold, pods/s */
  anchor?: number;
  nodeLabels?: Record<string, string>;
  pod: (i: number, ns: string) => Pod;
  /** Pre-placed pods: which node index pod i goes to. */
  place?: (i: number, nodes: number) => number;
}

const basicPod = (i: number, ns: string) => podObject(`pod-${i}`, { namespace: ns, cpu: '100m', memory: '500Mi' });
const affinityPod = (i: number, ns: string) => podObject(`pod-${i}`, { namespace: ns, cpu: '100m', memory: '500Mi', spec: {
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone1', 'zone2'] }] }] } } },
} });
const antiPod = (i: number, ns: string) => {
  const p = podObject(`pod-${i}`, { namespace: ns, cpu: '100m', memory: '500Mi', labels: { color: 'green', name: 'test' }, spec: {
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname', namespaces: [ns.replace(/-1$/, '-0'), ns.replace(/-0$/, '-1')] }] } },
  } });
  p.spec.containers[0]!.ports = [{ containerPort: 80 }];
  return p;
};

const s = (n: number) => Math.max(1, Math.round(n * scale));
const ZONE = { 'topology.kubernetes.io/zone': 'zone1' };
const WORKLOADS: Workload[] = [
  { group: 'small', name: 'SchedulingBasic/500Nodes', nodes: s(500), initPods: s(500), measurePods: s(1000), pod: basicPod, nodeLabels: ZONE },
  { group: 'large', name: 'SchedulingBasic/5000Nodes', nodes: s(5000), initPods: s(1000), measurePods: s(full ? 10000 : 1000), anchor: 680, pod: basicPod, nodeLabels: ZONE },
  { group: 'large', name: 'NodeAffinity/5000Nodes', nodes: s(5000), initPods: s(full ? 5000 : 500), measurePods: s(full ? 10000 : 500), anchor: 220, pod: affinityPod, nodeLabels: ZONE },
  // Pre-placed anti-affinity pods go one per node, after the nodes the earlier workloads' pods favour least.
  { group: 'large', name: 'PodAntiAffinity/5000Nodes', nodes: s(5000), initPods: s(full ? 1000 : 500), measurePods: s(full ? 2000 : 500), anchor: 60, pod: antiPod, place: (i) => i },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs op(i) for i in [0, n) with `width` in flight. */
async function parallel(n: number, width: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) await op(next++);
  }));
}

async function histogramMean(h: { get(): Promise<{ values: { metricName?: string; value: number }[] }> }): Promise<number> {
  const v = (await h.get()).values;
  const sum = v.find((x) => x.metricName?.endsWith('_sum'))?.value ?? 0;
  const count = v.find((x) => x.metricName?.endsWith('_count'))?.value ?? 0;
  return count ? sum / count : NaN;
}

async function createNodes(client: RestClient, w: Workload): Promise<number> {
  const t = performance.now();
  await parallel(w.nodes, 32, (i) => client.create(NODES, nodeObject(`node-${i}`, { cpu: '4', memory: '32Gi', pods: '110', labels: w.nodeLabels })));
  return (performance.now() - t) / 1000;
}

async function runWorkload(w: Workload, cluster: TestCluster, nodeSecs: number, index: number) {
  const client: RestClient = cluster.client({ timeoutMs: 60_000 });
  const [ns0, ns1] = [`w${index}-sched-0`, `w${index}-sched-1`];
  {
    for (const ns of [ns0, ns1]) await client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    let t = performance.now();
    const place = w.place ?? ((i: number, n: number) => i % n);
    await parallel(w.initPods, 32, (i) => {
      const p = w.pod(i, ns0);
      p.spec.nodeName = `node-${w.place ? w.nodes - 1 - place(i, w.nodes) : place(i, w.nodes)}`;
      return client.create(PODS, p);
    });
    const initSecs = (performance.now() - t) / 1000;
    const rssBefore = process.memoryUsage().rss;
    const sched = await startScheduler({ client: cluster.client({ timeoutMs: 60_000 }), log: () => undefined });
    const bound = async () => (await sched.metrics.podSchedulingDuration.get()).values.find((x) => x.metricName?.endsWith('_count'))?.value ?? 0;
    const samples: number[] = [];
    let createdAt = 0;
    const t0 = performance.now();
    const creating = parallel(w.measurePods, 32, async (i) => { await client.create(PODS, w.pod(i, ns1)); createdAt = performance.now(); });
    let last = 0;
    let peakRss = 0;
    const deadline = t0 + (full ? 600_000 : 90_000);
    let done = 0;
    while (performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      done = await bound();
      samples.push(done - last);
      last = done;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (done >= w.measurePods) break;
    }
    await creating;
    const secs = (performance.now() - t0) / 1000;
    const createSecs = (createdAt - t0) / 1000;
    const algoMs = (await histogramMean(sched.metrics.algorithmDuration)) * 1000;
    const bindMs = (await histogramMean(sched.metrics.bindingDuration)) * 1000;
    await sched.stop();
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      workload: w.name, nodes: w.nodes, initPods: w.initPods, measurePods: w.measurePods, scheduled: done,
      podsPerSecAvg: Math.round(done / secs), p50: percentile(sorted, 50), p99: percentile(sorted, 1), seconds: Number(secs.toFixed(1)),
      anchor: w.anchor, ratio: w.anchor ? Number((done / secs / w.anchor).toFixed(2)) : undefined,
      apiCreatePodsPerSec: Math.round(w.measurePods / createSecs), algorithmMeanMs: Number(algoMs.toFixed(3)), bindingMeanMs: Number(bindMs.toFixed(1)),
      rssMB: Math.round(peakRss / 1e6), rssBeforeSchedulerMB: Math.round(rssBefore / 1e6),
      setup: { nodesSec: Number(nodeSecs.toFixed(1)), initPodsSec: Number(initSecs.toFixed(1)) },
    };
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
  const rows = results.map((r) => `${r.workload.padEnd(28)} ${String(r.podsPerSecAvg).padStart(7)} ${String(r.p50).padStart(6)} ${String(r.p99).padStart(6)} ${String(r.anchor ?? '-').padStart(7)} ${String(r.ratio ?? '-').padStart(6)} ${String(r.apiCreatePodsPerSec).padStart(9)} ${String(r.algorithmMeanMs).padStart(8)} ${String(r.bindingMeanMs).padStart(8)} ${String(r.rssMB).padStart(7)}`);
  process.stdout.write(`${'workload'.padEnd(28)} ${'pods/s'.padStart(7)} ${'p50'.padStart(6)} ${'p99*'.padStart(6)} ${'anchor'.padStart(7)} ${'x'.padStart(6)} ${'create/s'.padStart(9)} ${'algo ms'.padStart(8)} ${'bind ms'.padStart(8)} ${'RSS MB'.padStart(7)}\n${rows.join('\n')}\n`);
  process.stdout.write('p99* = the per-second throughput exceeded in 99% of seconds (1st percentile of samples), as scheduler_perf reports Perc99.\n');
  process.stdout.write('RSS is the whole process: API server, SQLite store and scheduler together.\n');
  process.stdout.write(`\nscheduling cycle only (real cache and plugins, no API server; assume instead of bind):\n${'workload'.padEnd(28)} ${'pods/s'.padStart(7)} ${'cpu ms/pod'.padStart(11)} ${'pods/cpu-s'.padStart(11)} ${'anchor'.padStart(7)}\n`);
  for (const c of cycles) process.stdout.write(`${c.workload.padEnd(28)} ${String(c.podsPerSec).padStart(7)} ${String(c.cpuMsPerPod).padStart(11)} ${String(c.cpuBoundPodsPerSec).padStart(11)} ${String(WORKLOADS.find((w) => w.name === c.workload)?.anchor ?? '-').padStart(7)}\n`);
  const dir = join(fileURLToPath(new URL('.', import.meta.url)), '../../bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `scheduler-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), scale, full, loadavg: loadavg(), results, cycleOnly: cycles }, null, 2));
  process.stdout.write(`wrote ${file}\n`);
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
