// `kubectl logs` and `kubectl exec` end to end: the real kubectl -> API server (pods/log, pods/exec)
// -> kubelet server (/containerLogs, /exec) -> containerd (log files; exec streaming over SPDY).
// The server runs in a network namespace of its own (server-process.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServerProcess, run, type ServerProcess } from './server-process.js';

const KUBECTL = '/usr/bin/kubectl';
const SDK = '/usr/lib/google-cloud-sdk/bin';

let sp: ServerProcess;
let dir: string;
const followers = new Set<ChildProcess>();
const inNetns = (cmd: string, args: string[]) => sp.inNetns(cmd, args);
const kubectlArgs = (args: string[]) => ['--kubeconfig', sp.kubeconfig, '--cache-dir', join(dir, 'kcache'), ...args];
const kubectlRun = (bin: string, ...args: string[]) => sp.kubectlRun(bin, ...args);
const kubectl = (...args: string[]) => sp.kubectl(...args);
const until = <T>(what: string, ms: number, probe: () => Promise<T | undefined | null | false>) => sp.until(what, ms, probe);

interface PodView { status: { phase?: string; containerStatuses?: { restartCount: number; containerID?: string; ready: boolean }[] } }
const podView = async (name: string) => JSON.parse(await kubectl('get', 'pod', name, '-o', 'json')) as PodView;

// Prints a first line that differs per attempt, numbered lines, then one more line a second.
const SCRIPT = 'echo "attempt $(cat /proc/uptime)"; i=1; while true; do echo "line $i"; i=$((i+1)); sleep 1; done';
const manifest = (name: string, extra: Record<string, unknown>, containers: { name: string; command: string[] }[]) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: {
    terminationGracePeriodSeconds: 2, ...extra,
    containers: containers.map((c) => ({ ...c, image: 'k8ts.local/busybox:1', imagePullPolicy: 'Never' })),
  },
});

before(async () => {
  sp = await startServerProcess({ name: 'logs', podCIDR: '10.250.9.0/24' });
  dir = sp.dir;
  const file = join(dir, 'pods.json');
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'List', items: [
      manifest('talker', {}, [{ name: 'main', command: ['sh', '-c', SCRIPT] }]),
      // Never scheduled (no node matches): for the multi-container and no-host errors.
      manifest('two', { nodeSelector: { 'no-such-label': 'x' } }, [{ name: 'main', command: ['sleep', '3600'] }, { name: 'side', command: ['sleep', '3600'] }]),
    ],
  }));
  await kubectl('apply', '-f', file);
  await until('talker running with 3 lines logged', 90_000, async () => {
    const p = await podView('talker');
    return p.status.phase === 'Running' && (await kubectl('logs', 'talker')).includes('line 3');
  });
});

after(async () => {
  for (const f of followers) f.kill('SIGKILL');
  await sp?.close();
});

test('kubectl logs prints the container output in order', async () => {
  const lines = (await kubectl('logs', 'talker')).trimEnd().split('\n');
  assert.match(lines[0]!, /^attempt [\d.]+ [\d.]+$/);
  assert.deepEqual(lines.slice(1, 4), ['line 1', 'line 2', 'line 3']);
});

test('kubectl logs --tail=2 prints the last two lines only', async () => {
  const lines = (await kubectl('logs', 'talker', '--tail=2')).trimEnd().split('\n');
  assert.equal(lines.length, 2);
  const [a, b] = lines.map((l) => Number(/^line (\d+)$/.exec(l)?.[1]));
  assert.ok(a! > 0 && b === a! + 1, `two consecutive numbered lines, got ${JSON.stringify(lines)}`);
});

test('kubectl logs --timestamps prefixes each line with its RFC 3339 time', async () => {
  const lines = (await kubectl('logs', 'talker', '--timestamps', '--tail=3')).trimEnd().split('\n');
  assert.equal(lines.length, 3);
  for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d) line \d+$/);
  const t = Date.parse(lines[2]!.split(' ')[0]!);
  assert.ok(Math.abs(Date.now() - t) < 60_000, 'timestamps are recent');
});

test('kubectl logs --limit-bytes and --since cut the output', async () => {
  assert.equal(await kubectl('logs', 'talker', '--limit-bytes=4'), 'atte');
  await until('line 8 logged', 20_000, async () => (await kubectl('logs', 'talker')).includes('line 8'));
  const recent = (await kubectl('logs', 'talker', '--since=3s')).trimEnd().split('\n');
  assert.ok(recent.length >= 1 && recent.length <= 5 && recent.every((l) => /^line \d+$/.test(l)), JSON.stringify(recent));
});

