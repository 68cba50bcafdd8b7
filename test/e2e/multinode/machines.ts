// Several "machines" on one box for multi-node tests: each machine is a network namespace with one
// veth leg on a shared bridge that lives in a switch namespace of its own, so nothing is added to
// the host's network. `k8ts server` runs in machine 0, `k8ts agent` in the others; close() stops
// every process, resets their state and deletes every namespace, even after a failure.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';

export const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
export const K8TS = join(ROOT, 'dist', 'src', 'cmd', 'k8ts.js');

export interface Machine {
  name: string;
  netns: string;
  ip: string;
  dataDir: string;
  cgroupRoot: string;
  process: ChildProcess | null;
  log: string;
  /** [command, args] running cmd inside this machine's network namespace. */
  inNetns(cmd: string, args: string[]): readonly [string, string[]];
  /** SIGINT and wait (SIGKILL after 30 s). */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or power loss: pods and containerd are left as they were. */
  kill(): Promise<void>;
}

export interface EtcdMember {
  name: string;
  machine: Machine;
  clientURL: string;
  process: ChildProcess | null;
  kill(): Promise<void>;
}

export interface Cluster {
  dir: string;
  server: Machine;
  /** Every machine running `k8ts server` (the first is `server`). */
  servers: Machine[];
  etcd: EtcdMember[];
  agents: Machine[];
  apiURL: string;
  token: string;
  /** With etcd: the servers' --datastore-endpoint and the server token further servers join with. */
  datastoreEndpoint?: string;
  serverToken?: string;
  kubeconfig: string;
  kubectl(...args: string[]): Promise<string>;
  /** Starts (or restarts) agent i's process. */
  startAgent(i: number): Promise<void>;
  until<T>(what: string, ms: number, probe: () => Promise<T | undefined | null | false>): Promise<T>;
  /** Cuts or restores a machine's link to the switch. */
  setLink(m: Machine, up: boolean): Promise<void>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  name: string;
  agents: number;
  backend?: 'host-gw' | 'vxlan';
  /** Extra flags for `k8ts server`. */
  serverArgs?: string[];
  /** Extra flags for every `k8ts agent`. */
  agentArgs?: string[];
  /** Machines running `k8ts server` (default 1); the rest run agents. */
  servers?: number;
  /** Three etcd members (on machines 0-2) that the servers share, instead of SQLite. */
  etcd?: boolean;
  /**
   * Agents on a second subnet (192.168.78.0/24) behind a router in the switch namespace, so the
   * nodes are not on one link: host-gw routes cannot work there, only the VXLAN overlay does.
   */
  routed?: boolean;
}

