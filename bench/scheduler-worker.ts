// The scheduler bench's other threads. kube-scheduler is its own process, and scheduler_perf's pod
// creator is a client of the API server, not part of it: running them here in worker threads (each
// with its own event loop, talking HTTP to the API server like any client) gives the API server
// and its store one core to themselves, as in a real cluster, instead of sharing one event loop.
//
// Roles (workerData.role):
//   scheduler: startScheduler against the server; reports 'ready' once its cache holds the
//              workload's nodes and pre-placed pods, then {bound, inFlight} every 100 ms, and its
//              metrics when told to stop.
//   creator:   creates the measured pods (32 in flight) when told 'go'; reports when done.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { RestClient } from '../src/client/rest.js';
import { startScheduler } from '../src/scheduler/index.js';
import { PODS } from '../test/scheduler/fixtures.js';
import { workloads } from './scheduler-workloads.js';

export interface WorkerInput {
  role: 'scheduler' | 'creator';
  base: string;
  workload: string;
  scale: number;
  full: boolean;
  namespace: string;
}

/**
 * CPU milliseconds (user + system) of the calling thread: /proc/thread-self names whichever thread
 * reads it, and readFileSync runs on the caller, so a worker measures itself. Node 20 has no
 * process.threadCpuUsage. Linux only; NaN elsewhere. Clock ticks are 10 ms.
 */
export function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch { return NaN; }
}

/** Wall-clock milliseconds comparable across threads. */
export const now = () => performance.timeOrigin + performance.now();

/** Runs op(i) for i in [0, n) with `width` in flight. */
export async function parallel(n: number, width: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) await op(next++);
  }));
}

type Histogram = { get(): Promise<{ values: { metricName?: string; value: number }[] }> };

async function sums(h: Histogram): Promise<{ sum: number; count: number }> {
  const v = (await h.get()).values;
  let sum = 0;
  let count = 0;
  for (const x of v) {
    if (x.metricName?.endsWith('_sum')) sum += x.value;
    if (x.metricName?.endsWith('_count')) count += x.value;
  }
  return { sum, count };
}

async function schedulerRole(input: WorkerInput, w: ReturnType<typeof workloads>[number], port: NonNullable<typeof parentPort>) {
  const client = new RestClient({ server: input.base, timeoutMs: 60_000, backoffInitialMs: 20, backoffMaxMs: 200 });
  const t = now();
  const sched = await startScheduler({ client, log: () => undefined });
  // Ready = the informers have delivered the nodes and the pre-placed pods to the cache.
  while (sched.cache.liveNodes().length < w.nodes || sched.cache.podCount < w.initPods) await new Promise((r) => setTimeout(r, 20));
  port.postMessage({ type: 'ready', syncMs: now() - t });
  const cpu0 = threadCpuMs();
  let maxInFlight = 0;
  const tick = setInterval(() => {
    const inFlight = sched.inFlightBindings();
    maxInFlight = Math.max(maxInFlight, inFlight);
    void sums(sched.metrics.podSchedulingDuration as Histogram).then(({ count }) => port.postMessage({ type: 'progress', at: now(), bound: count, inFlight }));
  }, 100);
  port.on('message', async (m: { type: string }) => {
    if (m.type !== 'stop') return;
    clearInterval(tick);
    const cpuMs = threadCpuMs() - cpu0;
    const algo = await sums(sched.metrics.algorithmDuration as Histogram);
    const bind = await sums(sched.metrics.bindingDuration as Histogram);
    const bound = (await sums(sched.metrics.podSchedulingDuration as Histogram)).count;
    await sched.stop();
    client.close();
    port.postMessage({
      type: 'stopped', bound, maxInFlight, cpuMs, rssMB: Math.round(process.memoryUsage().rss / 1e6),
      algorithmMeanMs: algo.count ? (algo.sum / algo.count) * 1000 : NaN,
      bindingMeanMs: bind.count ? (bind.sum / bind.count) * 1000 : NaN,
    });
  });
}

async function creatorRole(input: WorkerInput, w: ReturnType<typeof workloads>[number], port: NonNullable<typeof parentPort>) {
  const client = new RestClient({ server: input.base, timeoutMs: 60_000, backoffInitialMs: 20, backoffMaxMs: 200 });
  port.on('message', async (m: { type: string }) => {
    if (m.type !== 'go') return;
    const t = now();
    const cpu0 = threadCpuMs();
    await parallel(w.measurePods, 32, (i) => client.create(PODS, w.pod(i, input.namespace)));
    client.close();
    port.postMessage({ type: 'created', ms: now() - t, cpuMs: threadCpuMs() - cpu0 });
  });
  port.postMessage({ type: 'ready' });
}

if (parentPort && workerData) {
  const input = workerData as WorkerInput;
  const w = workloads(input.scale, input.full).find((x) => x.name === input.workload);
  if (!w) throw new Error(`no workload ${input.workload}`);
  const port = parentPort;
  void (input.role === 'scheduler' ? schedulerRole(input, w, port) : creatorRole(input, w, port));
}
