// CPU time of a node's stack over a phase (a batch of pods starting), per process class, from
// /proc and the cpuacct cgroup: wall times are noisy when others share the machine's 2 cores,
// CPU-seconds per pod much less so. Classes:
//  - containerd: the daemon with its reaped children (the CNI plugins, `shim start`);
//  - shims+runc: the node's containerd-shim-runc-v2 daemons with their reaped children (runc);
//  - pods: the pods' cgroups (runc init once moved there, pause, the containers);
//  - k8ts: given pids (the server), with their reaped children;
//  - machine: all CPUs busy (everything anyone runs, for load context).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const TICK = 100; // USER_HZ

export interface CpuSnapshot { classes: Record<string, number>; perPid: Map<number, number> }

/** utime + stime + cutime + cstime of a process, seconds; null when it is gone. */
function procCpu(pid: number): number | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // After the comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICK;
  } catch {
    return null;
  }
}

function machineBusy(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!) / TICK;
}

function cgroupCpu(cgroupRoot: string | undefined): number {
  if (!cgroupRoot) return 0;
  try {
    return Number(readFileSync(join('/sys/fs/cgroup/cpuacct', cgroupRoot, 'cpuacct.usage'), 'utf8')) / 1e9;
  } catch {
    return 0;
  }
}

export interface StackRef {
  /** containerd's pid. */
  containerd: number;
  /** containerd's socket: its shims carry it in their command line. */
  socket: string;
  /** The pods' cgroup parent (cgroupfs path, e.g. /k8ts). */
  cgroupRoot?: string;
  /** Other processes to account, by class name (e.g. { k8ts: serverPid }). */
  others?: Record<string, number>;
}

export function snapshotCpu(ref: StackRef): CpuSnapshot {
  const perPid = new Map<number, number>();
  let shims = 0;
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    let argv: string[];
    try { argv = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0'); } catch { continue; }
    if (!(argv[0] ?? '').endsWith('containerd-shim-runc-v2') || !argv.includes(ref.socket)) continue;
    const c = procCpu(Number(e));
    if (c !== null) { perPid.set(Number(e), c); shims += c; }
  }
  const classes: Record<string, number> = {
    containerd: procCpu(ref.containerd) ?? 0,
    'shims+runc': shims,
    pods: cgroupCpu(ref.cgroupRoot),
  };
  for (const [name, pid] of Object.entries(ref.others ?? {})) classes[name] = procCpu(pid) ?? 0;
  classes.machine = machineBusy();
  return { classes, perPid };
}

/** CPU-seconds each class used between two snapshots (shims that appeared in between count from 0;
 *  pods' cgroups that were removed in between make "pods" unreliable: take `after` first). */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.classes)) out[k] = Math.max(0, v - (before.classes[k] ?? 0));
  let shims = 0;
  for (const [pid, v] of after.perPid) shims += v - (before.perPid.get(pid) ?? 0);
  out['shims+runc'] = shims;
  const stack = Object.entries(out).filter(([k]) => k !== 'machine').reduce((a, [, v]) => a + v, 0);
  out.stack = stack;
  return out;
}

/** "containerd 35, shims+runc 150, ..." in ms per pod. */
export function perPodLine(cpu: Record<string, number>, pods: number): string {
  return Object.entries(cpu).map(([k, v]) => `${k} ${Math.round((v / pods) * 1000)}`).join(', ');
}
