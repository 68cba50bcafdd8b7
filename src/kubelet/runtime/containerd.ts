// Starts and stops the containerd that a k8ts node owns: config under the node's directory, the
// process launched (optionally inside a network namespace, for several "machines" on one box),
// ready once CRI Status says runtime and network are up. Stopping is SIGTERM, wait, SIGKILL.
// Pods outlive containerd by design, so cleanupNode() removes them first when the node goes away.
// containerd's state directory (bundles, shim sockets, sandbox files, netns mounts) is a tmpfs of
// its own, as /run/containerd is for a distro containerd: every pod creates dozens of files there,
// and on a disk filesystem inode allocation alone cost a third of the CPU a pod start takes.
// containerd's root and runc's root live on that tmpfs too. On ext4 a batch of pods spends much
// of its time in the filesystem: bolt fsyncs its metadata db several times per pod, and every
// journal commit those force stalls the inode creations of snapshot dirs, overlay upper dirs,
// CRI's per-pod files and runc's state (30 pods at once on 2 cores, perf, back to back: containerd
// 32-52 -> 18-24 ms CPU per pod, shims and runc less too, batch wall 4.5-5.1 s -> 2.3-4.0 s; root or
// only its CRI dir, snapshots or db on tmpfs alone gained little). The price: images do not outlive
// the tmpfs (a reboot, or the node's destroyNode). The kubelet imports the demo images and the
// images directory at every start anyway (air-gapped nodes keep their images there); images
// pulled from a registry are pulled again when a pod next needs them (IfNotPresent).
// `imagesOnDisk` (k8ts server/agent --images-on-disk) keeps the root on disk instead.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { connectCri } from './cri-client.js';
import { bridgeNameFor, cniConflist, containerdConfig, nodeLayout } from './containerd-config.js';
import type { ContainerRuntime } from './types.js';

const run = promisify(execFile);

export const DEFAULT_SANDBOX_IMAGE = 'k8ts.local/pause:1';
/** Where a node's own containerd lives unless told otherwise (its socket is inside). */
export const DEFAULT_CONTAINERD_DIR = '/var/lib/k8ts/containerd';
export const DEFAULT_CONTAINERD_SOCKET = nodeLayout(DEFAULT_CONTAINERD_DIR).socket;

export type RuntimeLog = (event: string, fields?: Record<string, unknown>) => void;

export interface StartContainerdOptions {
  /** Root for config, state, content, sockets and logs. Keep it short (socket path limit). */
  dir: string;
  /** The node's pod subnet, e.g. "10.244.0.0/24". */
  podCIDR: string;
  /** Run containerd (and so its CNI calls and pods) inside this netns, e.g. /run/netns/node1. */
  netnsPath?: string;
  sandboxImage?: string;
  /** Bridge interface for the pod network; default: unique to dir. */
  bridge?: string;
  /** Masquerade traffic leaving the pod subnet; default true. */
  ipMasq?: boolean;
  /** Streaming server (exec/attach/port-forward) address; default loopback, free port. */
  streamAddress?: string;
  streamPort?: number;
  containerdBinary?: string;
  runcBinary?: string;
  cniBinDir?: string;
  /** Deadline for CRI Status to report RuntimeReady and NetworkReady. Default 30 s. */
  readyTimeoutMs?: number;
  /** containerd's root on disk (images kept across restarts) rather than on the state tmpfs. */
  imagesOnDisk?: boolean;
  log?: RuntimeLog;
}

export interface ContainerdHandle {
  socket: string;
  dir: string;
  pid: number;
  /** containerd's own log file (stdout and stderr). */
  logFile: string;
  /** The CNI bridge this node's pods hang off; CNI DEL leaves it behind. */
  bridge: string;
  netnsPath?: string;
  /** SIGTERM, wait up to graceMs (default 10 s), then SIGKILL. Pods keep running. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the process has exited (for whatever reason). */
  exited: Promise<number | null>;
}

const pidFile = (dir: string) => `${dir}/containerd.pid`;

