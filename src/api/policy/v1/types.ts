// policy/v1 PodDisruptionBudget: how many of an application's pods voluntary disruptions (evictions,
// drains) may take down at once. Field numbers from k8s.io/api/policy/v1/generated.proto.
import { Type, type Static, opt, str, int32, int64, time, intOrString, mergeList, object, K8S_EXT } from '../../schema.js';
import { use, LabelSelector, Condition } from '../../meta/v1/types.js';
import type { KubeObject, ObjectMetaLike } from '../../resource.js';
import { kindObject } from '../../core/v1/common.js';

const POLICY = 'io.k8s.api.policy.v1';
type Obj<S> = Omit<S, 'metadata'> & KubeObject & { metadata: ObjectMetaLike };

/** The selector is replaced whole by strategic merge patches (patchStrategy=replace). */
const replacedSelector = () => {
  const s = use(LabelSelector);
  (s as Record<string, unknown>)[K8S_EXT.strategy] = 'replace';
  return s;
};

export const PodDisruptionBudgetSpec = object(`${POLICY}.PodDisruptionBudgetSpec`, {
  minAvailable: opt(1, intOrString({ description: 'An eviction is allowed if at least "minAvailable" pods selected by "selector" will still be available after the eviction.' })),
  selector: opt(2, replacedSelector()),
  maxUnavailable: opt(3, intOrString({ description: 'An eviction is allowed if at most "maxUnavailable" pods selected by "selector" are unavailable after the eviction.' })),
  unhealthyPodEvictionPolicy: opt(4, str({ description: 'UnhealthyPodEvictionPolicy defines the criteria for when unhealthy pods should be considered for eviction. Valid policies are IfHealthyBudget and AlwaysAllow.' })),
}, 'PodDisruptionBudgetSpec is a description of a PodDisruptionBudget.');
export type PodDisruptionBudgetSpec = Static<typeof PodDisruptionBudgetSpec>;

export const PodDisruptionBudgetStatus = object(`${POLICY}.PodDisruptionBudgetStatus`, {
  observedGeneration: opt(1, int64({ description: 'Most recent generation observed when updating this PDB status.' })),
  disruptedPods: opt(2, Type.Record(Type.String(), time(), { description: 'DisruptedPods contains information about pods whose eviction was processed by the API server eviction subresource handler but has not yet been observed by the PodDisruptionBudget controller.' })),
  disruptionsAllowed: opt(3, int32({ description: 'Number of pod disruptions that are currently allowed.' })),
  currentHealthy: opt(4, int32({ description: 'current number of healthy pods' })),
  desiredHealthy: opt(5, int32({ description: 'minimum desired number of healthy pods' })),
  expectedPods: opt(6, int32({ description: 'total number of pods counted by this disruption budget' })),
  conditions: opt(7, mergeList(use(Condition), 'type', { description: 'Conditions contain conditions for PDB. The disruption controller sets the DisruptionAllowed condition.' })),
}, 'PodDisruptionBudgetStatus represents information about the status of a PodDisruptionBudget.');
export type PodDisruptionBudgetStatus = Static<typeof PodDisruptionBudgetStatus>;

export const PodDisruptionBudgetSchema = kindObject(`${POLICY}.PodDisruptionBudget`, { group: 'policy', version: 'v1', kind: 'PodDisruptionBudget' }, {
  spec: opt(2, use(PodDisruptionBudgetSpec)),
  status: opt(3, use(PodDisruptionBudgetStatus)),
}, 'PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods');
export type PodDisruptionBudget = Obj<Static<typeof PodDisruptionBudgetSchema>>;

/** The condition type the disruption controller (and the eviction handler) keep up to date. */
export const DISRUPTION_ALLOWED_CONDITION = 'DisruptionAllowed';
export const SUFFICIENT_PODS_REASON = 'SufficientPods';
export const INSUFFICIENT_PODS_REASON = 'InsufficientPods';
export const SYNC_FAILED_REASON = 'SyncFailed';
/** StatusCause type of the 429 an eviction gets when a budget forbids it (policyv1.DisruptionBudgetCause). */
export const DISRUPTION_BUDGET_CAUSE = 'DisruptionBudget';
export const IF_HEALTHY_BUDGET = 'IfHealthyBudget';
export const ALWAYS_ALLOW = 'AlwaysAllow';
export const UNHEALTHY_POD_EVICTION_POLICIES = [ALWAYS_ALLOW, IF_HEALTHY_BUDGET];
/** How long an eviction's disruptedPods entry stands before the controller assumes the pod will not go. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;
/** The eviction handler refuses evictions once this many are unconfirmed by the controller. */
export const MAX_DISRUPTED_POD_SIZE = 2000;
