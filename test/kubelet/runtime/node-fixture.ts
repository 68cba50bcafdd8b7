// A real containerd for integration tests: its own directory under /tmp, a pod subnet picked at
// random (so concurrent test files do not collide on routes), the demo images imported, and a
// destroy() that removes pods, stops containerd, deletes the bridge, the pod cgroup parents and
// the directory. Other test files (the kubelet's) can use it too.
// Unless the caller brings a network namespace, the node gets one of its own (test-netns.ts):
// CNI's bridge, iptables/nftables rules and pods stay in it; the host keeps only a veth and a
// route to the pod subnet (so the test process reaches pods and the streaming server), both gone
// with the namespace.
import { mkdtemp } from 'node:fs/promises';
import { basename } from 'node:path';
import { createTestNetns, type TestNetns } from './test-netns.js';
import { connectCri } from '../../../src/kubelet/runtime/cri-client.js';
import { destroyNode, startContainerd, type ContainerdHandle } from '../../../src/kubelet/runtime/containerd.js';
import { removeCgroup } from '../../../src/kubelet/runtime/cgroups.js';
import { buildDemoImages, importImagesDir, DEMO_BUSYBOX_IMAGE, DEMO_PAUSE_IMAGE } from '../../../src/kubelet/runtime/images.js';
import type { ContainerRuntime } from '../../../src/kubelet/runtime/types.js';

export interface TestNode {
  dir: string;
  socket: string;
  podCIDR: string;
  /** Where containerd's streaming server listens (its URLs point there). */
  streamAddress: string;
  /** Put pod cgroups under this parent (e.g. `${cgroupRoot}/pod<uid>`): destroy() removes it. */
  cgroupRoot: string;
  runtime: ContainerRuntime;
  containerd: ContainerdHandle;
  busybox: string;
  pause: string;
  /** Image names the import reported. */
  imported: string[];
  destroy(): Promise<void>;
}

/** ipMasq: the bridge plugin's masquerade (default true; k8ts server and agent run with false). */
export async function startTestNode(opts: { log?: boolean; netnsPath?: string; ipMasq?: boolean } = {}): Promise<TestNode> {
  // Short path: the socket must fit in 107 bytes.
  const dir = await mkdtemp('/tmp/k8ts-cri-');
  const podCIDR = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}.0/24`;
  const log = opts.log ? (e: string, f?: Record<string, unknown>) => console.log(e, f ?? {}) : undefined;
  let netns: TestNetns | undefined;
  let containerd: ContainerdHandle;
  try {
    if (!opts.netnsPath) netns = await createTestNetns(`k8ts-${basename(dir).slice(-6)}`, podCIDR);
    // In its own namespace the streaming server listens on the namespace's veth address, which the host reaches.
    containerd = await startContainerd({ dir, podCIDR, log, ipMasq: opts.ipMasq, netnsPath: opts.netnsPath ?? netns?.path, ...(netns ? { streamAddress: netns.innerAddress } : {}) });
  } catch (err) {
    await netns?.destroy();
    throw err;
  }
  const runtime = connectCri(containerd.socket);
  const cgroupRoot = `/${basename(dir)}`;
  let destroyed = false;
  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    runtime.close();
    try {
      await destroyNode(containerd, { removeDir: true, log });
    } finally {
      await removeCgroup(cgroupRoot);
      await netns?.destroy();
    }
  };
  let imported: string[] = [];
  try {
    // Built into an images directory and imported from there, as a node does at start.
    await buildDemoImages({ outDir: `${dir}/images` });
    imported = (await importImagesDir(containerd.socket, `${dir}/images`)).flatMap((r) => r.images);
  } catch (err) {
    await destroy();
    throw err;
  }
  return { dir, socket: containerd.socket, podCIDR, streamAddress: netns?.innerAddress ?? '127.0.0.1', cgroupRoot, runtime, containerd, busybox: DEMO_BUSYBOX_IMAGE, pause: DEMO_PAUSE_IMAGE, imported, destroy };
}