/** Stops the containerd recorded in dir's pid file, if that process is still ours (same config). */
export async function stopStaleContainerd(dir: string, config: string, log: RuntimeLog = () => {}): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile(dir), 'utf8')).trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.split('\0').includes(config)) return;
  log('stopping containerd left by an earlier run', { dir, pid });
  const alive = () => readFile(`/proc/${pid}/cmdline`, 'utf8').then((c) => c.length > 0, () => false);
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 100 && (await alive()); i++) await new Promise((r) => setTimeout(r, 100));
  if (await alive()) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  for (let i = 0; i < 50 && (await alive()); i++) await new Promise((r) => setTimeout(r, 100));
}

export async function startContainerd(opts: StartContainerdOptions): Promise<ContainerdHandle> {
  const log = opts.log ?? (() => {});
  const l = nodeLayout(opts.dir, { imagesOnDisk: opts.imagesOnDisk });
  for (const d of [l.dir, l.state, l.opt, l.cniConfDir, l.ipamDir, l.certsDir]) await mkdir(d, { recursive: true });
  await mountStateTmpfs(l.state, log);
  for (const d of [l.root, l.runcRoot]) await mkdir(d, { recursive: true });
  await writeFile(l.config, containerdConfig(l, {
    sandboxImage: opts.sandboxImage ?? DEFAULT_SANDBOX_IMAGE,
    runcBinary: opts.runcBinary ?? '/usr/sbin/runc',
    cniBinDir: opts.cniBinDir ?? '/usr/lib/cni',
    streamAddress: opts.streamAddress ?? '127.0.0.1',
    streamPort: String(opts.streamPort ?? 0),
  }));
  const bridge = opts.bridge ?? bridgeNameFor(opts.dir);
  await writeFile(`${l.cniConfDir}/10-k8ts.conflist`, cniConflist({
    podCIDR: opts.podCIDR, bridge, ipamDir: l.ipamDir, ipMasq: opts.ipMasq ?? true,
  }));

  // A containerd left by a k8ts that was killed (SIGKILL, power loss) still holds this directory:
  // stop it first; its pods' shims keep running and the new one finds them.
  await stopStaleContainerd(l.dir, l.config, log);
  const bin = opts.containerdBinary ?? 'containerd';
  // nsenter, not `ip netns exec`: the latter remounts /sys and hides /sys/fs/cgroup from runc.
  const [cmd, args] = opts.netnsPath
    ? ['nsenter', [`--net=${opts.netnsPath}`, '--', bin, '--config', l.config]]
    : [bin, ['--config', l.config]];
  const out = await open(l.log, 'a');
  let child: ChildProcess;
  try {
    // Its own process group: a Ctrl-C at the terminal must reach only k8ts, which then removes the
    // pods through containerd before stopping it (containerd dying first would strand them).
    child = spawn(cmd, args, { stdio: ['ignore', out.fd, out.fd], detached: true });
  } finally {
    await out.close(); // the child holds its own copy of the descriptor
  }
  if (child.pid) await writeFile(pidFile(l.dir), `${child.pid}\n`);
  const exited = new Promise<number | null>((res) => {
    child.once('exit', (code, signal) => res(code ?? (signal ? 128 : null)));
    child.once('error', () => res(null));
  });
  let running = true;
  void exited.then((code) => { running = false; log('containerd exited', { dir: l.dir, code }); });

  const stop = async (graceMs = 10_000): Promise<void> => {
    if (!running) return;
    child.kill('SIGTERM');
    if (await within(exited, graceMs)) return;
    log('containerd did not stop in time, killing', { dir: l.dir, graceMs });
    child.kill('SIGKILL');
    await within(exited, 5_000);
  };

  try {
    await waitReady(l.socket, opts.readyTimeoutMs ?? 30_000, () => running, l.log);
  } catch (err) {
    await stop(5_000);
    throw err;
  }
  log('containerd ready', { dir: l.dir, pid: child.pid, socket: l.socket });
  return { socket: l.socket, dir: l.dir, pid: child.pid ?? -1, logFile: l.log, bridge, netnsPath: opts.netnsPath, stop, exited };
}

/** Mounts a tmpfs on the state directory unless one is there already (a containerd restarted
 *  while its pods ran must find their shims). Without the right to mount, a plain directory. */
