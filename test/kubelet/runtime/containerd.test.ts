// The CRI client against a real containerd (with runc and the CNI bridge) started in a temp dir:
// a pod's whole lifecycle, and nothing left behind afterwards.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { listCgroups } from '../../../src/kubelet/runtime/cgroups.js';
import { mountsUnder } from '../../../src/kubelet/runtime/containerd.js';
import { CriError, GrpcCode } from '../../../src/kubelet/runtime/errors.js';
import type { ContainerConfig, ContainerRuntime, PodSandboxConfig } from '../../../src/kubelet/runtime/types.js';
import { startTestNode, type TestNode } from './node-fixture.js';

const run = promisify(execFile);

/** The host's nftables tables ("table ip nat" lines). */
async function hostNftTables(): Promise<string[]> {
  return (await run('nft', ['list', 'tables'])).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

async function until<T>(what: string, deadlineMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function inCidr(ip: string, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const n = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(net!) / size);
}

describe('CRI client against real containerd', { timeout: 90_000 }, () => {
  let node: TestNode;
  let rt: ContainerRuntime;
  let sandboxConfig: PodSandboxConfig;
  let sandboxId = '';
  let webId = '';
  let podIP = '';
  let hostTablesBefore: string[] = [];

  before(async () => {
    hostTablesBefore = await hostNftTables();
    node = await startTestNode();
    rt = node.runtime;
    sandboxConfig = {
      metadata: { name: 'web', uid: 'uid-web-1', namespace: 'default', attempt: 0 },
      hostname: 'web',
      logDirectory: `${node.dir}/logs/default_web_uid-web-1`,
      labels: { 'k8ts.io/pod': 'web' },
      linux: { cgroupParent: `${node.cgroupRoot}/poduid-web-1` },
    };
  });

  after(async () => {
    await node?.destroy();
  });

  it('reports its version and ready conditions', async () => {
    const v = await rt.version();
    assert.equal(v.runtimeName, 'containerd');
    assert.equal(v.runtimeApiVersion, 'v1');
    const { conditions } = await rt.status();
    for (const t of ['RuntimeReady', 'NetworkReady']) assert.equal(conditions.find((c) => c.type === t)?.status, true, t);
  });

  it('sees the imported demo images, and null for an absent one', async () => {
    assert.deepEqual(node.imported.sort(), [node.busybox, node.pause].sort());
    const busybox = await rt.imageStatus({ image: node.busybox });
    assert.ok(busybox?.id.startsWith('sha256:'));
    assert.deepEqual(busybox?.repoTags, [node.busybox]);
    assert.ok(Number(busybox?.size) > 500_000);
    const tags = (await rt.listImages()).flatMap((i) => i.repoTags);
    assert.ok(tags.includes(node.pause), tags.join(','));
    assert.equal(await rt.imageStatus({ image: 'k8ts.local/absent:1' }), null);
  });

  it('runs a sandbox with an IP from the pod subnet', async () => {
    sandboxId = await rt.runPodSandbox(sandboxConfig);
    const st = await rt.podSandboxStatus(sandboxId);
    assert.equal(st.state, 'SANDBOX_READY');
    assert.equal(st.metadata.uid, 'uid-web-1');
    podIP = st.network?.ip ?? '';
    assert.ok(inCidr(podIP, node.podCIDR), `${podIP} not in ${node.podCIDR}`);
    assert.ok(BigInt(st.createdAt) > 0n);
  });

  it('creates and starts a web server, reachable on the pod IP, logging to its file', async () => {
    const config: ContainerConfig = {
      metadata: { name: 'httpd', attempt: 0 },
      image: { image: node.busybox },
      command: ['sh', '-c', 'echo hello-from-log; mkdir -p /www && echo "$GREETING" > /www/index.html && exec httpd -f -p 8080 -h /www'],
      envs: [{ key: 'GREETING', value: 'served-by-pod' }],
      labels: { 'k8ts.io/container': 'httpd' },
      logPath: 'httpd/0.log',
      // As the kubelet does for v1 pods: CRI's default pid namespace is POD (the pause process as
      // PID 1), Kubernetes' is one per container, so the command is PID 1.
      linux: { resources: { memoryLimitInBytes: String(64 * 1024 * 1024) }, securityContext: { namespaceOptions: { pid: 'CONTAINER' } } },
    };
    webId = await rt.createContainer(sandboxId, config, sandboxConfig);
    assert.equal((await rt.containerStatus(webId)).state, 'CONTAINER_CREATED');
    await rt.startContainer(webId);
    const st = await rt.containerStatus(webId);
    assert.equal(st.state, 'CONTAINER_RUNNING');
    assert.equal(st.logPath, `${sandboxConfig.logDirectory}/httpd/0.log`);
    assert.equal(await until('httpd to answer', 10_000, () => httpGet(`http://${podIP}:8080/`)), 'served-by-pod\n');
    const logLine = await until('the log line', 10_000, async () => {
      const text = await readFile(st.logPath, 'utf8');
      return text.split('\n').find((l) => l.endsWith(' stdout F hello-from-log'));
    });
    assert.match(logLine, /^\d{4}-\d\d-\d\dT[\d:.]+Z stdout F hello-from-log$/);
  });

  it('runs execSync and reports the exit code', async () => {
    const hi = await rt.execSync(webId, ['echo', 'hi'], 5);
    assert.equal(hi.stdout.toString(), 'hi\n');
    assert.equal(hi.exitCode, 0);
    const fail = await rt.execSync(webId, ['sh', '-c', 'echo oops >&2; exit 3'], 5);
    assert.equal(fail.exitCode, 3);
    assert.equal(fail.stderr.toString(), 'oops\n');
  });

  it('gives the pod a working loopback (containerd brings lo up; the CNI list has no loopback plugin)', async () => {
    const r = await rt.execSync(webId, ['wget', '-q', '-O', '-', 'http://127.0.0.1:8080/'], 10);
    assert.equal(r.exitCode, 0, r.stderr.toString());
    assert.ok(r.stdout.toString().length > 0);
  });

  it('publishes a hostPort on the node\'s address (the portmap plugin)', async () => {
    const uid = 'uid-hostport-1';
    const config: PodSandboxConfig = {
      ...sandboxConfig, metadata: { ...sandboxConfig.metadata, name: 'hp', uid }, hostname: 'hp',
      logDirectory: `${node.dir}/logs/default_hp_${uid}`, linux: { cgroupParent: `${node.cgroupRoot}/pod${uid}` },
      portMappings: [{ protocol: 'TCP', containerPort: 8081, hostPort: 18081 }],
    };
    const sid = await rt.runPodSandbox(config);
    try {
      const cid = await rt.createContainer(sid, {
        metadata: { name: 'httpd', attempt: 0 }, image: { image: node.busybox },
        command: ['sh', '-c', 'mkdir -p /www && echo via-host-port > /www/index.html && exec httpd -f -p 8081 -h /www'],
        linux: { securityContext: { namespaceOptions: { pid: 'CONTAINER' } } },
      }, config);
      await rt.startContainer(cid);
      assert.equal(await until('the hostPort to answer', 10_000, () => httpGet(`http://${node.streamAddress}:18081/`)), 'via-host-port\n');
    } finally {
      await rt.stopPodSandbox(sid);
      await rt.removePodSandbox(sid);
    }
  });

  it('keeps containerd\'s state on a tmpfs of its own', async () => {
    const state = `${node.dir}/state`;
    const line = (await readFile('/proc/self/mountinfo', 'utf8')).split('\n').find((l) => l.split(' ')[4] === state);
    assert.ok(line, `${state} is not a mount point`);
    assert.match(line, / - tmpfs /);
  });

  it('hands out streaming URLs on the node\'s streaming server address', async () => {
    const at = node.streamAddress.replace(/\./g, '\\.');
    const { url } = await rt.exec({ containerId: webId, cmd: ['sh'], tty: false, stdin: true, stdout: true, stderr: true });
    assert.match(url, new RegExp(`^http://${at}:\\d+/exec/[\\w-]+$`));
    const pf = await rt.portForward({ podSandboxId: sandboxId, port: [8080] });
    assert.match(pf.url, new RegExp(`^http://${at}:\\d+/portforward/[\\w-]+$`));
  });

  it('filters lists by state, sandbox, id prefix and labels', async () => {
    const second = await rt.createContainer(sandboxId, {
      metadata: { name: 'idle', attempt: 0 }, image: { image: node.busybox }, command: ['sleep', '600'], logPath: 'idle/0.log',
    }, sandboxConfig);
    assert.deepEqual((await rt.listContainers({ state: 'CONTAINER_RUNNING' })).map((c) => c.id), [webId]);
    assert.deepEqual((await rt.listContainers({ state: 'CONTAINER_CREATED' })).map((c) => c.id), [second]);
    assert.deepEqual((await rt.listContainers({ labelSelector: { 'k8ts.io/container': 'httpd' } })).map((c) => c.id), [webId]);
    assert.deepEqual((await rt.listContainers({ id: webId.slice(0, 12) })).map((c) => c.id), [webId]);
    assert.equal((await rt.listContainers({ podSandboxId: sandboxId })).length, 2);
    assert.equal((await rt.listContainers()).length, 2);
    const web = (await rt.listContainers({ id: webId }))[0]!;
    assert.equal(web.podSandboxId, sandboxId);
    assert.equal(web.metadata.name, 'httpd');
    assert.equal(web.image.image.length > 0, true);
    assert.deepEqual((await rt.listPodSandbox({ state: 'SANDBOX_READY' })).map((s) => s.id), [sandboxId]);
    // An empty state wrapper would mean READY: asking for NOTREADY must find none.
    assert.deepEqual(await rt.listPodSandbox({ state: 'SANDBOX_NOTREADY' }), []);
    assert.deepEqual((await rt.listPodSandbox({ labelSelector: { 'k8ts.io/pod': 'web' } })).map((s) => s.id), [sandboxId]);
    assert.deepEqual(await rt.listPodSandbox({ labelSelector: { 'k8ts.io/pod': 'other' } }), []);
    await rt.removeContainer(second);
  });

  it('turns memory limits into the cgroup, and updates them in place', async () => {
    const cg = `${sandboxConfig.linux!.cgroupParent}/${webId}`;
    const v2 = await readFile('/sys/fs/cgroup/cgroup.controllers').then(() => true, () => false);
    const limitFile = v2 ? `/sys/fs/cgroup${cg}/memory.max` : `/sys/fs/cgroup/memory${cg}/memory.limit_in_bytes`;
    assert.equal((await readFile(limitFile, 'utf8')).trim(), String(64 * 1024 * 1024));
    await rt.updateContainerResources!(webId, { memoryLimitInBytes: String(96 * 1024 * 1024) });
    assert.equal((await readFile(limitFile, 'utf8')).trim(), String(96 * 1024 * 1024));
    await rt.reopenContainerLog!(webId);
  });

  it('reports OOMKilled for a container that outgrows its memory limit', async () => {
    const id = await rt.createContainer(sandboxId, {
      metadata: { name: 'hog', attempt: 0 }, image: { image: node.busybox }, logPath: 'hog/0.log',
      // A shell variable holding 64 MiB, under a 16 MiB limit.
      command: ['sh', '-c', 'x=$(head -c 67108864 /dev/zero | tr "\\0" a); echo survived'],
      linux: { resources: { memoryLimitInBytes: String(16 * 1024 * 1024) }, securityContext: { namespaceOptions: { pid: 'CONTAINER' } } },
    }, sandboxConfig);
    await rt.startContainer(id);
    const st = await until('the container to exit', 20_000, async () => {
      const s = await rt.containerStatus(id);
      return s.state === 'CONTAINER_EXITED' ? s : undefined;
    });
    assert.equal(st.reason, 'OOMKilled');
    assert.equal(st.exitCode, 137);
    await rt.removeContainer(id);
  });

  it('answers NOT_FOUND for unknown ids', async () => {
    await assert.rejects(rt.containerStatus('0123456789abcdef'), (e: unknown) => e instanceof CriError && e.code === GrpcCode.NOT_FOUND);
    await assert.rejects(rt.podSandboxStatus('0123456789abcdef'), (e: unknown) => e instanceof CriError && e.code === GrpcCode.NOT_FOUND);
  });

  it('stops a process that handles SIGTERM without waiting out the grace period', async () => {
    const id = await rt.createContainer(sandboxId, {
      metadata: { name: 'polite', attempt: 0 }, image: { image: node.busybox }, logPath: 'polite/0.log',
      command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.1; done'],
      linux: { securityContext: { namespaceOptions: { pid: 'CONTAINER' } } },
    }, sandboxConfig);
    await rt.startContainer(id);
    const t0 = Date.now();
    await rt.stopContainer(id, 10);
    const took = Date.now() - t0;
    const st = await rt.containerStatus(id);
    assert.equal(st.state, 'CONTAINER_EXITED');
    assert.equal(st.exitCode, 0);
    assert.equal(st.reason, 'Completed');
    assert.ok(took < 5_000, `stop took ${took} ms of a 10 s grace period`);
    await rt.removeContainer(id);
  });

  it('kills a process that ignores SIGTERM when the grace period ends (137)', async () => {
    // httpd as PID 1 (pid namespace CONTAINER) has no SIGTERM handler: the kernel ignores it.
    const t0 = Date.now();
    await rt.stopContainer(webId, 1);
    const took = Date.now() - t0;
    const st = await rt.containerStatus(webId);
    assert.equal(st.state, 'CONTAINER_EXITED');
    assert.equal(st.exitCode, 137);
    assert.ok(BigInt(st.finishedAt) > BigInt(st.startedAt));
    assert.ok(took >= 900 && took < 10_000, `stop took ${took} ms with a 1 s grace period`);
    await rt.stopContainer(webId, 1); // idempotent
  });

  it('removes the container and the sandbox, freeing the IP lease', async () => {
    await rt.removeContainer(webId);
    await rt.removeContainer(webId); // idempotent
    assert.deepEqual(await rt.listContainers(), []);
    await rt.stopPodSandbox(sandboxId);
    assert.equal((await rt.podSandboxStatus(sandboxId)).state, 'SANDBOX_NOTREADY');
    await rt.removePodSandbox(sandboxId);
    await rt.removePodSandbox(sandboxId); // idempotent
    assert.deepEqual(await rt.listPodSandbox(), []);
    const leases = await readdir(`${node.dir}/cni/ipam/k8ts`).catch(() => [] as string[]);
    assert.ok(!leases.includes(podIP), `lease for ${podIP} still held: ${leases.join(',')}`);
  });

  it('leaves nothing behind once the node is destroyed', async () => {
    // A pod left running on purpose: destroy must clean it up too.
    const leftover = await rt.runPodSandbox({ ...sandboxConfig, metadata: { ...sandboxConfig.metadata, name: 'left', uid: 'uid-left' }, linux: { cgroupParent: `${node.cgroupRoot}/poduid-left` } });
    assert.ok(leftover);
    const { dir, cgroupRoot, containerd } = node;
    await node.destroy();
    assert.equal(await Promise.race([containerd.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 1000))]), true);
    // No process (containerd, shim, pause, runc) mentions the node's directory.
    const procs: string[] = [];
    for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmd.includes(dir)) procs.push(`${pid}: ${cmd.replace(/\0/g, ' ')}`);
    }
    assert.deepEqual(procs, []);
    assert.deepEqual(await mountsUnder(dir), []);
    assert.deepEqual(await listCgroups(cgroupRoot), []);
    await assert.rejects(readdir(dir), { code: 'ENOENT' });
    const links = (await run('ip', ['-o', 'link', 'show'])).stdout;
    assert.ok(!links.includes(containerd.bridge), `bridge ${containerd.bridge} still present`);
    // CNI's rules lived in the node's own network namespace: the host has no table it did not have.
    const added = (await hostNftTables()).filter((t) => !hostTablesBefore.includes(t));
    assert.deepEqual(added, []);
    assert.ok(!(await run('ip', ['netns', 'list'])).stdout.includes(`k8ts-${dir.slice(-6)}`), 'the node\'s network namespace is gone');
  });
});
