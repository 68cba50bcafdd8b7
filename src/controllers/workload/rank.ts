// Which pods a scale-down deletes first: Kubernetes' ActivePodsWithRanks order, so the pods that
// cost least to lose go first: unscheduled before scheduled, pending before unknown before
// running, not ready before ready, lower pod-deletion-cost first, pods doubled up on a node
// before lone ones, ready for less time before longer, more restarts before fewer, newer before
// older.
import type { Pod } from './pods.js';
import { isPodReady, podReadySince, parseTime } from './pods.js';

export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function deletionCost(pod: Pod): number {
  const v = Number.parseInt(pod.metadata.annotations?.[POD_DELETION_COST] ?? '', 10);
  return Number.isFinite(v) ? v : 0;
}

function restarts(pod: Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => Math.max(n, c.restartCount ?? 0), 0);
}

/**
 * Orders pods so the first are the best to delete. `related` are pods of the same owner family
 * (all of a Deployment's ReplicaSets, say): a pod sharing its node with more of them ranks first.
 */
export function rankPodsForDeletion(pods: Pod[], related: Pod[] = pods): Pod[] {
  const perNode = new Map<string, number>();
  for (const p of related) {
    const n = p.spec?.nodeName;
    if (n) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const rankOf = (p: Pod) => (p.spec?.nodeName ? perNode.get(p.spec.nodeName) ?? 0 : 0);
  return [...pods].sort((a, b) => compareForDeletion(a, b, rankOf));
}

function compareForDeletion(a: Pod, b: Pod, rankOf: (p: Pod) => number): number {
  const an = a.spec?.nodeName ? 1 : 0;
  const bn = b.spec?.nodeName ? 1 : 0;
  if (an !== bn) return an - bn;
  const ap = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const bp = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (ap !== bp) return ap - bp;
  const ar = isPodReady(a) ? 1 : 0;
  const br = isPodReady(b) ? 1 : 0;
  if (ar !== br) return ar - br;
  const ac = deletionCost(a);
  const bc = deletionCost(b);
  if (ac !== bc) return ac - bc;
  const ak = rankOf(a);
  const bk = rankOf(b);
  if (ak !== bk) return bk - ak;
  if (ar && br) {
    // Ready for less time goes first.
    const at = podReadySince(a) ?? 0;
    const bt = podReadySince(b) ?? 0;
    if (at !== bt) return bt - at;
  }
  const rs = restarts(b) - restarts(a);
  if (rs !== 0) return rs;
  // No creation time goes first, then newer before older.
  const ca = parseTime(a.metadata.creationTimestamp);
  const cb = parseTime(b.metadata.creationTimestamp);
  if (ca === undefined || cb === undefined) return (ca === undefined ? 0 : 1) - (cb === undefined ? 0 : 1);
  return cb - ca;
}
