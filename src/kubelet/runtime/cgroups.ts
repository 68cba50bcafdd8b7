// Removing pod cgroup parents. runc removes a container's own cgroup but never the parent the
// kubelet named in cgroupParent (e.g. /k8ts/pod<uid>), so after a sandbox is removed the kubelet
// must rmdir that parent itself, in every hierarchy: cgroup v1 mounts one tree per controller.
import { readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a cgroupfs-style path lives: every v1 controller mount, or the one v2 tree. */
export async function cgroupMounts(root = '/sys/fs/cgroup'): Promise<string[]> {
  // v2 (unified): the root itself holds cgroup.controllers.
  if (await isFile(join(root, 'cgroup.controllers'))) return [root];
  const dirs: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    // Skip symlinks such as cpu -> cpu,cpuacct so each tree is visited once.
    if (e.isDirectory()) dirs.push(join(root, e.name));
  }
  return dirs;
}

/** rmdir `path` (e.g. "/k8ts/pod123") and any empty child cgroups, deepest first, in every
 *  hierarchy. Returns how many directories were removed. A cgroup still holding processes fails
 *  with EBUSY: that error is thrown, since it means something is still running. */
export async function removeCgroup(path: string, root = '/sys/fs/cgroup'): Promise<number> {
  const rel = path.replace(/^\/+/, '');
  if (!rel) throw new Error('refusing to remove the root cgroup');
  let removed = 0;
  for (const mount of await cgroupMounts(root)) removed += await rmTree(join(mount, rel));
  return removed;
}

/** All cgroup directories below `path` in every hierarchy (for leak checks). */
export async function listCgroups(path: string, root = '/sys/fs/cgroup'): Promise<string[]> {
  const rel = path.replace(/^\/+/, '');
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => null);
    if (!entries) return;
    found.push(dir);
    for (const e of entries) if (e.isDirectory()) await walk(join(dir, e.name));
  };
  for (const mount of await cgroupMounts(root)) await walk(join(mount, rel));
  return found;
}

async function rmTree(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!entries) return 0;
  let n = 0;
  // Only directories are child cgroups; the files are the kernel's interface and go with rmdir.
  for (const e of entries) if (e.isDirectory()) n += await rmTree(join(dir, e.name));
  await rmdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  return n + 1;
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}
