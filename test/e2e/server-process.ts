// `k8ts server` as a child process in a network namespace of its own (its bridge, routes and NAT
// rules stay there), for end-to-end tests: kubectl and curl reach it by entering that namespace.
// close() stops it with SIGINT, then `--reset` and removes the namespace, even after a failure.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
export const K8TS = join(ROOT, 'dist', 'src', 'cmd', 'k8ts.js');
export const EXAMPLES = join(ROOT, 'examples');

export interface ServerProcess {
  dir: string;
  dataDir: string;
  kubeconfig: string;
  cgroupRoot: string;
  /** What the server printed on stdout until it was up. */
  stdout: string;
  stderr(): string;
  /** [command, args] that run cmd inside the server's network namespace. */
  inNetns(cmd: string, args: string[]): readonly [string, string[]];
  /** Runs a kubectl binary; a non-zero exit is returned, not thrown. */
  kubectlRun(bin: string, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }>;
  /** The default kubectl; throws on a non-zero exit. */
  kubectl(...args: string[]): Promise<string>;
  /** Polls probe until it returns something truthy; the error carries the server's log tail. */
  until<T>(what: string, ms: number, probe: () => Promise<T | undefined | null | false>): Promise<T>;
  /** SIGINT and wait (SIGKILL after 30 s). */
  stop(): Promise<{ exitCode: number | null }>;
  close(): Promise<void>;
}

export async function startServerProcess(opts: { name: string; podCIDR: string; args?: (dir: string) => string[] }): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), `k8ts-${opts.name}-e2e-`));
  const dataDir = join(dir, 'data');
  // Own cgroup parent: kubelets of other tests running now garbage-collect theirs, not ours.
  const cgroupRoot = `/k8ts-${opts.name}-${process.pid}`;
  const netns = `k8ts-${opts.name}-${process.pid}`;
  const inNetns = (cmd: string, args: string[]): readonly [string, string[]] => ['nsenter', [`--net=/run/netns/${netns}`, '--', cmd, ...args]];
  let child: ChildProcess | null = null;
  let stderr = '';

  const stop = async () => {
    const s = child;
    if (s && s.exitCode === null && s.signalCode === null) {
      const exited = new Promise((r) => s.once('exit', r));
      s.kill('SIGINT');
      const t = setTimeout(() => s.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(t);
    }
    return { exitCode: s?.exitCode ?? null };
  };
  const close = async () => {
    await stop().catch(() => undefined);
    // Whatever a failed run left: the server's own reset removes its pods and state.
    if (existsSync(dataDir)) {
      const [cmd, argv] = inNetns(process.execPath, [K8TS, 'server', '--reset', '--data-dir', dataDir, '--cgroup-root', cgroupRoot]);
      await run(cmd, argv, { timeout: 60_000 }).catch(() => undefined);
    }
    await run('ip', ['netns', 'del', netns]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  const kubectlRun = async (bin: string, ...args: string[]) => {
    const [cmd, argv] = inNetns(bin, ['--kubeconfig', join(dataDir, 'admin.kubeconfig'), '--cache-dir', join(dir, 'kcache'), ...args]);
    try {
      const { stdout, stderr: se } = await run(cmd, argv, { timeout: 90_000, env: { ...process.env, HOME: dir } });
      return { stdout, stderr: se, code: 0 };
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; code?: number | string };
      if (typeof e.code !== 'number') throw err;
      return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code };
    }
  };

  try {
    await run('ip', ['netns', 'add', netns]);
    // A host has an uplink with a default route; without one the kernel refuses to route to a
    // ClusterIP before the proxy's DNAT sees the packet. A veth pair inside the namespace stands in.
    for (const step of [['link', 'set', 'lo', 'up'], ['link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'up1'],
      ['addr', 'add', '192.0.2.10/24', 'dev', 'up0'], ['link', 'set', 'up0', 'up'], ['link', 'set', 'up1', 'up'],
      ['route', 'add', 'default', 'via', '192.0.2.1', 'dev', 'up0']]) {
      await run('ip', ['netns', 'exec', netns, 'ip', ...step]);
    }
    // nsenter, not `ip netns exec`: the latter remounts /sys and hides the cgroup tree from runc.
    const [cmd, argv] = inNetns(process.execPath, [K8TS, 'server', '--data-dir', dataDir, '--port', '0', '--node-name', `${opts.name}-node`,
      '--pod-cidr', opts.podCIDR, '--cgroup-root', cgroupRoot, '--no-user-kubeconfig', ...(opts.args?.(dir) ?? [])]);
    const c = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`k8ts server not up within 120 s:\n${stderr.slice(-3000)}`)), 120_000);
      c.stdout!.on('data', (b: Buffer) => {
        stdout += b.toString();
        if (/kubeconfig: /.test(stdout)) { clearTimeout(t); resolve(); }
      });
      c.once('exit', (code) => { clearTimeout(t); reject(new Error(`k8ts server exited ${code}:\n${stderr.slice(-3000)}`)); });
    });
    return {
      dir, dataDir, cgroupRoot, stdout, kubeconfig: join(dataDir, 'admin.kubeconfig'),
      stderr: () => stderr,
      inNetns,
      kubectlRun,
      async kubectl(...args) {
        const r = await kubectlRun('/usr/bin/kubectl', ...args);
        if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
        return r.stdout;
      },
      async until(what, ms, probe) {
        const deadline = Date.now() + ms;
        let last: unknown;
        for (;;) {
          try {
            const v = await probe();
            if (v) return v;
          } catch (err) { last = err; }
          if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}\nserver log tail:\n${stderr.slice(-3000)}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      },
      stop,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
