import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CriError, GrpcCode, isNotFound } from './errors.js';
import { createHollowRuntime, normalizeImage } from './hollow.js';
import type { PodSandboxConfig } from './types.js';

const sandboxConfig = (name: string, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig => ({
  metadata: { name, uid: `uid-${name}`, namespace: 'default', attempt: 0 },
  logDirectory: `/var/log/pods/default_${name}`,
  labels: { app: name },
  ...extra,
});

async function rejectsWith(p: Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof CriError && err.code === code);
}

describe('hollow runtime', () => {
  it('gives sandboxes distinct IPs from the pod subnet and frees them on stop', async () => {
    const rt = createHollowRuntime({ podCIDR: '10.7.0.0/30' }); // room for exactly one pod (.2)
    const a = await rt.runPodSandbox(sandboxConfig('a'));
    assert.equal((await rt.podSandboxStatus(a)).network?.ip, '10.7.0.2');
    await rejectsWith(rt.runPodSandbox(sandboxConfig('b')), GrpcCode.UNKNOWN);
    await rt.stopPodSandbox(a);
    assert.equal((await rt.podSandboxStatus(a)).state, 'SANDBOX_NOTREADY');
    const b = await rt.runPodSandbox(sandboxConfig('b'));
    assert.equal((await rt.podSandboxStatus(b)).network?.ip, '10.7.0.2');
  });

  it('hands out addresses round robin in a larger subnet', async () => {
    const rt = createHollowRuntime({ podCIDR: '10.8.1.0/24' });
    const ips = [];
    for (const n of ['a', 'b', 'c']) ips.push((await rt.podSandboxStatus(await rt.runPodSandbox(sandboxConfig(n)))).network?.ip);
    assert.deepEqual(ips, ['10.8.1.2', '10.8.1.3', '10.8.1.4']);
  });

  it('gives hostNetwork sandboxes no IP', async () => {
    const rt = createHollowRuntime();
    const id = await rt.runPodSandbox(sandboxConfig('h', { linux: { securityContext: { namespaceOptions: { network: 'NODE' } } } }));
    assert.equal((await rt.podSandboxStatus(id)).network, undefined);
    assert.equal(rt.stats().ipsInUse, 0);
  });

  it('refuses to create a container whose image was never pulled', async () => {
    const rt = createHollowRuntime();
    const sb = sandboxConfig('p');
    const id = await rt.runPodSandbox(sb);
    const err = await rt.createContainer(id, { metadata: { name: 'c', attempt: 0 }, image: { image: 'busybox' } }, sb).catch((e: unknown) => e);
    assert.ok(isNotFound(err));
    assert.equal(await rt.imageStatus({ image: 'busybox' }), null);
    const ref = await rt.pullImage({ image: 'busybox' });
    assert.deepEqual((await rt.imageStatus({ image: 'docker.io/library/busybox:latest' }))?.id, ref);
  });

  it('takes a container from CREATED to RUNNING to EXITED, with times from the injected clock', async () => {
    let now = 1_700_000_000_000;
    const rt = createHollowRuntime({ clock: () => now, images: ['k8ts.local/busybox:1'] });
    const sb = sandboxConfig('p');
    const sid = await rt.runPodSandbox(sb);
    const cid = await rt.createContainer(sid, { metadata: { name: 'web', attempt: 0 }, image: { image: 'k8ts.local/busybox:1' }, logPath: 'web/0.log' }, sb);
    let st = await rt.containerStatus(cid);
    assert.equal(st.state, 'CONTAINER_CREATED');
    assert.equal(st.logPath, '/var/log/pods/default_p/web/0.log');
    now += 1000;
    await rt.startContainer(cid);
    st = await rt.containerStatus(cid);
    assert.equal(st.state, 'CONTAINER_RUNNING');
    assert.equal(st.startedAt, '1700000001000000000');
    await rejectsWith(rt.startContainer(cid), GrpcCode.UNKNOWN);
    const ex = await rt.execSync(cid, ['echo', 'hi'], 1);
    assert.equal(ex.exitCode, 0);
    now += 500;
    await rt.stopContainer(cid, 30);
    st = await rt.containerStatus(cid);
    assert.equal(st.state, 'CONTAINER_EXITED');
    assert.equal(st.finishedAt, '1700000001500000000');
    await rt.stopContainer(cid, 30); // idempotent
    await rejectsWith(rt.execSync(cid, ['true'], 1), GrpcCode.UNKNOWN);
  });

  it('lets a test crash a running container with an exit code and reason', async () => {
    const rt = createHollowRuntime({ images: ['k8ts.local/busybox:1'] });
    const sb = sandboxConfig('p');
    const sid = await rt.runPodSandbox(sb);
    const cid = await rt.createContainer(sid, { metadata: { name: 'c', attempt: 0 }, image: { image: 'k8ts.local/busybox:1' } }, sb);
    await rt.startContainer(cid);
    rt.kill(cid, 137, 'OOMKilled');
    const st = await rt.containerStatus(cid);
    assert.equal(st.state, 'CONTAINER_EXITED');
    assert.equal(st.exitCode, 137);
    assert.equal(st.reason, 'OOMKilled');
    assert.throws(() => rt.kill(cid, 1));
  });

  it('rejects a second container with the same name and attempt in one sandbox', async () => {
    const rt = createHollowRuntime({ images: ['k8ts.local/busybox:1'] });
    const sb = sandboxConfig('p');
    const sid = await rt.runPodSandbox(sb);
    const cfg = { metadata: { name: 'c', attempt: 0 }, image: { image: 'k8ts.local/busybox:1' } };
    await rt.createContainer(sid, cfg, sb);
    await rejectsWith(rt.createContainer(sid, cfg, sb), GrpcCode.UNKNOWN);
    await rt.createContainer(sid, { ...cfg, metadata: { name: 'c', attempt: 1 } }, sb);
  });

  it('filters sandboxes and containers by id prefix, state, sandbox and labels', async () => {
    const rt = createHollowRuntime({ images: ['k8ts.local/busybox:1'] });
    const sa = sandboxConfig('a');
    const sbc = sandboxConfig('b');
    const a = await rt.runPodSandbox(sa);
    const b = await rt.runPodSandbox(sbc);
    await rt.stopPodSandbox(b);
    assert.deepEqual((await rt.listPodSandbox({ state: 'SANDBOX_READY' })).map((s) => s.id), [a]);
    assert.deepEqual((await rt.listPodSandbox({ state: 'SANDBOX_NOTREADY' })).map((s) => s.id), [b]);
    assert.deepEqual((await rt.listPodSandbox({ labelSelector: { app: 'b' } })).map((s) => s.id), [b]);
    assert.deepEqual((await rt.listPodSandbox({ id: a.slice(0, 12) })).map((s) => s.id), [a]);
    assert.equal((await rt.listPodSandbox()).length, 2);

    const c1 = await rt.createContainer(a, { metadata: { name: 'one', attempt: 0 }, image: { image: 'k8ts.local/busybox:1' }, labels: { role: 'x' } }, sa);
    const c2 = await rt.createContainer(a, { metadata: { name: 'two', attempt: 0 }, image: { image: 'k8ts.local/busybox:1' } }, sa);
    await rt.startContainer(c2);
    assert.deepEqual((await rt.listContainers({ state: 'CONTAINER_RUNNING' })).map((c) => c.id), [c2]);
    assert.deepEqual((await rt.listContainers({ state: 'CONTAINER_CREATED' })).map((c) => c.id), [c1]);
    assert.deepEqual((await rt.listContainers({ labelSelector: { role: 'x' } })).map((c) => c.id), [c1]);
    assert.equal((await rt.listContainers({ podSandboxId: b })).length, 0);
    assert.equal((await rt.listContainers({ podSandboxId: a })).length, 2);
  });

  it('stopping a sandbox kills its containers; removing it removes them; both are idempotent', async () => {
    const rt = createHollowRuntime({ images: ['k8ts.local/busybox:1'] });
    const sb = sandboxConfig('p');
    const sid = await rt.runPodSandbox(sb);
    const cid = await rt.createContainer(sid, { metadata: { name: 'c', attempt: 0 }, image: { image: 'k8ts.local/busybox:1' } }, sb);
    await rt.startContainer(cid);
    await rt.stopPodSandbox(sid);
    assert.equal((await rt.containerStatus(cid)).exitCode, 137);
    await rejectsWith(rt.createContainer(sid, { metadata: { name: 'd', attempt: 0 }, image: { image: 'k8ts.local/busybox:1' } }, sb), GrpcCode.UNKNOWN);
    await rt.removePodSandbox(sid);
    await rt.removePodSandbox(sid);
    await rt.stopPodSandbox(sid);
    await rejectsWith(rt.containerStatus(cid), GrpcCode.NOT_FOUND);
    await rejectsWith(rt.podSandboxStatus(sid), GrpcCode.NOT_FOUND);
    assert.deepEqual(rt.stats(), { sandboxes: 0, containers: 0, ipsInUse: 0 });
  });

  it('answers exec from the injected handler (probes in scale tests)', async () => {
    const rt = createHollowRuntime({
      images: ['k8ts.local/busybox:1'],
      exec: (_id, cmd) => ({ stdout: Buffer.from(cmd.join(' ')), stderr: Buffer.alloc(0), exitCode: cmd[0] === 'false' ? 1 : 0 }),
    });
    const sb = sandboxConfig('p');
    const sid = await rt.runPodSandbox(sb);
    const cid = await rt.createContainer(sid, { metadata: { name: 'c', attempt: 0 }, image: { image: 'k8ts.local/busybox:1' } }, sb);
    await rt.startContainer(cid);
    assert.equal((await rt.execSync(cid, ['false'], 1)).exitCode, 1);
    assert.equal((await rt.execSync(cid, ['echo', 'x'], 1)).stdout.toString(), 'echo x');
  });

  it('normalises image names as containerd does', () => {
    assert.equal(normalizeImage('busybox'), 'docker.io/library/busybox:latest');
    assert.equal(normalizeImage('me/app:2'), 'docker.io/me/app:2');
    assert.equal(normalizeImage('k8ts.local/busybox:1'), 'k8ts.local/busybox:1');
    assert.equal(normalizeImage('localhost:5000/x'), 'localhost:5000/x:latest');
  });
});