async function mountStateTmpfs(state: string, log: RuntimeLog): Promise<void> {
  if ((await mountsUnder(state)).includes(state)) return;
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'mode=0711', 'k8ts-containerd-state', state]);
  } catch (err) {
    log('containerd state stays on disk: tmpfs mount failed', { state, err: String(err).slice(0, 200) });
  }
}

/** Polls CRI Status until RuntimeReady and NetworkReady are both true. */
async function waitReady(socket: string, timeoutMs: number, alive: () => boolean, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`containerd exited during start; see ${logFile}`);
    const rt = connectCri(socket, { timeoutMs: 1_000 });
    try {
      const { conditions } = await rt.status();
      const notReady = ['RuntimeReady', 'NetworkReady'].filter((t) => !conditions.find((c) => c.type === t)?.status);
      if (notReady.length === 0) return;
      last = `not ready: ${notReady.map((t) => `${t} (${conditions.find((c) => c.type === t)?.message ?? 'missing'})`).join(', ')}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    } finally {
      rt.close();
    }
    await sleep(50);
  }
  throw new Error(`containerd not ready after ${timeoutMs} ms: ${last}; see ${logFile}`);
}

/** Stops and removes every pod sandbox (and so its containers) on the runtime. Stopping runs CNI
 *  DEL, which frees IPAM leases and portmap rules; removing frees netns, shm and rootfs mounts.
 *  Call before stopping containerd when the node is going away for good. */
export async function cleanupNode(runtime: ContainerRuntime | string, log: RuntimeLog = () => {}): Promise<number> {
  const rt = typeof runtime === 'string' ? connectCri(runtime) : runtime;
  try {
    const sandboxes = await rt.listPodSandbox();
    await Promise.all(sandboxes.map(async (s) => {
      // Kill containers at once: a node being torn down has no grace period left to give.
      const containers = await rt.listContainers({ podSandboxId: s.id });
      await Promise.all(containers.filter((c) => c.state === 'CONTAINER_RUNNING').map((c) => rt.stopContainer(c.id, 0)));
      await rt.stopPodSandbox(s.id);
      await rt.removePodSandbox(s.id);
      log('removed sandbox', { id: s.id, pod: `${s.metadata.namespace}/${s.metadata.name}` });
    }));
    // Containers whose sandbox is already gone (should not exist, but leave nothing behind).
    for (const c of await rt.listContainers()) await rt.removeContainer(c.id);
    return sandboxes.length;
  } finally {
    if (typeof runtime === 'string') rt.close();
  }
}

/** Takes a node away for good: removes every pod, stops containerd, deletes the CNI bridge and,
 *  with removeDir, the node's directory (content, snapshots, logs). Pod cgroup parents are the
 *  kubelet's (see cgroups.ts). */
export async function destroyNode(node: ContainerdHandle, opts: { removeDir?: boolean; log?: RuntimeLog } = {}): Promise<void> {
  try {
    await cleanupNode(node.socket, opts.log);
  } finally {
    await node.stop();
  }
  // With the pods and containerd gone, the state tmpfs holds nothing the next start does not
  // import again (images: see the top of this file).
  const state = nodeLayout(node.dir).state;
  if ((await mountsUnder(state)).includes(state)) {
    await run('umount', [state]).catch((err) => opts.log?.('containerd state not unmounted', { state, err: String(err).slice(0, 200) }));
  }
  const del = ['ip', 'link', 'del', node.bridge];
  const cmd = node.netnsPath ? ['nsenter', `--net=${node.netnsPath}`, '--', ...del] : del;
  await run(cmd[0]!, cmd.slice(1)).catch(() => {}); // absent bridge (no pod ever ran): nothing to do
  if (opts.removeDir) {
    // rm -r follows into mount points: never delete through a mount that is still there.
    const left = await mountsUnder(node.dir);
    if (left.length) throw new Error(`not removing ${node.dir}: still mounted: ${left.join(', ')}`);
    await rm(node.dir, { recursive: true, force: true });
  }
}

/** Mount points at or below dir, from /proc/self/mountinfo (field 5 is the mount point). */
export async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return info.split('\n').map((line) => line.split(' ')[4] ?? '')
    .map((p) => p.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(prefix));
}

function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((res) => {
    const t = setTimeout(() => res(false), ms);
    void p.then(() => { clearTimeout(t); res(true); });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}
