// Everything the scheduler knows about one node (framework.NodeInfo): the Node, the pods on it
// (bound or assumed), their summed requests, the host ports they hold and the subsets of them with
// pod affinity. `generation` changes on every mutation so a snapshot can tell what changed.
import { PodInfo } from '../framework/pod-info.js';
import { Resource } from '../resources.js';
import type { Node, Pod } from '../types.js';

let generation = 0;
export function nextGeneration(): number {
  return ++generation;
}

export class NodeInfo {
  node: Node | undefined;
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  /** How many of the pods can add to another pod's InterPodAffinity score (PodInfo.scoresOthers). */
  podsScoringOthers = 0;
  /** "protocol/port" -> host IPs holding it. */
  usedPorts = new Map<string, Set<string>>();
  requested = new Resource();
  nonZeroRequested = new Resource();
  allocatable = new Resource();
  /** Normalized image name -> size in bytes, from node.status.images. */
  images = new Map<string, number>();
  generation = nextGeneration();

  constructor(node?: Node) {
    if (node) this.setNode(node);
  }

  get name(): string {
    return this.node?.metadata.name ?? '';
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = Resource.fromList(node.status?.allocatable ?? node.status?.capacity);
    this.images = new Map();
    for (const img of node.status?.images ?? []) for (const n of img.names ?? []) this.images.set(normalizeImageName(n), img.sizeBytes ?? 0);
    this.generation = nextGeneration();
  }

  addPod(pod: Pod | PodInfo): void {
    const pi = pod instanceof PodInfo ? pod : new PodInfo(pod);
    this.pods.push(pi);
    if (pi.hasAffinity()) this.podsWithAffinity.push(pi);
    if (pi.requiredAntiAffinity.length) this.podsWithRequiredAntiAffinity.push(pi);
    if (pi.scoresOthers) this.podsScoringOthers++;
    this.requested.add(pi.requests);
    this.nonZeroRequested.add(pi.nonZeroRequests);
    for (const hp of pi.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      let ips = this.usedPorts.get(k);
      if (!ips) this.usedPorts.set(k, (ips = new Set()));
      ips.add(hp.hostIP);
    }
    this.generation = nextGeneration();
  }

  /** Removes by key; returns the pod removed (undefined when it was not here). */
  removePod(key: string): PodInfo | undefined {
    const i = this.pods.findIndex((p) => p.key === key);
    if (i < 0) return undefined;
    const pi = this.pods[i]!;
    this.pods.splice(i, 1);
    this.podsWithAffinity = this.podsWithAffinity.filter((p) => p.key !== key);
    this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p.key !== key);
    if (pi.scoresOthers) this.podsScoringOthers--;
    this.requested.add(pi.requests, -1);
    this.nonZeroRequested.add(pi.nonZeroRequests, -1);
    for (const hp of pi.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      const ips = this.usedPorts.get(k);
      ips?.delete(hp.hostIP);
      if (ips && ips.size === 0) this.usedPorts.delete(k);
    }
    this.generation = nextGeneration();
    return pi;
  }

  /** True when a wanted host port conflicts: same protocol and port, and either side is 0.0.0.0 or the IPs match. */
  portConflict(hp: { hostIP: string; protocol: string; port: number }): boolean {
    const ips = this.usedPorts.get(`${hp.protocol}/${hp.port}`);
    if (!ips || ips.size === 0) return false;
    if (hp.hostIP === '0.0.0.0' || ips.has('0.0.0.0')) return true;
    return ips.has(hp.hostIP);
  }

  /** A copy that can be changed without touching this one (preemption's what-if). */
  clone(): NodeInfo {
    const c = new NodeInfo();
    c.node = this.node;
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.podsScoringOthers = this.podsScoringOthers;
    c.usedPorts = new Map([...this.usedPorts].map(([k, v]) => [k, new Set(v)]));
    c.requested = this.requested.clone();
    c.nonZeroRequested = this.nonZeroRequested.clone();
    c.allocatable = this.allocatable.clone();
    c.images = this.images;
    c.generation = this.generation;
    return c;
  }
}

/** "nginx" and "nginx:latest" are one image (the tag defaults to latest); digests are kept as they are. */
export function normalizeImageName(name: string): string {
  if (name.includes('@')) return name;
  const slash = name.lastIndexOf('/');
  return name.indexOf(':', slash + 1) >= 0 ? name : `${name}:latest`;
}
