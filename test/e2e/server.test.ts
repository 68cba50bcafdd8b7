// README command one, end to end: `k8ts server` from a clean state runs real containers through
// its own containerd, and the real kubectl drives it: an RC of busybox web servers reaches Running
// with pod IPs that answer HTTP from the host; a container killed from outside is restarted; a
// deleted pod is replaced; deleting everything and stopping the server leaves nothing behind.
// The server runs in a network namespace of its own (its bridge, routes and NAT rules stay there);
// kubectl and curl reach it by entering that namespace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mountsUnder } from '../../src/kubelet/runtime/containerd.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const K8TS = join(ROOT, 'dist', 'src', 'cmd', 'k8ts.js');
const EXAMPLE = join(ROOT, 'examples', 'web-rc.yaml');

let dir: string;
let server: ChildProcess | null = null;
let kubeconfig = '';
let stderr = '';
// Own cgroup parent: kubelets of other tests running now garbage-collect theirs, not ours.
const CGROUP_ROOT = `/k8ts-e2e-${process.pid}`;
const NETNS = `k8ts-e2e-${process.pid}`;
const inNetns = (cmd: string, args: string[]) => ['nsenter', [`--net=/run/netns/${NETNS}`, '--', cmd, ...args]] as const;

interface PodView { metadata: { name: string; uid: string }; status: { phase?: string; podIP?: string; containerStatuses?: { restartCount: number; containerID?: string; ready: boolean }[] } }

async function kubectl(...args: string[]): Promise<string> {
  const [cmd, argv] = inNetns('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kcache'), ...args]);
  const { stdout } = await run(cmd, argv, { timeout: 90_000, env: { ...process.env, HOME: dir } });
  return stdout;
}

const seenUids = new Set<string>();
async function pods(): Promise<PodView[]> {
  const items = (JSON.parse(await kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as { items: PodView[] }).items;
  for (const p of items) seenUids.add(p.metadata.uid);
  return items;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined | null | false>): Promise<T> {
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
}

/** HTTP from the server's host (its network namespace) to a pod. */
async function httpGet(url: string): Promise<string> {
  const [cmd, argv] = inNetns('curl', ['-sS', '--max-time', '3', url]);
  return (await run(cmd, argv, { timeout: 10_000 })).stdout;
}

const running = (ps: PodView[]) => ps.filter((p) => p.status.phase === 'Running' && p.status.podIP && p.status.containerStatuses?.every((c) => c.ready));

async function stopServer(): Promise<void> {
  const s = server;
  if (!s || s.exitCode !== null) return;
  const exited = new Promise((r) => s.once('exit', r));
  s.kill('SIGINT');
  const t = setTimeout(() => s.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(t);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'k8ts-server-e2e-'));
  await run('ip', ['netns', 'add', NETNS]);
  // A host has an uplink with a default route; without one the kernel refuses to route to a
  // ClusterIP before the proxy's DNAT sees the packet. A veth pair inside the namespace stands in.
  for (const step of [['link', 'set', 'lo', 'up'], ['link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'up1'],
    ['addr', 'add', '192.0.2.10/24', 'dev', 'up0'], ['link', 'set', 'up0', 'up'], ['link', 'set', 'up1', 'up'],
    ['route', 'add', 'default', 'via', '192.0.2.1', 'dev', 'up0']]) {
    await run('ip', ['netns', 'exec', NETNS, 'ip', ...step]);
  }
  // nsenter, not `ip netns exec`: the latter remounts /sys and hides the cgroup tree from runc.
  const [cmd, argv] = inNetns(process.execPath, [K8TS, 'server', '--data-dir', join(dir, 'data'), '--port', '0', '--node-name', 'e2e-node',
    '--pod-cidr', '10.250.7.0/24', '--cgroup-root', CGROUP_ROOT, '--no-user-kubeconfig']);
  server = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`k8ts server not up within 120 s:\n${stderr.slice(-3000)}`)), 120_000);
    server!.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (/kubeconfig: /.test(stdout)) { clearTimeout(t); resolve(); }
    });
    server!.once('exit', (code) => { clearTimeout(t); reject(new Error(`k8ts server exited ${code}:\n${stderr.slice(-3000)}`)); });
  });
  assert.match(stdout, /node e2e-node Ready after \d+ ms/);
  kubeconfig = join(dir, 'data', 'admin.kubeconfig');
});

