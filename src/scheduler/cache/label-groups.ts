// Placed pods grouped by namespace and labels (PodInfo.labelsSig), each group with how many of its
// pods every node holds. An affinity term reads only a pod's namespace and labels, so
// InterPodAffinity's PreFilter tests each of the incoming pod's terms once per group (a
// workload's replicas are one group) and counts the group's nodes, instead of every pod.
import type { PodInfo } from '../framework/pod-info.js';
import type { Pod } from '../types.js';
import type { NodeInfo } from './node-info.js';

export interface LabelGroup {
  /** One of the group's pods: its namespace and labels are the group's. */
  readonly pod: Pod;
  /** NodeInfo -> pods of the group on it. A NodeInfo whose Node is gone (node unset) counts nowhere. */
  readonly nodes: ReadonlyMap<NodeInfo, number>;
}

interface Group {
  pod: Pod;
  nodes: Map<NodeInfo, number>;
}

export class PodsByLabels {
  private readonly byNamespace = new Map<string, Map<string, Group>>();

  add(pi: PodInfo, ni: NodeInfo): void {
    const ns = pi.pod.metadata.namespace ?? '';
    let groups = this.byNamespace.get(ns);
    if (!groups) this.byNamespace.set(ns, (groups = new Map()));
    let g = groups.get(pi.labelsSig);
    if (!g) groups.set(pi.labelsSig, (g = { pod: pi.pod, nodes: new Map() }));
    g.nodes.set(ni, (g.nodes.get(ni) ?? 0) + 1);
  }

  remove(pi: PodInfo, ni: NodeInfo): void {
    const ns = pi.pod.metadata.namespace ?? '';
    const groups = this.byNamespace.get(ns);
    const g = groups?.get(pi.labelsSig);
    if (!groups || !g) return;
    const n = (g.nodes.get(ni) ?? 0) - 1;
    if (n > 0) g.nodes.set(ni, n);
    else g.nodes.delete(ni);
    if (g.nodes.size > 0) return;
    groups.delete(pi.labelsSig);
    if (groups.size === 0) this.byNamespace.delete(ns);
  }

  inNamespace(namespace: string): Iterable<LabelGroup> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }

  *all(): Iterable<LabelGroup> {
    for (const groups of this.byNamespace.values()) yield* groups.values();
  }
}
