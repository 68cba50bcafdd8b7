// Real etcd processes for tests and benchmarks: one member or an N-member cluster on free loopback
// ports, each with its own temp data dir. Everything started here is stopped and deleted by
// stop(), and — should a test crash before calling it — by a process 'exit' hook.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ETCD_BINARY = process.env.K8TS_ETCD_BINARY ?? '/usr/bin/etcd';

export interface EtcdMember {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  /** True until the process has exited. */
  readonly running: boolean;
  /** The member's last lines of output (for failure messages). */
  logTail(): string;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** Client URLs of every member (including killed ones). */
  endpoints: string[];
  /** SIGKILL one member (no graceful shutdown) and wait until it has exited. */
  killMember(index: number): Promise<void>;
  /** SIGTERM every member (SIGKILL after a grace period), then delete their data dirs. Idempotent. */
  stop(): Promise<void>;
}

export interface StartEtcdOptions {
  members?: number;
  /** Deadline for the whole cluster to report healthy. */
  timeoutMs?: number;
  /** Extra etcd flags for every member. */
  extraArgs?: string[];
}

interface Running {
  member: EtcdMember;
  proc: ChildProcess;
  exited: Promise<void>;
}

const everything = new Set<{ procs: ChildProcess[]; dirs: string[] }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: kill hard and delete.
  const killAll = () => {
    for (const set of everything) {
      for (const p of set.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      for (const d of set.dirs) rmSync(d, { recursive: true, force: true });
    }
    everything.clear();
  };
  process.on('exit', killAll);
  // A signal (test runner timeout, ^C) skips 'exit' handlers: clean up, then die as asked.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(code);
    });
  }
}

/** A free TCP port on 127.0.0.1 (bound and released; etcd's start is retried if it is taken). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdCluster> {
  let lastErr: unknown;
  // A port picked by freePort can be taken by someone else before etcd binds it: try again.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      lastErr = err;
      if (!/address already in use/.test(String((err as Error).message))) throw err;
    }
  }
  throw lastErr;
}

async function startOnce(opts: StartEtcdOptions): Promise<EtcdCluster> {
  installExitHook();
  const n = opts.members ?? 1;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const token = `k8ts-test-${process.pid}-${Date.now()}`;
  const specs: { name: string; client: number; peer: number; dir: string }[] = [];
  const tracked = { procs: [] as ChildProcess[], dirs: [] as string[] };
  everything.add(tracked);
  for (let i = 0; i < n; i++) {
    const dir = mkdtempSync(join(tmpdir(), `k8ts-etcd-${i}-`));
    tracked.dirs.push(dir);
    specs.push({ name: `m${i}`, client: await freePort(), peer: await freePort(), dir });
  }
  const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peer}`).join(',');
  const running: Running[] = specs.map((s) => {
    const clientUrl = `http://127.0.0.1:${s.client}`;
    const peerUrl = `http://127.0.0.1:${s.peer}`;
    const proc = spawn(
      ETCD_BINARY,
      [
        `--name=${s.name}`,
        `--data-dir=${join(s.dir, 'data')}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=${initialCluster}`,
        `--initial-cluster-state=new`,
        `--initial-cluster-token=${token}`,
        // Room for the Store's largest value (1.5 MiB) plus key and framing.
        `--max-request-bytes=2097152`,
        `--logger=zap`,
        `--log-outputs=stderr`,
        `--log-level=warn`,
        ...(opts.extraArgs ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    tracked.procs.push(proc);
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      tail.push(...chunk.toString().split('\n').filter(Boolean));
      if (tail.length > 40) tail.splice(0, tail.length - 40);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.once('error', (err) => tail.push(`spawn error: ${err.message}`));
    const member: EtcdMember = {
      name: s.name,
      clientUrl,
      peerUrl,
      dataDir: s.dir,
      get running() {
        return proc.exitCode === null && proc.signalCode === null;
      },
      logTail: () => tail.join('\n'),
    };
    return { member, proc, exited };
  });

  let stopped = false;
  const cluster: EtcdCluster = {
    members: running.map((r) => r.member),
    endpoints: running.map((r) => r.member.clientUrl),
    async killMember(index: number) {
      const r = running[index];
      if (!r) throw new Error(`no member ${index}`);
      if (r.member.running) r.proc.kill('SIGKILL');
      await withDeadline(r.exited, 10_000, `etcd member ${r.member.name} did not exit after SIGKILL`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all(
        running.map(async (r) => {
          if (!r.member.running) return;
          r.proc.kill('SIGTERM');
          const t = setTimeout(() => r.member.running && r.proc.kill('SIGKILL'), 5_000);
          await r.exited;
          clearTimeout(t);
        }),
      );
      for (const d of tracked.dirs) rmSync(d, { recursive: true, force: true });
      everything.delete(tracked);
    },
  };

  try {
    await waitHealthy(running, timeoutMs);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

async function waitHealthy(running: Running[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const r of running) {
    for (;;) {
      if (!r.member.running) {
        throw new Error(`etcd member ${r.member.name} exited during startup:\n${r.member.logTail()}`);
      }
      if (await isHealthy(r.member.clientUrl)) break;
      if (Date.now() > deadline) {
        throw new Error(`etcd member ${r.member.name} not healthy after ${timeoutMs} ms:\n${r.member.logTail()}`);
      }
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}

/** etcd's /health is true once the member is serving and the cluster has a leader. */
export async function isHealthy(clientUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { health?: string };
    return res.ok && body.health === 'true';
  } catch {
    return false;
  }
}

async function withDeadline<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
