// A node inside its own network namespace (several "machines" on one box): containerd started
// through nsenter, its pods' bridge and addresses inside that namespace, none on the host.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startTestNode, type TestNode } from './node-fixture.js';

const run = promisify(execFile);

describe('containerd inside a network namespace', { timeout: 60_000 }, () => {
  const ns = `k8ts-t${process.pid}`;
  let node: TestNode | undefined;

  before(async () => {
    await run('ip', ['netns', 'add', ns]);
    await run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  });

  after(async () => {
    try {
      await node?.destroy();
    } finally {
      await run('ip', ['netns', 'del', ns]).catch(() => {});
    }
  });

  it('runs a pod whose bridge and IP live in the namespace, with cgroups still visible to runc', async () => {
    node = await startTestNode({ netnsPath: `/run/netns/${ns}` });
    const sb = {
      metadata: { name: 'n', uid: 'uid-n', namespace: 'default', attempt: 0 }, hostname: 'n',
      logDirectory: `${node.dir}/logs/n`, linux: { cgroupParent: `${node.cgroupRoot}/poduid-n` },
    };
    const sid = await node.runtime.runPodSandbox(sb);
    const ip = (await node.runtime.podSandboxStatus(sid)).network?.ip ?? '';
    assert.match(ip, /^10\.\d+\.\d+\.\d+$/);
    const cid = await node.runtime.createContainer(sid, {
      metadata: { name: 'c', attempt: 0 }, image: { image: node.busybox }, command: ['sleep', '600'], logPath: 'c/0.log',
    }, sb);
    await node.runtime.startContainer(cid);
    assert.equal((await node.runtime.containerStatus(cid)).state, 'CONTAINER_RUNNING');

    const inside = (await run('ip', ['netns', 'exec', ns, 'ip', '-o', 'link', 'show'])).stdout;
    assert.ok(inside.includes(node.containerd.bridge), inside);
    const host = (await run('ip', ['-o', 'link', 'show'])).stdout;
    assert.ok(!host.includes(node.containerd.bridge), 'bridge leaked into the host namespace');
    // The namespace reaches the pod over its bridge.
    await run('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '2', ip]).catch(async () => {
      // no ping binary on the host: fall back to busybox's
      await run('ip', ['netns', 'exec', ns, 'busybox', 'ping', '-c', '1', '-W', '2', ip]);
    });

    await node.destroy();
    const after = (await run('ip', ['netns', 'exec', ns, 'ip', '-o', 'link', 'show'])).stdout;
    assert.ok(!after.includes(node.containerd.bridge), 'bridge left in the namespace');
  });
});
