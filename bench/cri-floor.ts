// The CRI floor: what a pod costs straight from containerd, with no kubelet in between.
// RunPodSandbox (incl. CNI), then CreateContainer + StartContainer, back to back, medians of n;
// and n whole pods started at once: the wall time, and each pod's latency from the start of the
// batch to its container started (p50/p99), which is what a batch through the kubelet compares with. `npm run bench pods` measures this in the same
// run as the kubelet's pod startup and compares. Run alone (`npm run bench cri-floor [-- --n N]`)
// it starts its own containerd in a temp dir, prints a table and writes bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ContainerRuntime, PodSandboxConfig } from '../src/kubelet/runtime/types.js';
import { cpuBetween, snapshotCpu, type StackRef } from './cpu-account.js';
import { StartGate, gateStarts } from '../src/kubelet/runtime/start-gate.js';

export interface CriFloor {
  n: number;
  /** Medians, milliseconds. */
  sandboxMs: number;
  createStartMs: number;
  podMs: number;
  /** n pods (sandbox + create + start) all at once: wall time until the last is running. */
  parallelWallMs: number;
  /** The same batch per pod: start of the batch → that pod's container started (p50/p99, ms). */
  batchP50Ms: number;
  batchP99Ms: number;
  samples: { sandboxMs: number[]; createStartMs: number[]; podMs: number[]; batchMs: number[] };
  /** CPU-seconds per process class over the batch of n at once (with opts.cpu). */
  batchCpu?: Record<string, number>;
  /** With opts.gatedParallelism: the same batch with at most that many pods being started at once,
   *  as the kubelet's start gate lets them through (see src/kubelet/runtime/start-gate.ts). */
  gated?: { parallelism: number; wallMs: number; p50Ms: number; p99Ms: number; samples: number[] };
}

export interface CriFloorOptions {
  /** Pod cgroups go under `${cgroupRoot}/pod<uid>`; the caller removes the root afterwards. */
  cgroupRoot?: string;
  /** Where the sandboxes' log directories go. */
  logRoot?: string;
  /** Skip the parallel phase. */
  sequentialOnly?: boolean;
  /** Account the batch's CPU time to these processes (see cpu-account.ts). */
  cpu?: StackRef;
  /** Also run the batch through a start gate of this size (after the all-at-once batch). */
  gatedParallelism?: number;
}

