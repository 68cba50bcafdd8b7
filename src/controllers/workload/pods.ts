// What a workload controller asks of a pod: is it active (still counts toward replicas), ready,
// available for minReadySeconds, and since when. Kubernetes' podutil and controller helpers.
import type { Pod } from '../../api/core/v1/pod.js';
import type { PodTemplateSpec } from '../../api/core/v1/pod-spec.js';
import type { KubeObject } from '../../api/resource.js';

export type { Pod };

/** Kubernetes' IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod last became ready (ms), undefined if it is not ready. */
export function podReadySince(pod: Pod): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return undefined;
  const t = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

/** Kubernetes' IsPodAvailable: ready, and ready for at least minReadySeconds (0 = as soon as ready). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

/** Every label of the template is on the pod with the same value (fullyLabeledReplicas). */
export function hasTemplateLabels(pod: KubeObject, template: PodTemplateSpec | undefined): boolean {
  const want = template?.metadata?.labels ?? {};
  const have = pod.metadata.labels ?? {};
  return Object.entries(want).every(([k, v]) => have[k] === v);
}

/** Milliseconds since the epoch of an RFC 3339 time; undefined when absent or unparsable. */
export function parseTime(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

export { rfc3339 } from '../../machinery/time-format.js';
