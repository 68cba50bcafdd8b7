// The taint manager's decision for one pod on a node with NoExecute taints: a pod that does not
// tolerate every one goes at once; one that tolerates them all stays for the smallest
// tolerationSeconds among the tolerations used (forever if none has a limit), counted from when
// the taint was added.
import { toleratesTaint, type Taint, type Toleration } from './taints.js';

export type EvictionDecision = { evict: 'never' } | { evict: 'now' } | { evict: 'at'; atMs: number };

export function evictionDecision(taints: Taint[], tolerations: Toleration[], nowMs: number): EvictionDecision {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  if (!noExecute.length) return { evict: 'never' };
  const usable = tolerations.filter((t) => !t.effect || t.effect === 'NoExecute');
  let minSeconds = -1;
  let since = -Infinity;
  for (const taint of noExecute) {
    const matching = usable.filter((tol) => toleratesTaint(tol, taint));
    if (!matching.length) return { evict: 'now' };
    for (const tol of matching) {
      if (tol.tolerationSeconds === undefined || tol.tolerationSeconds === null) continue;
      const s = Math.max(0, tol.tolerationSeconds);
      if (minSeconds < 0 || s < minSeconds) minSeconds = s;
    }
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : NaN;
    since = Math.max(since, Number.isNaN(added) ? nowMs : added);
  }
  if (minSeconds < 0) return { evict: 'never' };
  const atMs = since + minSeconds * 1000;
  return atMs <= nowMs ? { evict: 'now' } : { evict: 'at', atMs };
}
