// The status a replication owner reports, computed from the pods it owns (Kubernetes'
// calculateStatus): replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
// observedGeneration, and a ReplicaFailure condition while creating or deleting fails.
import type { Pod } from '../workload/pods.js';
import { hasTemplateLabels, isPodAvailable, isPodReady, rfc3339 } from '../workload/pods.js';
import { deepEqual } from '../../client/patch.js';
import type { ReplicaOwner } from './kinds.js';

export interface ReplicaCondition {
  type?: string;
  status?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaCondition[];
}

export const REPLICA_FAILURE = 'ReplicaFailure';

export function calculateStatus(owner: ReplicaOwner, pods: Pod[], manageErr: unknown, now: number): ReplicaStatus {
  const spec = owner.spec ?? {};
  const minReady = spec.minReadySeconds ?? 0;
  let labeled = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    if (hasTemplateLabels(p, spec.template)) labeled++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, now)) available++;
    }
  }
  const status: ReplicaStatus = {
    replicas: pods.length, fullyLabeledReplicas: labeled, readyReplicas: ready, availableReplicas: available,
    observedGeneration: owner.metadata.generation,
  };
  let conditions = [...((owner.status?.conditions ?? []) as ReplicaCondition[])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageErr && !failure) {
    const diff = pods.length - (spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions.push({ type: REPLICA_FAILURE, status: 'True', lastTransitionTime: rfc3339(now), reason, message: (manageErr as Error)?.message ?? String(manageErr) });
  } else if (!manageErr && failure) {
    conditions = conditions.filter((c) => c !== failure);
  }
  if (conditions.length) status.conditions = conditions;
  return status;
}

/** Zero and absent counts are the same to Kubernetes (omitempty): compare them so. */
export function sameStatus(a: Partial<ReplicaStatus> | undefined, b: ReplicaStatus): boolean {
  const n = (v: number | undefined) => v ?? 0;
  return n(a?.replicas) === b.replicas && n(a?.fullyLabeledReplicas) === n(b.fullyLabeledReplicas) && n(a?.readyReplicas) === n(b.readyReplicas)
    && n(a?.availableReplicas) === n(b.availableReplicas) && a?.observedGeneration === b.observedGeneration
    && deepEqual(a?.conditions ?? [], b.conditions ?? []);
}

/** Milliseconds until the next ready-but-not-yet-available pod becomes available (undefined: none). */
export function nextAvailableIn(owner: ReplicaOwner, pods: Pod[], now: number): number | undefined {
  const minReady = owner.spec?.minReadySeconds ?? 0;
  if (minReady <= 0) return undefined;
  let next: number | undefined;
  for (const p of pods) {
    if (!isPodReady(p) || isPodAvailable(p, minReady, now)) continue;
    const t = p.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
    const at = (t ? Date.parse(t) : now) + minReady * 1000 - now;
    next = next === undefined ? at : Math.min(next, at);
  }
  return next === undefined ? undefined : Math.max(next, 0) + 1000;
}
