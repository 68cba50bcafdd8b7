// Small facts about pods several controllers need (Kubernetes' podutil helpers).
import type { KubeObject } from '../../api/resource.js';

export interface PodLike extends KubeObject {
  spec?: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    restartPolicy?: string;
    containers?: { name: string; ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
    tolerations?: { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; lastProbeTime?: string | null }[];
  };
}

export function isPodReady(pod: PodLike): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function isPodTerminal(pod: PodLike): boolean {
  const p = pod.status?.phase;
  return p === 'Succeeded' || p === 'Failed';
}

export { rfc3339 } from '../../machinery/time-format.js';

/** Index of pods by the node they are bound to; shared by name so controllers reuse one index. */
export const PODS_BY_NODE = 'controllers-pods-by-node';
export const podsByNode = (pod: KubeObject): string[] => {
  const n = (pod as PodLike).spec?.nodeName;
  return n ? [n] : [];
};