test('kubectl logs -f streams a line written after it started', async () => {
  const before = (await kubectl('logs', 'talker', '--tail=1')).trim();
  const seen = Number(/^line (\d+)$/.exec(before)?.[1]);
  assert.ok(seen > 0);
  const [cmd, argv] = inNetns(KUBECTL, kubectlArgs(['logs', '-f', 'talker', '--tail=1']));
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
  followers.add(child);
  try {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    await until('a newer line on the follow stream', 15_000, async () => {
      const nums = [...out.matchAll(/line (\d+)/g)].map((m) => Number(m[1]));
      return nums.some((n) => n > seen + 1);
    });
    assert.equal(child.exitCode, null, 'kubectl logs -f is still following');
  } finally {
    child.kill('SIGKILL');
    followers.delete(child);
  }
});

test('kubectl logs --previous shows the attempt before a restart', async () => {
  const firstAttempt = (await kubectl('logs', 'talker')).split('\n')[0]!;
  const p = await podView('talker');
  const id = p.status.containerStatuses![0]!.containerID!.replace(/^containerd:\/\//, '');
  const sock = join(dir, 'data', 'containerd', 'containerd.sock');
  await run('ctr', ['-a', sock, '-n', 'k8s.io', 'tasks', 'kill', '-s', 'SIGKILL', id], { timeout: 10_000 });
  await until('restartCount 1, running, logging again', 60_000, async () => {
    const q = await podView('talker');
    const cs = q.status.containerStatuses?.[0];
    return cs?.restartCount === 1 && cs.ready && (await kubectl('logs', 'talker')).includes('line 1');
  });
  const prev = (await kubectl('logs', 'talker', '--previous')).split('\n');
  assert.equal(prev[0], firstAttempt);
  assert.equal(prev[1], 'line 1');
  const cur = (await kubectl('logs', 'talker')).split('\n');
  assert.notEqual(cur[0], firstAttempt, 'the current attempt has its own log');
});

test('pods/log names the containers to choose from, refuses unscheduled and missing pods', async () => {
  const many = await kubectlRun(KUBECTL, 'get', '--raw', '/api/v1/namespaces/default/pods/two/log');
  assert.equal(many.code, 1);
  assert.match(many.stderr, /a container name must be specified for pod two, choose one of: \[main side\]/);
  const unscheduled = await kubectlRun(KUBECTL, 'get', '--raw', '/api/v1/namespaces/default/pods/two/log?container=side');
  assert.match(unscheduled.stderr, /pod two does not have a host assigned/);
  const missing = await kubectlRun(KUBECTL, 'logs', 'nosuch');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /NotFound.*pods "nosuch" not found/);
  const raw404 = await kubectlRun(KUBECTL, 'get', '--raw', '/api/v1/namespaces/default/pods/nosuch/log');
  assert.match(raw404.stderr, /NotFound/);
});

test('kubectl exec runs a command in the container and propagates its exit code', async () => {
  const hi = await kubectlRun(KUBECTL, 'exec', 'talker', '--', 'echo', 'hi');
  assert.equal(hi.code, 0, hi.stderr);
  assert.equal(hi.stdout, 'hi\n');
  const fail = await kubectlRun(KUBECTL, 'exec', 'talker', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3');
  assert.equal(fail.code, 3, fail.stderr);
  assert.equal(fail.stdout, 'out\n');
  assert.match(fail.stderr, /err\n/);
  assert.match(fail.stderr, /command terminated with exit code 3/);
});

test('kubectl exec -i passes stdin through', async () => {
  const [cmd, argv] = inNetns(KUBECTL, kubectlArgs(['exec', '-i', 'talker', '--', 'sh', '-c', 'read x; echo "got $x"']));
  const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: dir } });
  followers.add(child);
  try {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    child.stdin!.end('ping\n');
    const code = await new Promise<number | null>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`kubectl exec -i did not end within 30 s (out: ${out})`)), 30_000);
      child.once('exit', (c) => { clearTimeout(t); resolve(c); });
    });
    assert.equal(code, 0);
    assert.equal(out, 'got ping\n');
  } finally {
    child.kill('SIGKILL');
    followers.delete(child);
  }
});

test('kubectl 1.27 and 1.33 read logs and exec too', async () => {
  for (const v of ['1.27', '1.33']) {
    const bin = join(SDK, `kubectl.${v}`);
    if (!existsSync(bin)) assert.fail(`${bin} is missing`);
    const logs = await kubectlRun(bin, 'logs', 'talker', '--tail=1');
    assert.equal(logs.code, 0, `${v}: ${logs.stderr}`);
    assert.match(logs.stdout, /^line \d+\n$/);
    const ex = await kubectlRun(bin, 'exec', 'talker', '--', 'sh', '-c', 'echo hi; exit 4');
    assert.equal(ex.stdout, 'hi\n', `${v}: ${ex.stderr}`);
    assert.equal(ex.code, 4, `${v}: ${ex.stderr}`);
  }
});