/** The nearest-rank percentile (as bench/pods.ts computes its own). */
export const percentile = (xs: number[], p: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Measures sandbox + create + start on `runtime` with `image` (already present), n times back to
 *  back, then n at once. Every pod it makes is stopped and removed before it returns. */
export async function measureCriFloor(runtime: ContainerRuntime, image: string, n: number, opts: CriFloorOptions = {}): Promise<CriFloor> {
  const tag = `floor-${process.pid}-${Date.now().toString(36)}`;
  const made: string[] = [];
  const pod = async (i: number, rt: ContainerRuntime = runtime): Promise<{ sandboxMs: number; createStartMs: number }> => {
    const uid = `${tag}-${i}`;
    const config: PodSandboxConfig = {
      metadata: { name: `floor-${i}`, uid, namespace: 'bench', attempt: 0 },
      hostname: `floor-${i}`,
      logDirectory: opts.logRoot ? join(opts.logRoot, uid) : undefined,
      labels: { 'k8ts.io/bench': tag },
      linux: opts.cgroupRoot ? { cgroupParent: `${opts.cgroupRoot}/pod${uid}` } : undefined,
    };
    const t0 = performance.now();
    const sid = await rt.runPodSandbox(config);
    made.push(sid);
    const t1 = performance.now();
    const cid = await rt.createContainer(sid, {
      metadata: { name: 'main', attempt: 0 }, image: { image }, command: ['sleep', '3600'], logPath: opts.logRoot ? 'main/0.log' : undefined,
      linux: { securityContext: { namespaceOptions: { pid: 'CONTAINER' } } },
    }, config);
    await rt.startContainer(cid);
    const t2 = performance.now();
    return { sandboxMs: t1 - t0, createStartMs: t2 - t1 };
  };
  const clean = async (): Promise<void> => {
    const ids = made.splice(0);
    await Promise.all(ids.map(async (id) => {
      await runtime.stopPodSandbox(id); // kills the container, runs CNI DEL
      await runtime.removePodSandbox(id);
    }));
  };

  try {
    const samples = { sandboxMs: [] as number[], createStartMs: [] as number[], podMs: [] as number[], batchMs: [] as number[] };
    for (let i = 0; i < n; i++) {
      const r = await pod(i);
      samples.sandboxMs.push(r.sandboxMs);
      samples.createStartMs.push(r.createStartMs);
      samples.podMs.push(r.sandboxMs + r.createStartMs);
      await clean(); // one pod at a time: each start sees the same (empty) node
    }
    let parallelWallMs = NaN;
    let batchCpu: Record<string, number> | undefined;
    if (!opts.sequentialOnly) {
      const cpu0 = opts.cpu ? snapshotCpu(opts.cpu) : null;
      const t0 = performance.now();
      await Promise.all(Array.from({ length: n }, async (_, i) => {
        await pod(n + i);
        samples.batchMs.push(performance.now() - t0);
      }));
      parallelWallMs = performance.now() - t0;
      if (cpu0) batchCpu = cpuBetween(cpu0, snapshotCpu(opts.cpu!));
    }
    let gated: CriFloor['gated'];
    if (!opts.sequentialOnly && opts.gatedParallelism) {
      await clean();
      const rt = gateStarts(runtime, new StartGate(opts.gatedParallelism));
      const lat: number[] = [];
      const t0 = performance.now();
      await Promise.all(Array.from({ length: n }, async (_, i) => {
        await pod(2 * n + i, rt);
        lat.push(performance.now() - t0);
      }));
      gated = { parallelism: opts.gatedParallelism, wallMs: performance.now() - t0, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), samples: lat };
    }
    return {
      n, sandboxMs: median(samples.sandboxMs), createStartMs: median(samples.createStartMs), podMs: median(samples.podMs),
      parallelWallMs, batchP50Ms: percentile(samples.batchMs, 50), batchP99Ms: percentile(samples.batchMs, 99), samples, batchCpu, gated,
    };
  } finally {
    await clean();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const nArg = args.indexOf('--n');
  const n = nArg >= 0 ? Number(args[nArg + 1]) : 10;
  // Loaded here so that importing measureCriFloor never pulls in the test fixture.
  const { startTestNode } = await import('../test/kubelet/runtime/node-fixture.js');
  // CNI as `k8ts server` and `k8ts agent` configure it: no per-pod masquerade (their own nftables rule does it).
  const node = await startTestNode({ ipMasq: false });
  let floor: CriFloor;
  let idleRssMiB = NaN;
  try {
    idleRssMiB = await rssMiB(node.containerd.pid);
    floor = await measureCriFloor(node.runtime, node.busybox, n, { cgroupRoot: node.cgroupRoot, logRoot: `${node.dir}/logs` });
  } finally {
    await node.destroy();
  }
  const f = (x: number): string => x.toFixed(1);
  const rows = [
    ['RunPodSandbox (incl. CNI bridge), median', f(floor.sandboxMs)],
    ['CreateContainer + StartContainer, median', f(floor.createStartMs)],
    ['whole pod: sandbox + create + start, median', f(floor.podMs)],
    [`${n} pods at once, wall`, f(floor.parallelWallMs)],
    [`${n} pods at once, per pod (batch start → started) p50`, f(floor.batchP50Ms)],
    [`${n} pods at once, per pod (batch start → started) p99`, f(floor.batchP99Ms)],
    ['containerd idle RSS (MiB, images imported, no pods)', f(idleRssMiB)],
  ];
  const w = Math.max(...rows.map((r) => r[0]!.length));
  console.log(`| ${'step'.padEnd(w)} | ms |`);
  console.log(`| ${'-'.repeat(w)} | -- |`);
  for (const r of rows) console.log(`| ${r[0]!.padEnd(w)} | ${r[1]} |`);
  const date = new Date().toISOString();
  const outDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `cri-floor-${date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({
    bench: 'cri-floor', date, machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavg: loadavg() }, results: { ...floor, containerdIdleRssMiB: idleRssMiB },
  }, null, 2) + '\n');
  console.log(`\nwrote ${file}`);
}

/** Resident set of a process, from /proc (Linux). */
export async function rssMiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
