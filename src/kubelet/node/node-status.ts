// The Node object and its status as the kubelet reports them: capacity and allocatable, addresses,
// nodeInfo, images, and the conditions with the kubelet's reasons and messages. Pressure follows
// the kubelet's default hard eviction thresholds (memory.available<100Mi, nodefs.available<10%);
// PID pressure when fewer than 10% of pid_max are left.
import type { Node, NodeCondition, NodeStatus } from '../../api/core/v1/nodes.js';
import type { Image } from '../runtime/types.js';
import { KUBELET_VERSION, type MachineInfo, type MachineSample } from '../types.js';

export const MAX_PODS = 110;
export const MEMORY_EVICTION_BYTES = 100 * 1024 * 1024;
const MAX_IMAGES_IN_STATUS = 50;

export interface NodeFacts {
  nodeName: string;
  nodeIP: string;
  machine: MachineInfo;
  runtimeVersion: string;
  podCIDR?: string;
  labels?: Record<string, string>;
  /** Port of the kubelet's logs/exec server (status.daemonEndpoints); default 10250. */
  kubeletPort?: number;
}

export function capacityOf(m: MachineInfo): Record<string, string> {
  return {
    cpu: String(m.cpuCores),
    memory: `${Math.floor(m.memoryBytes / 1024)}Ki`,
    pods: String(MAX_PODS),
    'ephemeral-storage': `${Math.floor(m.ephemeralStorageBytes / 1024)}Ki`,
  };
}

/** Allocatable: capacity less the memory eviction threshold and 10% of ephemeral storage, as the kubelet reserves by default. */
export function allocatableOf(m: MachineInfo): Record<string, string> {
  return {
    cpu: String(m.cpuCores),
    memory: `${Math.max(0, Math.floor((m.memoryBytes - MEMORY_EVICTION_BYTES) / 1024))}Ki`,
    pods: String(MAX_PODS),
    'ephemeral-storage': String(Math.floor(m.ephemeralStorageBytes * 0.9)),
  };
}

/** The node as first registered. */
export function initialNode(f: NodeFacts): Node {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: {
      name: f.nodeName,
      labels: {
        'kubernetes.io/hostname': f.nodeName,
        'kubernetes.io/os': f.machine.operatingSystem,
        'kubernetes.io/arch': f.machine.architecture,
        'beta.kubernetes.io/os': f.machine.operatingSystem,
        'beta.kubernetes.io/arch': f.machine.architecture,
        ...(f.labels ?? {}),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: f.podCIDR ? { podCIDR: f.podCIDR, podCIDRs: [f.podCIDR] } : {},
  } as Node;
}

export interface Pressure { memory: boolean; disk: boolean; pid: boolean }

export function pressureOf(s: MachineSample): Pressure {
  return {
    memory: s.memoryAvailableBytes < MEMORY_EVICTION_BYTES,
    disk: s.diskCapacityBytes > 0 && s.diskAvailableBytes < s.diskCapacityBytes * 0.1,
    pid: s.pidsMax > 0 && s.pidsMax - s.pidsInUse < s.pidsMax * 0.1,
  };
}

export interface ReadyState { ready: boolean; message?: string }

function condition(type: string, on: boolean, reason: string, message: string): NodeCondition {
  return { type, status: on ? 'True' : 'False', reason, message };
}

export function nodeConditions(p: Pressure, r: ReadyState): NodeCondition[] {
  return [
    p.memory ? condition('MemoryPressure', true, 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available')
      : condition('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    p.disk ? condition('DiskPressure', true, 'KubeletHasDiskPressure', 'kubelet has disk pressure')
      : condition('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    p.pid ? condition('PIDPressure', true, 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available')
      : condition('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    r.ready ? condition('Ready', true, 'KubeletReady', 'kubelet is posting ready status')
      : condition('Ready', false, 'KubeletNotReady', r.message ?? 'container runtime is down'),
  ];
}

/**
 * The status to write: conditions keep lastTransitionTime while unchanged and get a fresh
 * lastHeartbeatTime on each update (Kubernetes' node status semantics).
 */
export function nodeStatus(f: NodeFacts, images: Image[], p: Pressure, r: ReadyState, old: NodeStatus | undefined, now: string): NodeStatus {
  const conds = nodeConditions(p, r).map((c) => {
    const prior = old?.conditions?.find((x) => x.type === c.type);
    return { ...c, lastHeartbeatTime: now, lastTransitionTime: prior && prior.status === c.status ? prior.lastTransitionTime : now };
  });
  const m = f.machine;
  return {
    capacity: capacityOf(m),
    allocatable: allocatableOf(m),
    conditions: conds,
    addresses: [{ type: 'InternalIP', address: f.nodeIP }, { type: 'Hostname', address: m.hostname || f.nodeName }],
    daemonEndpoints: { kubeletEndpoint: { Port: f.kubeletPort ?? 10250 } },
    nodeInfo: {
      machineID: m.machineID, systemUUID: m.systemUUID, bootID: m.bootID,
      kernelVersion: m.kernelVersion, osImage: m.osImage, containerRuntimeVersion: f.runtimeVersion,
      kubeletVersion: KUBELET_VERSION, kubeProxyVersion: KUBELET_VERSION,
      operatingSystem: m.operatingSystem, architecture: m.architecture,
    },
    images: [...images]
      .sort((a, b) => Number(b.size) - Number(a.size))
      .slice(0, MAX_IMAGES_IN_STATUS)
      .map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: Number(i.size) })),
  } as NodeStatus;
}
