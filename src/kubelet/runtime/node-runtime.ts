// A node's container runtime as `k8ts server` and `k8ts agent` run it: their own containerd with the
// demo images and any archives in <data dir>/images imported, reached through CRI; stopping removes
// the node's pods (which outlive containerd), its CNI bridge and its cgroup parent, so the machine is
// left clean. reset does the same for what an earlier run left, then deletes the data dir.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { destroyNode, startContainerd, type ContainerdHandle, type RuntimeLog } from './containerd.js';
import { removeCgroup } from './cgroups.js';
import { connectCri } from './cri-client.js';
import { demoImagesFor, importImageArchive, importImagesDir } from './images.js';
import type { ContainerRuntime } from './types.js';

export interface NodeRuntimeOptions {
  dataDir: string;
  /** The pods' cgroup parent (runc never removes parents). */
  cgroupRoot: string;
  log: RuntimeLog;
  /** The demo images archive when the caller started building it early; default: built by open(). */
  demoArchive?: Promise<string>;
}

/** stop() is usable before open() resolves, so a failed start still cleans up. */
export function nodeRuntime(cd: ContainerdHandle, o: NodeRuntimeOptions): { open(): Promise<ContainerRuntime>; stop(): Promise<void> } {
  let runtime: ContainerRuntime | null = null;
  return {
    async open() {
      // The demo images (busybox, pause) are built once from Debian's static busybox and cached.
      const archive = await (o.demoArchive ?? demoImagesFor(o.dataDir));
      await importImageArchive(cd.socket, archive);
      const imagesDir = join(o.dataDir, 'images');
      if (existsSync(imagesDir)) await importImagesDir(cd.socket, imagesDir);
      runtime = connectCri(cd.socket);
      return runtime;
    },
    async stop() {
      runtime?.close();
      await destroyNode(cd, { log: o.log }).catch((err) => o.log('node cleanup failed', { err: String(err) }));
      await removeCgroup(o.cgroupRoot).catch((err) => o.log('cgroup removal failed', { err: String(err) }));
    },
  };
}

/** Removes what a previous run left: its pods (through its containerd), its cgroup parent, then every file. */
export async function resetNodeState(o: NodeRuntimeOptions & { podCIDR: string; ipMasq?: boolean }): Promise<void> {
  const cdir = join(o.dataDir, 'containerd');
  if (existsSync(cdir)) {
    const cd = await startContainerd({ dir: cdir, podCIDR: o.podCIDR, ipMasq: o.ipMasq, log: o.log });
    await destroyNode(cd, { removeDir: true, log: o.log });
  }
  await removeCgroup(o.cgroupRoot).catch((err) => o.log('cgroup removal failed', { err: String(err) }));
  rmSync(o.dataDir, { recursive: true, force: true });
  o.log('state removed', { dataDir: o.dataDir });
}
