// The labels and annotations the kubelet puts on sandboxes and containers, as the real kubelet
// does: they are how a restarted kubelet recognises its own containers and recovers their pod,
// name and restart count from the runtime alone.
import type { Pod } from '../../api/core/v1/pod.js';

export const POD_NAME = 'io.kubernetes.pod.name';
export const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const POD_UID = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME = 'io.kubernetes.container.name';
export const RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const CONTAINER_HASH = 'io.kubernetes.container.hash';
export const TERMINATION_GRACE = 'io.kubernetes.pod.terminationGracePeriod';
/** Marks objects this kubelet created (k8s uses the same label on every sandbox: "kubelet"). */
export const MANAGED_BY = 'io.kubernetes.container.managedBy';
export const MANAGED_BY_VALUE = 'k8ts-kubelet';

export function podLabels(pod: Pod): Record<string, string> {
  return {
    [POD_NAME]: pod.metadata.name ?? '',
    [POD_NAMESPACE]: pod.metadata.namespace ?? '',
    [POD_UID]: pod.metadata.uid ?? '',
    [MANAGED_BY]: MANAGED_BY_VALUE,
  };
}

export function sandboxLabels(pod: Pod): Record<string, string> {
  return { ...(pod.metadata.labels ?? {}), ...podLabels(pod) };
}

export function containerLabels(pod: Pod, containerName: string): Record<string, string> {
  return { ...podLabels(pod), [CONTAINER_NAME]: containerName };
}

export function containerAnnotations(pod: Pod, restartCount: number, hash: string): Record<string, string> {
  return {
    [RESTART_COUNT]: String(restartCount),
    [CONTAINER_HASH]: hash,
    [TERMINATION_GRACE]: String(pod.spec?.terminationGracePeriodSeconds ?? 30),
  };
}

export function restartCountOf(annotations: Record<string, string> | undefined): number {
  const n = Number(annotations?.[RESTART_COUNT] ?? 0);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

/** "name_namespace(uid)", as the kubelet's format.Pod writes a pod in messages. */
export function podDesc(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}
