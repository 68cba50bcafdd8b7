// What one scheduling cycle sees (framework.SharedLister): the node list in a stable order, lookup by
// name, the nodes whose pods can add to another pod's affinity score, and the cache's affinity
// indexes (InterPodAffinity reads only those). The lists are rebuilt only when the cache says they
// changed, so a cycle on 5,000 nodes starts in O(1).
import type { NodeInfo } from './node-info.js';
import type { SchedulerCache } from './cache.js';
import type { LabelGroup } from './label-groups.js';
import type { AntiTermGroup } from './anti-affinity-index.js';

export class Snapshot {
  private list: NodeInfo[] = [];
  private version = -1;
  private scoringVersion = -1;
  private scoring: NodeInfo[] = [];

  constructor(private readonly cache: SchedulerCache) {}

  /** Brings the node list up to date; call at the start of each cycle. */
  update(): void {
    if (this.version === this.cache.nodeSetVersion) return;
    this.list = this.cache.liveNodes();
    this.version = this.cache.nodeSetVersion;
  }

  nodeInfos(): NodeInfo[] {
    return this.list;
  }

  get(name: string): NodeInfo | undefined {
    const ni = this.cache.nodeInfo(name);
    return ni?.node ? ni : undefined;
  }

  get numNodes(): number {
    return this.list.length;
  }

  /** Placed pods' required anti-affinity terms, one group per distinct term, with how many pairs each domain holds. */
  requiredAntiAffinityTerms(): Iterable<AntiTermGroup> {
    return this.cache.requiredAntiAffinityTerms();
  }

  /** Pods placed in `namespace`, grouped by labels, with their nodes (skip a NodeInfo whose node is unset: it is gone). */
  podGroupsInNamespace(namespace: string): Iterable<LabelGroup> {
    return this.cache.podGroupsInNamespace(namespace);
  }

  /** Every placed pod, grouped by namespace and labels. */
  podGroups(): Iterable<LabelGroup> {
    return this.cache.podGroups();
  }

  /** Live nodes with pods whose terms can add to another pod's InterPodAffinity score. */
  havePodsScoringOthers(): NodeInfo[] {
    const v = this.cache.scoringVersion * 1e6 + this.version;
    if (this.scoringVersion !== v) {
      this.scoring = [];
      for (const n of this.cache.nodesWithPodsScoringOthers()) if (n.node) this.scoring.push(n);
      this.scoringVersion = v;
    }
    return this.scoring;
  }

  imageNodeCount(image: string): number {
    return this.cache.imageNodeCount(image);
  }
}
