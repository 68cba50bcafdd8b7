// A Deployment's status, computed from its ReplicaSets (Kubernetes' calculateStatus and
// syncRolloutStatus): counts, the Available condition, and the Progressing verdict: complete
// (NewReplicaSetAvailable), progressing (ReplicaSetUpdated, which moves lastUpdateTime, the point
// the deadline counts from), or stuck past progressDeadlineSeconds (ProgressDeadlineExceeded).
import type { Deployment, ReplicaSet } from '../../api/apps/v1/types.js';
import {
  AVAILABLE, PROGRESSING, REPLICA_FAILURE, Reasons, getCondition, newCondition, removeCondition, setCondition, type DeploymentCondition,
} from './conditions.js';
import {
  deploymentComplete, deploymentProgressing, hasProgressDeadline, maxUnavailable, replicasOf, sumAvailable, sumReady, sumSpecReplicas, sumStatusReplicas,
} from './util.js';

export type DeploymentStatus = NonNullable<Deployment['status']>;

export function calculateStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, now: number): DeploymentStatus {
  const available = sumAvailable(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: sumStatusReplicas(all),
    updatedReplicas: newRS ? newRS.status?.replicas ?? 0 : 0,
    readyReplicas: sumReady(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpecReplicas(all) - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  const conds = [...(d.status?.conditions ?? [])];
  status.conditions = available >= replicasOf(d) - maxUnavailable(d)
    ? setCondition(conds, newCondition(AVAILABLE, 'True', Reasons.MinimumReplicasAvailable, 'Deployment has minimum availability.', now))
    : setCondition(conds, newCondition(AVAILABLE, 'False', Reasons.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  return status;
}

/** DeploymentTimedOut: no progress for progressDeadlineSeconds since the condition last moved. */
export function timedOut(d: Deployment, conds: DeploymentCondition[], now: number): boolean {
  const c = getCondition(conds, PROGRESSING);
  if (!c || c.reason === Reasons.NewReplicaSetAvailable) return false;
  if (c.reason === Reasons.ProgressDeadlineExceeded) return true;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : NaN;
  return !Number.isNaN(from) && from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 < now;
}

/** A ReplicaFailure of the new ReplicaSet (or else of any) surfaces on the Deployment. */
function replicaFailure(all: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  const pick = (rs: ReplicaSet | undefined) => rs?.status?.conditions?.find((c) => c.type === REPLICA_FAILURE);
  const c = pick(newRS) ?? all.map(pick).find(Boolean);
  if (!c) return undefined;
  return { type: REPLICA_FAILURE, status: c.status, reason: c.reason, message: c.message, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime };
}

/** The status syncRolloutStatus writes: counts plus the Progressing and ReplicaFailure conditions. */
export function rolloutStatus(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined, now: number): DeploymentStatus {
  const status = calculateStatus(d, all, newRS, now);
  let conds = status.conditions ?? [];
  if (!hasProgressDeadline(d)) conds = removeCondition(conds, PROGRESSING);
  const current = getCondition(d.status?.conditions, PROGRESSING);
  const complete = status.replicas === status.updatedReplicas && current?.reason === Reasons.NewReplicaSetAvailable;
  const what = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      conds = setCondition(conds, newCondition(PROGRESSING, 'True', Reasons.NewReplicaSetAvailable, `${what} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, status)) {
      const c = newCondition(PROGRESSING, 'True', Reasons.ReplicaSetUpdated, `${what} is progressing.`, now);
      // Progress moves lastUpdateTime (the deadline counts from it) but not lastTransitionTime.
      if (current?.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
      conds = [...removeCondition(conds, PROGRESSING), c];
    } else if (timedOut(d, conds, now)) {
      conds = setCondition(conds, newCondition(PROGRESSING, 'False', Reasons.ProgressDeadlineExceeded, `${what} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(all, newRS);
  status.conditions = failure ? setCondition(conds, failure) : removeCondition(conds, REPLICA_FAILURE);
  return status;
}

/** requeueStuckDeployment: when to look again so a stalled rollout is declared stuck on time (undefined: no need). */
export function stuckRecheckIn(d: Deployment, status: DeploymentStatus, now: number): number | undefined {
  const c = getCondition(d.status?.conditions, PROGRESSING);
  if (!hasProgressDeadline(d) || !c) return undefined;
  if (deploymentComplete(d, status) || c.reason === Reasons.ProgressDeadlineExceeded) return undefined;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : now;
  const after = from + (d.spec?.progressDeadlineSeconds ?? 600) * 1000 - now;
  return after < 1000 ? 1000 : after + 1000;
}
