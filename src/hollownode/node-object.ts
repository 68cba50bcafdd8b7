// The Node a hollow kubelet registers, and the conditions it reports. Shaped like what a real
// kubelet posts (labels, capacity = allocatable, addresses, nodeInfo, daemon endpoint), so the
// scheduler and `kubectl get nodes -o wide` cannot tell the difference.
import { nodeIP, podCIDR } from './addresses.js';
import { rfc3339 } from './time.js';
import type { NotReadyStatus } from './types.js';

export interface NodeShape {
  cpu: string;
  memory: string;
  pods: number;
  ephemeralStorage: string;
  labels?: (i: number) => Record<string, string>;
  zones?: string[];
}

export const KUBELET_VERSION = 'v1.33.0-k8ts-hollow';

export interface NodeObject {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: { name: string; uid?: string; resourceVersion?: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { podCIDR: string; podCIDRs: string[]; providerID: string };
  status: Record<string, unknown>;
}

export function nodeLabels(i: number, name: string, shape: Pick<NodeShape, 'labels' | 'zones'>): Record<string, string> {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': 'amd64',
    'node.kubernetes.io/instance-type': 'hollow',
    type: 'hollow',
  };
  if (shape.zones && shape.zones.length > 0) {
    const zone = shape.zones[i % shape.zones.length]!;
    labels['topology.kubernetes.io/zone'] = zone;
    labels['topology.kubernetes.io/region'] = zone.replace(/-?[a-z]$/, '') || zone;
  }
  return { ...labels, ...(shape.labels?.(i) ?? {}) };
}

/** Ready plus the three pressure conditions, all as a healthy (or NotReady) kubelet reports them. */
export function nodeConditions(ready: boolean | NotReadyStatus, now: number, since: number): Record<string, string>[] {
  const t = rfc3339(now);
  const s = rfc3339(since);
  const pressure = (type: string, reason: string, message: string) => ({ type, status: 'False', lastHeartbeatTime: t, lastTransitionTime: s, reason, message });
  const readyCond = ready === true
    ? { type: 'Ready', status: 'True', lastHeartbeatTime: t, lastTransitionTime: s, reason: 'KubeletReady', message: 'kubelet is posting ready status' }
    : ready === 'Unknown'
      ? { type: 'Ready', status: 'Unknown', lastHeartbeatTime: t, lastTransitionTime: s, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }
      : { type: 'Ready', status: 'False', lastHeartbeatTime: t, lastTransitionTime: s, reason: 'KubeletNotReady', message: 'hollow node was told to be NotReady' };
  return [
    pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    readyCond,
  ];
}

export function nodeStatus(i: number, name: string, shape: NodeShape, now: number): Record<string, unknown> {
  const resources = { cpu: shape.cpu, memory: shape.memory, pods: String(shape.pods), 'ephemeral-storage': shape.ephemeralStorage };
  const id = `hollow-${name}`;
  return {
    capacity: resources,
    allocatable: { ...resources },
    conditions: nodeConditions(true, now, now),
    addresses: [{ type: 'InternalIP', address: nodeIP(i) }, { type: 'Hostname', address: name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: id, systemUUID: id, bootID: id,
      kernelVersion: '6.1.0-hollow', osImage: 'k8ts hollow node', containerRuntimeVersion: 'hollow://1.0.0',
      kubeletVersion: KUBELET_VERSION, kubeProxyVersion: KUBELET_VERSION, operatingSystem: 'linux', architecture: 'amd64',
    },
  };
}

export function nodeObject(i: number, name: string, shape: NodeShape, now: number): NodeObject {
  const cidr = podCIDR(i);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: nodeLabels(i, name, shape),
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'k8ts.io/hollow-node': 'true' },
    },
    spec: { podCIDR: cidr, podCIDRs: [cidr], providerID: `hollow://${name}` },
    status: nodeStatus(i, name, shape, now),
  };
}