after(async () => {
  await stopServer().catch(() => undefined);
  // Whatever a failed run left: the server's own reset removes its pods and state.
  if (existsSync(join(dir, 'data'))) {
    const [cmd, argv] = inNetns(process.execPath, [K8TS, 'server', '--reset', '--data-dir', join(dir, 'data'), '--cgroup-root', CGROUP_ROOT]);
    await run(cmd, argv, { timeout: 60_000 }).catch(() => undefined);
  }
  await run('ip', ['netns', 'del', NETNS]).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

test('kubectl apply starts real containers that answer HTTP from the host', async () => {
  assert.match(await kubectl('apply', '-f', EXAMPLE), /replicationcontroller\/web created/);
  const ps = await until('3 running, ready web pods', 90_000, async () => { const r = running(await pods()); return r.length === 3 && r; });
  for (const p of ps) {
    assert.match(p.status.podIP!, /^10\.250\.7\./);
    assert.equal((await httpGet(`http://${p.status.podIP}:8080/`)).trim(), `hello from ${p.metadata.name}`);
  }
  const ep = JSON.parse(await kubectl('get', 'endpoints', 'web', '-o', 'json')) as { subsets?: { addresses?: unknown[] }[] };
  assert.equal(ep.subsets?.[0]?.addresses?.length, 3);
  // Through the service proxy: the ClusterIP load-balances over all three pods.
  const svc = JSON.parse(await kubectl('get', 'service', 'web', '-o', 'json')) as { spec: { clusterIP: string } };
  const answers = await until('every pod to answer on the ClusterIP', 30_000, async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) seen.add((await httpGet(`http://${svc.spec.clusterIP}:80/`)).trim());
    return seen.size === 3 && seen;
  });
  assert.deepEqual([...answers].sort(), ps.map((p) => `hello from ${p.metadata.name}`).sort());
});

test('a container killed from outside is restarted and counted', async () => {
  const [victim] = running(await pods());
  assert.ok(victim);
  const id = victim.status.containerStatuses![0]!.containerID!.replace(/^containerd:\/\//, '');
  const sock = join(dir, 'data', 'containerd', 'containerd.sock');
  await run('ctr', ['-a', sock, '-n', 'k8s.io', 'tasks', 'kill', '-s', 'SIGKILL', id], { timeout: 10_000 });
  const back = await until('restartCount 1 and ready again', 60_000, async () => {
    const p = (await pods()).find((x) => x.metadata.uid === victim.metadata.uid);
    return p && p.status.containerStatuses?.[0]?.restartCount === 1 && p.status.containerStatuses[0].ready && p;
  });
  assert.equal((await httpGet(`http://${back.status.podIP}:8080/`)).trim(), `hello from ${back.metadata.name}`);
});

test('a deleted pod is replaced by the replication controller', async () => {
  const before = running(await pods());
  const gone = before[0]!;
  await kubectl('delete', 'pod', gone.metadata.name, '--wait=true', '--timeout=60s');
  const after = await until('3 running pods again, one new', 90_000, async () => {
    const r = running(await pods());
    return r.length === 3 && !r.some((p) => p.metadata.uid === gone.metadata.uid) && r;
  });
  assert.equal(after.filter((p) => !before.some((b) => b.metadata.uid === p.metadata.uid)).length, 1);
});

test('deleting everything, then stopping the server, leaves no containers, cgroups or mounts', async () => {
  await kubectl('delete', '-f', EXAMPLE, '--wait=true', '--timeout=60s');
  await until('no web pods', 60_000, async () => (await pods()).length === 0);
  const sock = join(dir, 'data', 'containerd', 'containerd.sock');
  // The kubelet confirms a deletion once containers stopped; removing them follows right after.
  await until('containerd to hold no containers', 30_000, async () =>
    (await run('ctr', ['-a', sock, '-n', 'k8s.io', 'containers', 'list', '-q'], { timeout: 10_000 })).stdout.trim() === '');
  await stopServer();
  assert.equal(server!.exitCode, 0, stderr.slice(-2000));
  assert.deepEqual(await mountsUnder(join(dir, 'data')), []);
  const { stdout: ps } = await run('ps', ['-eo', 'args']);
  assert.ok(!ps.split('\n').some((l) => l.includes(join(dir, 'data'))), 'a process of this server is still running');
  assert.ok(seenUids.size >= 4);
  for (const h of ['memory', 'cpu', 'pids']) {
    const parent = `/sys/fs/cgroup/${h}${CGROUP_ROOT}`;
    if (!existsSync(parent)) continue;
    const { stdout } = await run('find', [parent, '-mindepth', '1', '-type', 'd']);
    assert.equal(stdout.trim(), '', `pod cgroups left under ${parent}`);
  }
  assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').includes(join(dir, 'data')));
  const [cmd, argv] = inNetns('nft', ['list', 'tables']);
  assert.doesNotMatch((await run(cmd, argv)).stdout, /k8ts-proxy/, 'the proxy table outlived the server');
});
