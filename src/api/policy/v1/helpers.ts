// Small rules about budgets that the API server (eviction), the disruption controller and the
// scheduler (preemption) share: the DisruptionAllowed condition, percent scaling, selector matching.
import { labelSelectorAsSelector, matches, isEmpty } from '../../../machinery/labels/selector.js';
import type { Condition } from '../../meta/v1/types.js';
import { rfc3339 } from '../../../machinery/time-format.js';
import {
  type PodDisruptionBudget, type PodDisruptionBudgetStatus,
  DISRUPTION_ALLOWED_CONDITION, SUFFICIENT_PODS_REASON, INSUFFICIENT_PODS_REASON,
} from './types.js';

export { rfc3339 };

/**
 * apimeta.SetStatusCondition: replace the condition of that type, keeping lastTransitionTime unless
 * the status changed.
 */
export function setStatusCondition(conds: Condition[], next: Omit<Condition, 'lastTransitionTime'>, nowMs: number): Condition[] {
  const i = conds.findIndex((c) => c.type === next.type);
  if (i < 0) return [...conds, { ...next, lastTransitionTime: rfc3339(nowMs) }];
  const old = conds[i]!;
  const merged: Condition = { ...old, ...next, lastTransitionTime: old.status !== next.status || !old.lastTransitionTime ? rfc3339(nowMs) : old.lastTransitionTime };
  if (next.observedGeneration === undefined) delete merged.observedGeneration;
  const out = [...conds];
  out[i] = merged;
  return out;
}

/** pdbhelper.UpdateDisruptionAllowedCondition: True/SufficientPods while disruptions are allowed. */
export function updateDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, nowMs: number): void {
  const allowed = (status.disruptionsAllowed ?? 0) > 0;
  const cond: Omit<Condition, 'lastTransitionTime'> = {
    type: DISRUPTION_ALLOWED_CONDITION,
    status: allowed ? 'True' : 'False',
    reason: allowed ? SUFFICIENT_PODS_REASON : INSUFFICIENT_PODS_REASON,
    message: '',
  };
  if (status.observedGeneration !== undefined) cond.observedGeneration = status.observedGeneration;
  status.conditions = setStatusCondition(status.conditions ?? [], cond, nowMs);
}

/** pdbhelper.ConditionsAreUpToDate. */
export function conditionsAreUpToDate(pdb: PodDisruptionBudget): boolean {
  const st = pdb.status ?? {};
  const c = st.conditions?.find((x) => x.type === DISRUPTION_ALLOWED_CONDITION);
  if (!c) return false;
  if ((st.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  if ((st.disruptionsAllowed ?? 0) > 0) return c.status === 'True' && c.reason === SUFFICIENT_PODS_REASON;
  return c.status === 'False' && c.reason === INSUFFICIENT_PODS_REASON;
}

/**
 * intstr.GetScaledValueFromIntOrPercent: an integer as it is, "x%" as x% of total (rounded up or
 * down). Throws for a string that is not a percent, as Go returns an error.
 */
export function scaledValue(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid value "${v}"`);
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * Whether a budget covers a pod, as the eviction handler and the scheduler decide: same namespace,
 * a valid selector that matches, and (unlike the controller's pod list) an empty or missing
 * selector matches nothing.
 */
export function budgetCoversPod(pdb: PodDisruptionBudget, pod: { metadata: { namespace?: string; labels?: Record<string, string> } }): boolean {
  if ((pdb.metadata.namespace ?? '') !== (pod.metadata.namespace ?? '')) return false;
  let sel;
  try { sel = labelSelectorAsSelector(pdb.spec?.selector as never); } catch { return false; }
  if (sel.kind === 'nothing' || isEmpty(sel)) return false;
  return matches(sel, pod.metadata.labels ?? {});
}