const SUBNET = '192.168.77';
const AGENT_SUBNET = '192.168.78';

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), `k8ts-${o.name}-mn-`));
  const tag = `${o.name}${process.pid % 100000}`.slice(0, 9);
  const sw = `k8ts-sw-${tag}`;
  const machines: Machine[] = [];
  const etcdProcs: EtcdMember[] = [];
  let stderrAll = '';
  const mkMachine = (i: number): Machine => {
    const netns = `k8ts-m${i}-${tag}`;
    const m: Machine = {
      name: `${o.name}-m${i}`, netns, ip: `${SUBNET}.${10 + i}`, dataDir: join(dir, `m${i}`), cgroupRoot: `/k8ts-${tag}-m${i}`,
      process: null, log: '',
      inNetns: (cmd, args) => ['nsenter', [`--net=/run/netns/${netns}`, '--', cmd, ...args]],
      async stop() {
        const p = m.process;
        if (p && p.exitCode === null && p.signalCode === null) {
          const exited = new Promise((r) => p.once('exit', r));
          p.kill('SIGINT');
          const t = setTimeout(() => p.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(t);
        }
      },
      async kill() {
        const p = m.process;
        if (p && p.exitCode === null && p.signalCode === null) {
          const exited = new Promise((r) => p.once('exit', r));
          p.kill('SIGKILL');
          await exited;
        }
      },
    };
    return m;
  };
  const spawnIn = (m: Machine, args: string[], readyRe: RegExp, what: string): Promise<string> => {
    const [cmd, argv] = m.inNetns(process.execPath, [K8TS, ...args]);
    const c = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    m.process = c;
    c.stderr!.on('data', (b: Buffer) => { m.log += b.toString(); stderrAll += b.toString(); if (m.log.length > 2e6) m.log = m.log.slice(-1e6); });
    let stdout = '';
    return new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${what} not up within 120 s:\n${m.log.slice(-3000)}`)), 120_000);
      c.stdout!.on('data', (b: Buffer) => {
        stdout += b.toString();
        if (readyRe.test(stdout)) { clearTimeout(t); resolve(stdout); }
      });
      c.once('exit', (code) => { clearTimeout(t); reject(new Error(`${what} exited ${code}:\n${m.log.slice(-3000)}`)); });
    });
  };

  const close = async () => {
    // Every machine stops and resets at once (each removes its own pods, bridge and state).
    await Promise.all(machines.map(async (m) => {
      await m.stop().catch(() => undefined);
      if (existsSync(m.dataDir)) {
        const sub = existsSync(join(m.dataDir, 'server')) ? 'server' : 'agent';
        const [cmd, argv] = m.inNetns(process.execPath, [K8TS, sub, '--reset', '--data-dir', m.dataDir, '--cgroup-root', m.cgroupRoot]);
        await run(cmd, argv, { timeout: 60_000 }).catch(() => undefined);
      }
    }));
    for (const e of etcdProcs) await e.kill().catch(() => undefined);
    // Whatever a failed reset left: processes and mounts under the test directory.
    await run('pkill', ['-KILL', '-f', dir]).catch(() => undefined);
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '').filter((p) => p.startsWith(dir)).reverse();
    for (const mnt of mounts) await run('umount', ['-l', mnt]).catch(() => undefined);
    for (const m of machines) await run('ip', ['netns', 'del', m.netns]).catch(() => undefined);
    await run('ip', ['netns', 'del', sw]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await run('ip', ['netns', 'add', sw]);
    const inSw = (...a: string[]) => run('ip', ['-n', sw, ...a]);
    await inSw('link', 'add', 'br0', 'type', 'bridge');
    await inSw('link', 'set', 'br0', 'up');
    if (o.routed) {
      // The switch namespace also routes between the two subnets (and nothing else: it has no
      // route to any pod subnet, so unencapsulated pod traffic between the subnets dies here).
      await inSw('link', 'add', 'br1', 'type', 'bridge');
      await inSw('link', 'set', 'br1', 'up');
      await inSw('addr', 'add', `${SUBNET}.1/24`, 'dev', 'br0');
      await inSw('addr', 'add', `${AGENT_SUBNET}.1/24`, 'dev', 'br1');
      await run('ip', ['netns', 'exec', sw, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    }
    const nServers = o.servers ?? 1;
    for (let i = 0; i < nServers + o.agents; i++) {
      const m = mkMachine(i);
      const [subnet, bridge] = o.routed && i >= nServers ? [AGENT_SUBNET, 'br1'] : [SUBNET, 'br0'];
      m.ip = `${subnet}.${10 + i}`;
      machines.push(m);
      await run('ip', ['netns', 'add', m.netns]);
      const inM = (...a: string[]) => run('ip', ['-n', m.netns, ...a]);
      await inM('link', 'set', 'lo', 'up');
      // The machine's NIC (eth0) and its port on the switch.
      await run('ip', ['link', 'add', `k8p${i}${tag}`.slice(0, 15), 'netns', sw, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', m.netns]);
      await inSw('link', 'set', `k8p${i}${tag}`.slice(0, 15), 'master', bridge, 'up');
      await inM('addr', 'add', `${m.ip}/24`, 'dev', 'eth0');
      await inM('link', 'set', 'eth0', 'up');
      // A default route, as real hosts have: the kernel routes ClusterIPs only when some route covers them.
      await inM('route', 'add', 'default', 'via', `${subnet}.1`, 'dev', 'eth0');
    }
    const server = machines[0]!;
    const etcd: EtcdMember[] = [];
    let storeArgs: string[] = [];
    if (o.etcd) {
      const members = machines.slice(0, 3);
      const cluster = members.map((m, i) => `e${i}=http://${m.ip}:2380`).join(',');
      for (const [i, m] of members.entries()) {
        const dataDir = join(dir, `etcd-${i}`);
        const [cmd, argv] = m.inNetns('/usr/bin/etcd', [`--name=e${i}`, `--data-dir=${dataDir}`,
          `--listen-client-urls=http://${m.ip}:2379`, `--advertise-client-urls=http://${m.ip}:2379`,
          `--listen-peer-urls=http://${m.ip}:2380`, `--initial-advertise-peer-urls=http://${m.ip}:2380`,
          `--initial-cluster=${cluster}`, '--initial-cluster-state=new', `--initial-cluster-token=${tag}`,
          '--logger=zap', '--log-outputs=stderr', '--log-level=warn']);
        const p = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
        p.stderr!.on('data', (b: Buffer) => { stderrAll += b.toString(); });
        const member: EtcdMember = {
          name: `e${i}`, machine: m, clientURL: `http://${m.ip}:2379`, process: p,
          async kill() {
            if (p.exitCode === null && p.signalCode === null) {
              const exited = new Promise((r) => p.once('exit', r));
              p.kill('SIGKILL');
              await exited;
            }
          },
        };
        etcd.push(member);
        etcdProcs.push(member);
      }
      const deadline = Date.now() + 60_000;
      for (const e of etcd) {
        for (;;) {
          const [cmd, argv] = e.machine.inNetns('curl', ['-sS', '--max-time', '2', `${e.clientURL}/health`]);
          const ok = await run(cmd, argv, { timeout: 5000 }).then((r) => r.stdout.includes('"health":"true"'), () => false);
          if (ok) break;
          if (Date.now() > deadline) throw new Error(`etcd ${e.name} not healthy within 60 s:\n${stderrAll.slice(-3000)}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      storeArgs = ['--datastore-endpoint', `etcd:${etcd.map((e) => e.clientURL).join(',')}`];
    }
    const serverArgs = (m: Machine, i: number) => ['server', '--data-dir', m.dataDir, '--bind-address', '0.0.0.0', '--port', '6443',
      '--node-name', m.name, '--pod-cidr', `10.244.${i === 0 ? 0 : 100 + i}.0/24`, '--cgroup-root', m.cgroupRoot, '--no-user-kubeconfig',
      '--network-backend', o.backend ?? 'host-gw', ...storeArgs, ...(o.serverArgs ?? [])];
    const serverOut = await spawnIn(server, serverArgs(server, 0), /kubeconfig: /, 'k8ts server');
    // Further servers share the cluster's CA and service-account key through the datastore,
    // opened with the server token the first one printed.
    const serverToken = /--server-token (\S+)/.exec(serverOut)?.[1];
    if (nServers > 1 && !serverToken) throw new Error(`k8ts server printed no server token:\n${serverOut}`);
    for (let i = 1; i < nServers; i++) {
      const m = machines[i]!;
      await spawnIn(m, [...serverArgs(m, i), '--server-token', serverToken!], /kubeconfig: /, `k8ts server ${m.name}`);
    }
    const tokenMatch = /--token (\S+)/.exec(serverOut);
    if (!tokenMatch) throw new Error(`k8ts server printed no join token:\n${serverOut}`);
    const token = tokenMatch[1]!;
    const urlMatch = /--server (\S+)/.exec(serverOut);
    if (!urlMatch) throw new Error(`k8ts server printed no join URL:\n${serverOut}`);
    const apiURL = urlMatch[1]!;
    const caFile = join(server.dataDir, 'server', 'tls', 'ca.crt');
    const kubeconfig = join(server.dataDir, 'admin.kubeconfig');
    const agents = machines.slice(nServers);
    const startAgent = async (i: number): Promise<void> => {
      const m = agents[i]!;
      await spawnIn(m, ['agent', '--server', apiURL, '--token', token, ...(apiURL.startsWith('https:') ? ['--ca-file', caFile] : []), '--node-name', m.name, '--node-ip', m.ip,
        '--data-dir', m.dataDir, '--cgroup-root', m.cgroupRoot, '--network-backend', o.backend ?? 'host-gw', ...(o.agentArgs ?? [])], /joined/, `k8ts agent ${m.name}`);
    };
    await Promise.all(agents.map((_, i) => startAgent(i)));
    const kubectl = async (...args: string[]) => {
      const [cmd, argv] = server.inNetns('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kcache'), ...args]);
      const { stdout } = await run(cmd, argv, { timeout: 90_000, env: { ...process.env, HOME: dir } });
      return stdout;
    };
    return {
      dir, server, servers: machines.slice(0, nServers), etcd, agents, apiURL, token, kubeconfig, kubectl, startAgent,
      datastoreEndpoint: storeArgs[1], serverToken,
      async until(what, ms, probe) {
        const deadline = Date.now() + ms;
        let last: unknown;
        for (;;) {
          try {
            const v = await probe();
            if (v) return v;
          } catch (err) { last = err; }
          if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}\nlog tail:\n${stderrAll.slice(-4000)}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      },
      async setLink(m, up) {
        await run('ip', ['-n', m.netns, 'link', 'set', 'eth0', up ? 'up' : 'down']);
        if (up) await run('ip', ['-n', m.netns, 'route', 'replace', 'default', 'via', `${SUBNET}.1`, 'dev', 'eth0']).catch(() => undefined);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
