// What the kubelet does with what it finds at start (and what a crash may leave): sandboxes and
// containers carrying its labels whose pod still exists and is bound here are adopted (the pod's
// next sync simply finds them); everything else is stopped and removed, with the pod directories,
// log directories and cgroup parents of pods that are gone.
import type { ContainerRuntime } from '../runtime/types.js';
import type { KubeletLog } from '../types.js';
import { MANAGED_BY, MANAGED_BY_VALUE, POD_UID } from '../pods/labels.js';

export interface AdoptionDeps {
  runtime: ContainerRuntime;
  log: KubeletLog;
  /** Uids of pods that should run here (API pods bound to the node, static pods). */
  desired(): Set<string>;
  /** Uids with a pod directory on disk or a cgroup parent. */
  podUidsOnDisk(): string[] | Promise<string[]>;
  /** Removes everything of a pod on the node (containers, sandboxes, volumes, dirs, cgroup). */
  cleanup(uid: string): Promise<void>;
}

export interface AdoptionResult { adopted: string[]; removed: string[] }

export async function adoptOrRemove(d: AdoptionDeps): Promise<AdoptionResult> {
  const sel = { labelSelector: { [MANAGED_BY]: MANAGED_BY_VALUE } };
  const [sbs, cs] = await Promise.all([d.runtime.listPodSandbox(sel), d.runtime.listContainers(sel)]);
  const found = new Set<string>();
  for (const x of [...sbs, ...cs]) if (x.labels[POD_UID]) found.add(x.labels[POD_UID]);
  for (const uid of await d.podUidsOnDisk()) found.add(uid);
  const want = d.desired();
  const adopted: string[] = [];
  const removed: string[] = [];
  for (const uid of found) {
    if (want.has(uid)) { adopted.push(uid); continue; }
    try {
      await d.cleanup(uid);
      removed.push(uid);
    } catch (err) {
      d.log('leftover pod not removed', { uid, err: (err as Error).message });
    }
  }
  if (adopted.length || removed.length) d.log('runtime reconciled', { adopted: adopted.length, removed: removed.length });
  return { adopted, removed };
}
