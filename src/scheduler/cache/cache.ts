// The scheduler's view of the cluster (internal/cache): nodes and the pods on them, including
// pods it has *assumed* onto a node before the binding call returns, so the next cycle already
// counts them. An assumption is confirmed when the informer reports the pod bound, dropped
// (forgotten) when binding fails, and expires if the binding finished but the pod never showed up
// bound within the TTL. The scheduling cycle runs synchronously, so it reads this cache directly
// through a Snapshot; nothing can change between its PreFilter and its Reserve.
import { realClock, type Clock } from '../../machinery/clock.js';
import { PodInfo } from '../framework/pod-info.js';
import { podKey, type Node, type Pod } from '../types.js';
import { NodeInfo, normalizeImageName } from './node-info.js';
import { RequiredAntiAffinityIndex, type AntiTermGroup } from './anti-affinity-index.js';
import { PodsByLabels, type LabelGroup } from './label-groups.js';

interface PodState {
  pod: Pod;
  assumed: boolean;
  bindingFinished: boolean;
  /** When an assumed pod whose binding finished is given up on (ms since epoch). */
  deadline?: number;
}

export interface CacheOptions {
  clock?: Clock;
  /** How long an assumed pod whose binding finished waits for the informer to confirm it (default 15 min; 0 = forever). */
  assumedTtlMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class SchedulerCache {
  private nodes = new Map<string, NodeInfo>();
  private podStates = new Map<string, PodState>();
  private readonly clock: Clock;
  private readonly ttl: number;
  /** Bumped when the set of nodes changes, so the snapshot rebuilds its node list. */
  nodeSetVersion = 0;
  /** image name -> nodes that have it (ImageLocality's spread). */
  private imageNodes = new Map<string, number>();
  /** Placed pods by namespace and labels, with their nodes: InterPodAffinity's PreFilter reads these groups, not every pod. */
  private readonly byLabels = new PodsByLabels();
  /**
   * NodeInfos holding pods that can add to others' InterPodAffinity score, kept as pods come and
   * go (the snapshot's list comes from this, not from a pass over every node each cycle), and a
   * version bumped when such a pod comes or goes.
   */
  private readonly withScoring = new Set<NodeInfo>();
  scoringVersion = 0;
  /** Placed pods' required anti-affinity terms by content, with domain counts. */
  private readonly antiTerms = new RequiredAntiAffinityIndex();

  constructor(private readonly o: CacheOptions = {}) {
    this.clock = o.clock ?? realClock;
    this.ttl = o.assumedTtlMs ?? 15 * 60_000;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /** Nodes that exist (a NodeInfo whose Node was deleted lingers while pods remain on it). */
  liveNodes(): NodeInfo[] {
    const out: NodeInfo[] = [];
    for (const ni of this.nodes.values()) if (ni.node) out.push(ni);
    return out;
  }

  imageNodeCount(image: string): number {
    return this.imageNodes.get(image) ?? 0;
  }

  /** Placed pods' required anti-affinity terms, one group per distinct term, with domain counts. */
  requiredAntiAffinityTerms(): Iterable<AntiTermGroup> {
    return this.antiTerms.groups();
  }

  /** The pods placed (bound or assumed) in `namespace`, grouped by labels, with their nodes. */
  podGroupsInNamespace(namespace: string): Iterable<LabelGroup> {
    return this.byLabels.inNamespace(namespace);
  }

  /** Every placed pod, grouped by namespace and labels. */
  podGroups(): Iterable<LabelGroup> {
    return this.byLabels.all();
  }

  /** NodeInfos (live or not) with pods whose terms can add to another pod's InterPodAffinity score. */
  nodesWithPodsScoringOthers(): Iterable<NodeInfo> {
    return this.withScoring;
  }

  get podCount(): number {
    return this.podStates.size;
  }

  isAssumed(key: string): boolean {
    return this.podStates.get(key)?.assumed ?? false;
  }

  assumedPods(): string[] {
    return [...this.podStates].filter(([, s]) => s.assumed).map(([k]) => k);
  }

  // --- nodes

  addNode(node: Node): void {
    const name = node.metadata.name ?? '';
    let ni = this.nodes.get(name);
    if (!ni) {
      ni = new NodeInfo();
      this.nodes.set(name, ni);
    }
    const had = !!ni.node;
    if (had) this.countImages(ni, -1);
    const before = ni.node?.metadata.labels;
    ni.setNode(node);
    this.countImages(ni, 1);
    if (ni.podsWithRequiredAntiAffinity.length > 0 && (!had || before !== node.metadata.labels)) {
      this.antiTerms.relabel(ni.podsWithRequiredAntiAffinity, before, node.metadata.labels);
    }
    if (!had) this.nodeSetVersion++;
  }

  updateNode(node: Node): void {
    this.addNode(node);
  }

  removeNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const ni = this.nodes.get(name);
    if (!ni?.node) return;
    this.countImages(ni, -1);
    this.antiTerms.relabel(ni.podsWithRequiredAntiAffinity, ni.node.metadata.labels, undefined);
    ni.node = undefined;
    if (ni.pods.length === 0) this.nodes.delete(name);
    this.nodeSetVersion++;
  }

  private countImages(ni: NodeInfo, d: number): void {
    for (const img of ni.images.keys()) {
      const n = (this.imageNodes.get(img) ?? 0) + d;
      if (n <= 0) this.imageNodes.delete(img);
      else this.imageNodes.set(img, n);
    }
  }

  // --- pods

  /** Places a pod (with spec.nodeName set) on its node before the API server has it bound. */
  assumePod(pod: Pod): void {
    const key = podKey(pod);
    if (this.podStates.has(key)) throw new Error(`pod ${key} is in the cache, so can't be assumed`);
    this.place(pod);
    this.podStates.set(key, { pod, assumed: true, bindingFinished: false });
  }

  /** The bind call returned: from now on the assumption may expire. */
  finishBinding(pod: Pod): void {
    const st = this.podStates.get(podKey(pod));
    if (!st?.assumed) return;
    st.bindingFinished = true;
    if (this.ttl > 0) st.deadline = this.clock.now() + this.ttl;
  }

  /** Binding failed: the pod is no longer on that node as far as we know. */
  forgetPod(pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st) return;
    if (!st.assumed) throw new Error(`pod ${key} was not assumed, so can't be forgotten`);
    this.unplace(st.pod);
    this.podStates.delete(key);
  }

