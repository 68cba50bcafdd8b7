// Deployment conditions with Kubernetes' reasons and its SetDeploymentCondition rule: a condition
// of the same status and reason is left untouched, a status kept keeps its lastTransitionTime.
import type { Deployment } from '../../api/apps/v1/types.js';
import { rfc3339 } from '../workload/pods.js';

export type DeploymentCondition = NonNullable<NonNullable<Deployment['status']>['conditions']>[number];
export type ConditionStatus = 'True' | 'False' | 'Unknown';

export const PROGRESSING = 'Progressing';
export const AVAILABLE = 'Available';
export const REPLICA_FAILURE = 'ReplicaFailure';

export const Reasons = {
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  FailedReplicaSetCreate: 'ReplicaSetCreateError',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export function newCondition(type: string, status: ConditionStatus, reason: string, message: string, now: number): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, reason, message, lastUpdateTime: t, lastTransitionTime: t };
}

export function getCondition(conds: DeploymentCondition[] | undefined, type: string): DeploymentCondition | undefined {
  return conds?.find((c) => c.type === type);
}

export function setCondition(conds: DeploymentCondition[], c: DeploymentCondition): DeploymentCondition[] {
  const cur = getCondition(conds, c.type!);
  if (cur && cur.status === c.status && cur.reason === c.reason) return conds;
  const next = { ...c };
  if (cur && cur.status === c.status) next.lastTransitionTime = cur.lastTransitionTime;
  return [...conds.filter((x) => x.type !== c.type), next];
}

export function removeCondition(conds: DeploymentCondition[], type: string): DeploymentCondition[] {
  return conds.filter((c) => c.type !== type);
}
