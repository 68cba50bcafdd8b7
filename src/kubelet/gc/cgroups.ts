// Pod cgroup parents (/k8ts/pod<uid>) present on the machine, found in every hierarchy: the
// kubelet removes those of pods that are gone (at start and in housekeeping).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cgroupMounts } from '../runtime/cgroups.js';

export async function podUidsWithCgroups(cgroupRoot: string, root = '/sys/fs/cgroup'): Promise<string[]> {
  const uids = new Set<string>();
  const rel = cgroupRoot.replace(/^\/+/, '');
  if (!rel) return [];
  for (const m of await cgroupMounts(root)) {
    for (const e of await readdir(join(m, rel)).catch(() => [] as string[])) {
      if (e.startsWith('pod')) uids.add(e.slice(3));
    }
  }
  return [...uids];
}
