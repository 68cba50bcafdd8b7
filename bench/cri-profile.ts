// Where the CPU goes when n pods start at once straight on containerd (the CRI floor's batch):
// `npm run bench cri-profile [-- --n 30] [--runs 3] [--perf] [--replace 'from=>to' ...] [--cni 'js']`.
// Starts a containerd as the pods bench does (host network namespace, no per-pod masquerade),
// imports the demo images, then per run: n pods at once (sandbox + create + start), timed, with
// the machine's CPU time from /proc/stat over the batch (busy, idle, iowait) and, with --perf, a
// system-wide `perf record` whose samples are summed per process name (containerd, shim, runc,
// CNI plugins, pause...). Every pod is removed between runs. --replace edits config.toml ({dir}: the node's directory) and --cni
// is a JS function body mutating `c` (the conflist object), --sh runs a shell command ({dir}) before the relaunch, --env K=V goes to containerd (and so
// to its shims, runc and the CNI plugins): all are for trying settings before
// they go into containerd-config.ts; containerd is restarted with the edited files.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { percentile } from './cri-floor.js';
import { connectCri } from '../src/kubelet/runtime/cri-client.js';
import { destroyNode, mountsUnder, startContainerd, type ContainerdHandle } from '../src/kubelet/runtime/containerd.js';
import { nodeLayout } from '../src/kubelet/runtime/containerd-config.js';
import { removeCgroup } from '../src/kubelet/runtime/cgroups.js';
import { buildDemoImages, importImageArchive, DEMO_BUSYBOX_IMAGE } from '../src/kubelet/runtime/images.js';
import type { ContainerRuntime, PodSandboxConfig } from '../src/kubelet/runtime/types.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const argN = (name: string, dflt: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const argAll = (name: string): string[] => args.flatMap((a, i) => (a === name && args[i + 1] !== undefined ? [args[i + 1]!] : []));
const N = argN('--n', 30);
const RUNS = argN('--runs', 3);
const PERF = args.includes('--perf');
const CONC = argN('--conc', Infinity);
const HZ = 499;

interface CpuTimes { busy: number; idle: number; iowait: number }
/** Seconds of CPU time, all cores, from the first line of /proc/stat (USER_HZ = 100). */
function cpuTimes(): CpuTimes {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  return { busy: (user + nice + system + irq + softirq + steal) / 100, idle: idle / 100, iowait: iowait / 100 };
}

/** Process name classes: what perf's comm field says, folded (runc's init children, CNI plugins). */
function classOf(comm: string): string {
  if (comm.startsWith('runc')) return 'runc';
  if (comm.startsWith('containerd-shim')) return 'containerd-shim';
  if (comm === 'containerd') return 'containerd';
  if (['bridge', 'host-local', 'portmap', 'loopback'].includes(comm)) return `cni:${comm}`;
  if (comm === 'sleep' || comm === 'pause') return 'pod processes';
  if (comm === 'node' || comm.startsWith('node')) return 'other: node (not this bench)';
  if (/^(iptables|ip6tables|xtables|nft)/.test(comm)) return `iptables (${comm})`;
  if (/^(kworker|ksoftirqd|rcu|jbd2|migration|kthreadd)/.test(comm)) return 'kernel threads';
  if (comm === 'swapper') return 'idle';
  return `other: ${comm}`;
}

async function batch(rt: ContainerRuntime, tag: string, cgroupRoot: string, logRoot: string): Promise<{ lat: number[]; wall: number; ids: string[] }> {
  const ids: string[] = [];
  const lat: number[] = [];
  const t0 = performance.now();
  // --conc K: at most K pods between RunPodSandbox and StartContainer at once (the rest wait their turn).
  let free = CONC;
  const waiters: (() => void)[] = [];
  const acquire = async (): Promise<void> => { if (free > 0) { free--; return; } await new Promise<void>((r) => waiters.push(r)); };
  const release = (): void => { const w = waiters.shift(); if (w) w(); else free++; };
  await Promise.all(Array.from({ length: N }, async (_, i) => {
    await acquire();
    const uid = `${tag}-${i}`;
    const config: PodSandboxConfig = {
      metadata: { name: `p-${i}`, uid, namespace: 'bench', attempt: 0 },
      hostname: `p-${i}`, logDirectory: join(logRoot, uid), labels: { 'k8ts.io/bench': tag },
      linux: { cgroupParent: `${cgroupRoot}/pod${uid}` },
    };
    const sid = await rt.runPodSandbox(config);
    ids.push(sid);
    const cid = await rt.createContainer(sid, {
      metadata: { name: 'main', attempt: 0 }, image: { image: DEMO_BUSYBOX_IMAGE }, command: ['sleep', '3600'], logPath: 'main/0.log',
      linux: { securityContext: { namespaceOptions: { pid: 'CONTAINER' } } },
    }, config);
    await rt.startContainer(cid);
    release();
    lat.push(performance.now() - t0);
  }));
  return { lat, wall: performance.now() - t0, ids };
}

