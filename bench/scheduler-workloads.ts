// The scheduler bench's workloads (scheduler_perf's SchedulingBasic, NodeAffinity,
// PodAntiAffinity), shared by the bench's main thread and its scheduler and pod-creator threads.
import type { Pod } from '../src/scheduler/types.js';
import { podObject } from '../test/scheduler/fixtures.js';

export interface Workload {
  name: string;
  /** Workloads of one group share a cluster (its nodes are created once); each uses its own namespaces. */
  group: string;
  nodes: number;
  initPods: number;
  measurePods: number;
  /** upstream threshold, pods/s */
  anchor?: number;
  nodeLabels?: Record<string, string>;
  pod: (i: number, ns: string) => Pod;
  /** Pre-placed pods: which node index pod i goes to. */
  place?: (i: number, nodes: number) => number;
}

const basicPod = (i: number, ns: string) => podObject(`pod-${i}`, { namespace: ns, cpu: '100m', memory: '500Mi' });
const affinityPod = (i: number, ns: string) => podObject(`pod-${i}`, { namespace: ns, cpu: '100m', memory: '500Mi', spec: {
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['zone1', 'zone2'] }] }] } } },
} });
const antiPod = (i: number, ns: string) => {
  const p = podObject(`pod-${i}`, { namespace: ns, cpu: '100m', memory: '500Mi', labels: { color: 'green', name: 'test' }, spec: {
    affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname', namespaces: [ns.replace(/-1$/, '-0'), ns.replace(/-0$/, '-1')] }] } },
  } });
  p.spec.containers[0]!.ports = [{ containerPort: 80 }];
  return p;
};

const ZONE = { 'topology.kubernetes.io/zone': 'zone1' };

/** Upstream's node and pod counts when `full` (the default); fewer measured pods for a quick look. */
export function workloads(scale: number, full: boolean): Workload[] {
  const s = (n: number) => Math.max(1, Math.round(n * scale));
  return [
    { group: 'small', name: 'SchedulingBasic/500Nodes', nodes: s(500), initPods: s(500), measurePods: s(1000), pod: basicPod, nodeLabels: ZONE },
    { group: 'large', name: 'SchedulingBasic/5000Nodes', nodes: s(5000), initPods: s(1000), measurePods: s(full ? 10000 : 2000), anchor: 680, pod: basicPod, nodeLabels: ZONE },
    { group: 'large', name: 'NodeAffinity/5000Nodes', nodes: s(5000), initPods: s(full ? 5000 : 500), measurePods: s(full ? 10000 : 1000), anchor: 220, pod: affinityPod, nodeLabels: ZONE },
    // Pre-placed anti-affinity pods go one per node, after the nodes the earlier workloads' pods favour least.
    { group: 'large', name: 'PodAntiAffinity/5000Nodes', nodes: s(5000), initPods: s(full ? 1000 : 500), measurePods: s(full ? 2000 : 500), anchor: 60, pod: antiPod, place: (i) => i },
  ];
}

/** The measured pods' namespaces of the workload at `index` in its group. */
export function namespacesOf(index: number): [string, string] {
  return [`w${index}-sched-0`, `w${index}-sched-1`];
}
