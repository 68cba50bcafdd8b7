// A DaemonSet's status from its pods mapped to nodes (Kubernetes' updateDaemonSetStatus): nodes
// that should run the pod (desired), that do (current), that run it but should not
// (misscheduled), and how many of those pods are ready, available and of the current template.
import type { DaemonSet } from '../../api/apps/v1/types.js';
import type { Pod } from '../workload/pods.js';
import { isPodAvailable, isPodReady, parseTime } from '../workload/pods.js';
import { nodeShouldRunDaemonPod, type Node } from './predicates.js';

export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';
export const POD_TEMPLATE_GENERATION = 'pod-template-generation';

export type DaemonSetStatus = NonNullable<DaemonSet['status']>;

/** Oldest first (the pod a node keeps when it has several). */
export const byAge = (a: Pod, b: Pod) => (parseTime(a.metadata.creationTimestamp) ?? 0) - (parseTime(b.metadata.creationTimestamp) ?? 0) || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1);

export function calculateStatus(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string, now: number): DaemonSetStatus {
  const spec = ds.spec?.template?.spec;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  let desired = 0, current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
  for (const node of nodes) {
    const pods = (byNode.get(node.metadata.name!) ?? []).filter((p) => !p.metadata.deletionTimestamp);
    if (nodeShouldRunDaemonPod(node, spec).shouldRun) {
      desired++;
      if (pods.length === 0) continue;
      current++;
      const pod = [...pods].sort(byAge)[0]!;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
      }
      if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH] === hash) updated++;
    } else if (pods.length > 0) {
      misscheduled++;
    }
  }
  const status: DaemonSetStatus = {
    currentNumberScheduled: current, numberMisscheduled: misscheduled, desiredNumberScheduled: desired, numberReady: ready,
    observedGeneration: ds.metadata.generation, updatedNumberScheduled: updated, numberAvailable: available, numberUnavailable: desired - available,
  };
  if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
  if (ds.status?.conditions) status.conditions = ds.status.conditions;
  return status;
}