/** containerd started by hand from the (edited) files startContainerd wrote, for trying settings. */
async function relaunch(h: ContainerdHandle): Promise<ContainerdHandle> {
  await h.stop();
  const l = nodeLayout(h.dir);
  let cfg = readFileSync(l.config, 'utf8');
  for (const r of argAll('--replace')) {
    const [from, to] = r.replaceAll('{dir}', h.dir).split('=>') as [string, string];
    if (!cfg.includes(from)) throw new Error(`--replace: ${JSON.stringify(from)} not in config.toml`);
    cfg = cfg.replace(from, to.replace(/\\n/g, '\n'));
  }
  writeFileSync(l.config, cfg);
  for (const sh of argAll('--sh')) await run('sh', ['-c', sh.replaceAll('{dir}', h.dir)]);
  const conf = join(l.cniConfDir, '10-k8ts.conflist');
  const c = JSON.parse(readFileSync(conf, 'utf8')) as unknown;
  for (const js of argAll('--cni')) new Function('c', js)(c);
  writeFileSync(conf, JSON.stringify(c, null, 2));
  const env = { ...process.env, ...Object.fromEntries(argAll('--env').map((kv) => kv.split('=', 2) as [string, string])) };
  const child = spawn('containerd', ['--config', l.config], { stdio: 'ignore', detached: true, env });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const rt = connectCri(h.socket, { timeoutMs: 1000 });
    const ok = await rt.status().then((s) => s.conditions.every((x) => x.status), () => false);
    rt.close();
    if (ok) break;
    if (Date.now() > deadline) throw new Error('relaunched containerd not ready');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    ...h, pid: child.pid!, exited,
    stop: async () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync('/tmp/k8ts-pp-');
  const cgroupRoot = `/${basename(dir)}`;
  let h = await startContainerd({ dir, podCIDR: '10.250.22.0/24', ipMasq: false });
  let rt: ContainerRuntime | null = null;
  try {
    if (['--replace', '--cni', '--env', '--sh'].some((o) => argAll(o).length)) h = await relaunch(h);
    await importImageArchive(h.socket, await buildDemoImages({ outDir: join(dir, 'images') }));
    rt = connectCri(h.socket);
    for (let r = 0; r < RUNS; r++) {
      const perfData = join(dir, `perf-${r}.data`);
      const perf = PERF ? spawn('perf', ['record', '-a', '-F', String(HZ), '-o', perfData, '-q'], { stdio: 'ignore' }) : null;
      if (perf) await new Promise((res) => setTimeout(res, 300)); // perf needs a moment to attach to every cpu
      const load = loadavg()[0]!;
      const c0 = cpuTimes();
      const b = await batch(rt, `pp${r}-${Date.now().toString(36)}`, cgroupRoot, join(dir, 'logs'));
      const c1 = cpuTimes();
      let classes = '';
      if (perf) {
        const done = new Promise((res) => perf.once('exit', res));
        perf.kill('SIGINT');
        await done;
        const { stdout } = await run('perf', ['script', '-i', perfData, '-F', 'pid,comm'], { maxBuffer: 1 << 24 });
        const sums = new Map<string, number>();
        for (const line of stdout.split('\n')) {
          // One sample a line: "<comm> <pid>" (comm may hold spaces).
          const m = /^\s*(.+?)\s+(\d+)\s*$/.exec(line);
          if (!m) continue;
          const cls = Number(m[2]) === process.pid ? 'node (this bench)' : classOf(m[1]!);
          sums.set(cls, (sums.get(cls) ?? 0) + 1);
        }
        classes = [...sums].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${(v / HZ / N * 1000).toFixed(1)}`).join(', ');
        classes += `  (ms CPU per pod; idle ${((sums.get('idle') ?? 0) / HZ).toFixed(2)} s)`;
      }
      console.log(`run ${r}: load ${load.toFixed(2)}; wall ${b.wall.toFixed(0)} ms, p50 ${percentile(b.lat, 50).toFixed(0)} p99 ${percentile(b.lat, 99).toFixed(0)}; `
        + `CPU busy ${(c1.busy - c0.busy).toFixed(2)} s (${((c1.busy - c0.busy) / N * 1000).toFixed(0)} ms/pod), idle ${(c1.idle - c0.idle).toFixed(2)} s, iowait ${(c1.iowait - c0.iowait).toFixed(2)} s`);
      if (classes) console.log(`  ${classes}`);
      await Promise.all(b.ids.map(async (id) => { await rt!.stopPodSandbox(id); await rt!.removePodSandbox(id); }));
    }
  } finally {
    rt?.close();
    try {
      await destroyNode(h);
      // Mounts an --sh made (tmpfs over parts of root): gone before the directory is.
      for (const m of (await mountsUnder(dir)).reverse()) await run('umount', [m]).catch(() => undefined);
    } finally {
      await removeCgroup(cgroupRoot).catch(() => 0);
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
