// The disruption controller's arithmetic (Kubernetes' pkg/controller/disruption), pure so it can be
// tested alone:
//   expectedPods and desiredHealthy from the budget: minAvailable as an integer counts against the
//   pods selected; a percentage (of either field) and maxUnavailable count against the sum of the
//   selected pods' controllers' scale (each controller once), rounding up;
//   currentHealthy: ready pods that are not being deleted and not recently evicted;
//   disruptedPods: entries older than the deletion timeout (2 minutes) are dropped (the pod was not
//   deleted after all), and the budget is looked at again when the next one would expire;
//   disruptionsAllowed: currentHealthy - desiredHealthy, never below 0, and 0 while no pods are expected.
import type { KubeObject } from '../../api/resource.js';
import {
  type PodDisruptionBudget, type PodDisruptionBudgetStatus, DELETION_TIMEOUT_MS,
  scaledValue, updateDisruptionAllowedCondition, conditionsAreUpToDate,
} from '../../api/policy/v1/index.js';
import { controllerOf, type OwnerReference } from '../workload/controller-ref.js';

export interface BudgetPod extends KubeObject {
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** The scale of the controller a pod's controller reference leads to (a Deployment through its ReplicaSet). */
export type ScaleFinder = (ref: OwnerReference, namespace: string) => { uid: string; scale: number } | undefined;

export interface Expected {
  expectedCount: number;
  desiredHealthy: number;
  /** Selected pods no controller owns (only looked at when the scale matters). */
  unmanaged: string[];
}

/** getExpectedScale: the sum of the selected pods' controllers' scale. Throws when a pod's controller is unknown. */
export function expectedScale(pods: BudgetPod[], finder: ScaleFinder): { expectedCount: number; unmanaged: string[] } {
  const scales = new Map<string, number>();
  const unmanaged: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) { unmanaged.push(pod.metadata.name ?? ''); continue; }
    if (scales.has(ref.uid)) continue;
    const found = finder(ref, pod.metadata.namespace ?? '');
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name ?? ''}"`);
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const s of scales.values()) expectedCount += s;
  return { expectedCount, unmanaged };
}

/** getExpectedPodCount. */
export function expectedPodCount(pdb: PodDisruptionBudget, pods: BudgetPod[], finder: ScaleFinder): Expected {
  const spec = pdb.spec ?? {};
  if (spec.maxUnavailable !== undefined) {
    const { expectedCount, unmanaged } = expectedScale(pods, finder);
    const maxUnavailable = scaledValue(spec.maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable), unmanaged };
  }
  if (spec.minAvailable !== undefined) {
    if (typeof spec.minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanaged: [] };
    const { expectedCount, unmanaged } = expectedScale(pods, finder);
    return { expectedCount, desiredHealthy: scaledValue(spec.minAvailable, expectedCount, true), unmanaged };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanaged: [] };
}

/** buildDisruptedPodMap: the entries still standing, the pods whose entry expired, and when to look again. */
export function disruptedPodMap(pods: BudgetPod[], pdb: PodDisruptionBudget, nowMs: number): { disrupted: Record<string, string>; expired: BudgetPod[]; recheckAtMs?: number } {
  const recorded = pdb.status?.disruptedPods;
  const disrupted: Record<string, string> = {};
  const expired: BudgetPod[] = [];
  let recheckAtMs: number | undefined;
  if (!recorded) return { disrupted, expired };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue; // already going: the entry has done its job
    const at = recorded[pod.metadata.name ?? ''];
    if (at === undefined) continue;
    const expectedDeletion = Date.parse(at) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < nowMs) {
      expired.push(pod);
    } else {
      if (recheckAtMs === undefined || expectedDeletion < recheckAtMs) recheckAtMs = expectedDeletion;
      disrupted[pod.metadata.name ?? ''] = at;
    }
  }
  return { disrupted, expired, recheckAtMs };
}

const isReady = (p: BudgetPod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

/** countHealthyPods. */
export function countHealthy(pods: BudgetPod[], disrupted: Record<string, string>, nowMs: number): number {
  let n = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disrupted[pod.metadata.name ?? ''];
    if (at !== undefined && Date.parse(at) + DELETION_TIMEOUT_MS > nowMs) continue;
    if (isReady(pod)) n++;
  }
  return n;
}

export interface BudgetSync {
  /** The status to write, or undefined when the stored one is already right. */
  status?: PodDisruptionBudgetStatus;
  recheckAtMs?: number;
  expired: BudgetPod[];
  unmanaged: string[];
}

/** trySync + updatePdbStatus: the budget's status from its pods. Throws (failSafe's cue) when the scale is unknown. */
export function computeBudgetStatus(pdb: PodDisruptionBudget, pods: BudgetPod[], finder: ScaleFinder, nowMs: number): BudgetSync {
  const { expectedCount, desiredHealthy, unmanaged } = expectedPodCount(pdb, pods, finder);
  const { disrupted, expired, recheckAtMs } = disruptedPodMap(pods, pdb, nowMs);
  const currentHealthy = countHealthy(pods, disrupted, nowMs);
  let disruptionsAllowed = currentHealthy - desiredHealthy;
  // A budget expecting no pods allows nothing: its first pods may appear before it is recomputed.
  if (expectedCount <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const st = pdb.status ?? {};
  const generation = pdb.metadata.generation ?? 0;
  const same = (st.currentHealthy ?? 0) === currentHealthy && (st.desiredHealthy ?? 0) === desiredHealthy &&
    (st.expectedPods ?? 0) === expectedCount && (st.disruptionsAllowed ?? 0) === disruptionsAllowed &&
    sameMap(st.disruptedPods, disrupted) && (st.observedGeneration ?? 0) === generation && conditionsAreUpToDate(pdb);
  if (same) return { expired, unmanaged, recheckAtMs };
  const status: PodDisruptionBudgetStatus = {
    observedGeneration: generation, disruptedPods: disrupted, disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods: expectedCount,
  };
  if (st.conditions) status.conditions = st.conditions;
  if (Object.keys(disrupted).length === 0) delete status.disruptedPods;
  updateDisruptionAllowedCondition(status, nowMs);
  return { status, expired, unmanaged, recheckAtMs };
}

/** Semantic.DeepEqual of two time maps, where a missing map equals an empty one. */
function sameMap(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Date.parse(a![k]!) === Date.parse(b[k] ?? ''));
}
