// README command one, end to end: `k8ts server` from a clean state runs real containers through
// its own containerd, and the real kubectl drives it: an RC of busybox web servers reaches Running
// with pod IPs that answer HTTP from the host; a container killed from outside is restarted; a
// deleted pod is replaced; deleting everything and stopping the server leaves nothing behind.
// The server runs in a network namespace of its own (server-process.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountsUnder } from '../../src/kubelet/runtime/containerd.js';
import { startServerProcess, run, EXAMPLES, type ServerProcess } from './server-process.js';

const EXAMPLE = join(EXAMPLES, 'web-rc.yaml');

let sp: ServerProcess;
let dir: string;
let CGROUP_ROOT: string;
const kubectl = (...args: string[]) => sp.kubectl(...args);
const until = <T>(what: string, ms: number, probe: () => Promise<T | undefined | null | false>) => sp.until(what, ms, probe);
const inNetns = (cmd: string, args: string[]) => sp.inNetns(cmd, args);

interface PodView { metadata: { name: string; uid: string }; status: { phase?: string; podIP?: string; containerStatuses?: { restartCount: number; containerID?: string; ready: boolean }[] } }

const seenUids = new Set<string>();
async function pods(): Promise<PodView[]> {
  const items = (JSON.parse(await kubectl('get', 'pods', '-l', 'app=web', '-o', 'json')) as { items: PodView[] }).items;
  for (const p of items) seenUids.add(p.metadata.uid);
  return items;
}

/** HTTP from the server's host (its network namespace) to a pod. */
async function httpGet(url: string): Promise<string> {
  const [cmd, argv] = inNetns('curl', ['-sS', '--max-time', '3', url]);
  return (await run(cmd, argv, { timeout: 10_000 })).stdout;
}

const running = (ps: PodView[]) => ps.filter((p) => p.status.phase === 'Running' && p.status.podIP && p.status.containerStatuses?.every((c) => c.ready));

before(async () => {
  sp = await startServerProcess({ name: 'e2e', podCIDR: '10.250.7.0/24' });
  dir = sp.dir;
  CGROUP_ROOT = sp.cgroupRoot;
  assert.match(sp.stdout, /node e2e-node Ready after \d+ ms/);
});

after(async () => {
  await sp?.close();
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
  const { exitCode } = await sp.stop();
  assert.equal(exitCode, 0, sp.stderr().slice(-2000));
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
