// Filter: a NoSchedule or NoExecute taint the pod does not tolerate keeps it off the node.
// Score: fewer untolerated PreferNoSchedule taints is better (normalized, reversed).
import { Status } from '../framework/status.js';
import type { FilterPlugin, ScorePlugin } from '../framework/types.js';
import { MAX_NODE_SCORE } from '../framework/types.js';
import { findUntoleratedTaint, toleratesTaint } from './helpers/node-selector.js';
import { defaultNormalizeScore } from './helpers/normalize.js';

export const NAME = 'TaintToleration';

export function taintToleration(): FilterPlugin & ScorePlugin {
  return {
    name: NAME,
    eventsToRegister: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }, { resource: 'UnscheduledPod', action: 'Update' }],
    filter(_state, pod, _pi, node) {
      const taint = findUntoleratedTaint(node.node?.spec?.taints, pod.spec.tolerations, (e) => e === 'NoSchedule' || e === 'NoExecute');
      if (!taint) return undefined;
      return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
    },
    score(_state, pod, _pi, node) {
      const taints = node.node?.spec?.taints;
      // Scored on every feasible node: an untainted one (the usual case) costs no allocation.
      if (!taints?.length) return 0;
      const tolerations = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
      let n = 0;
      for (const taint of taints) {
        if (taint.effect !== 'PreferNoSchedule') continue;
        if (!tolerations.some((t) => toleratesTaint(t, taint))) n++;
      }
      return n;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
    },
  };
}