  /** The informer saw a bound pod: confirms an assumption or adds it. */
  addPod(pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (st) {
      if (st.pod.spec.nodeName !== pod.spec.nodeName || !st.assumed) {
        // Bound elsewhere than we assumed (another scheduler won), or a repeated add.
        this.unplace(st.pod);
        this.place(pod);
      } else {
        this.replaceInPlace(st.pod, pod);
      }
      this.podStates.set(key, { pod, assumed: false, bindingFinished: true });
      return;
    }
    this.place(pod);
    this.podStates.set(key, { pod, assumed: false, bindingFinished: true });
  }

  updatePod(_old: Pod, pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st) return this.addPod(pod);
    this.unplace(st.pod);
    this.place(pod);
    this.podStates.set(key, { pod, assumed: false, bindingFinished: true });
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const st = this.podStates.get(key);
    if (!st) return;
    this.unplace(st.pod);
    this.podStates.delete(key);
  }

  /** Drops assumed pods whose binding finished more than the TTL ago and were never confirmed. */
  cleanupExpired(now = this.clock.now()): string[] {
    const expired: string[] = [];
    for (const [key, st] of this.podStates) {
      if (st.assumed && st.bindingFinished && st.deadline !== undefined && now >= st.deadline) {
        this.o.log?.('assumed pod expired', { pod: key, node: st.pod.spec.nodeName });
        this.unplace(st.pod);
        this.podStates.delete(key);
        expired.push(key);
      }
    }
    return expired;
  }

  private place(pod: Pod): void {
    const name = pod.spec.nodeName ?? '';
    let ni = this.nodes.get(name);
    if (!ni) {
      // A pod may arrive before its node (informers are independent): keep it on a node-less NodeInfo.
      ni = new NodeInfo();
      this.nodes.set(name, ni);
    }
    const pi = new PodInfo(pod);
    ni.addPod(pi);
    if (pi.requiredAntiAffinity.length > 0) this.antiTerms.addPod(pi, ni.node?.metadata.labels);
    this.byLabels.add(pi, ni);
    if (pi.scoresOthers) {
      this.withScoring.add(ni);
      this.scoringVersion++;
    }
  }

  private unplace(pod: Pod): void {
    const name = pod.spec.nodeName ?? '';
    const ni = this.nodes.get(name);
    if (!ni) return;
    const key = podKey(pod);
    const pi = ni.removePod(key);
    if (pi) {
      this.byLabels.remove(pi, ni);
      if (pi.requiredAntiAffinity.length > 0) this.antiTerms.removePod(pi, ni.node?.metadata.labels);
      if (pi.scoresOthers) {
        if (ni.podsScoringOthers === 0) this.withScoring.delete(ni);
        this.scoringVersion++;
      }
    }
    if (!ni.node && ni.pods.length === 0) this.nodes.delete(name);
  }

  /** Same node, newer object: swap without recounting twice. */
  private replaceInPlace(old: Pod, pod: Pod): void {
    this.unplace(old);
    this.place(pod);
  }
}

export { normalizeImageName };
