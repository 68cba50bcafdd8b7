// Filter: nodeSelector and required node affinity must match the node's labels.
// Score: the summed weights of the preferred terms the node matches, normalized to 0..100 (skipped
// by PreScore for a pod with no preferred terms).
// PreFilter narrows the candidates when the required terms name nodes by metadata.name.
import { Status } from '../framework/status.js';
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/types.js';
import { MAX_NODE_SCORE } from '../framework/types.js';
import { podMatchesNodeSelectorAndAffinity, termMatchesNode } from './helpers/node-selector.js';
import { defaultNormalizeScore } from './helpers/normalize.js';

export const NAME = 'NodeAffinity';
export const ERR_REASON = "node(s) didn't match Pod's node affinity/selector";

export function nodeAffinity(): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  return {
    name: NAME,
    eventsToRegister: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }],
    preFilter(_state, pod) {
      const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
      if (!terms?.length && !pod.spec.nodeSelector) return Status.skip();
      if (!terms?.length) return undefined;
      // Only when every term pins metadata.name with In can the node set be narrowed.
      const names = new Set<string>();
      for (const t of terms) {
        const byName = (t.matchFields ?? []).find((f) => f.key === 'metadata.name' && f.operator === 'In');
        if (!byName) return undefined;
        for (const v of byName.values ?? []) names.add(v);
      }
      if (names.size === 0) return Status.unresolvable(ERR_REASON);
      return { result: { nodeNames: names } };
    },
    filter(_state, pod, _pi, node) {
      if (!node.node || !podMatchesNodeSelectorAndAffinity(pod, node.node)) return Status.unresolvable(ERR_REASON);
      return undefined;
    },
    preScore(_state, pod) {
      // No preferred terms: every node would score 0, so Score is skipped (as upstream's PreScore).
      if (!pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length) return Status.skip();
      return undefined;
    },
    score(_state, pod, _pi, node) {
      const prefs = pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
      if (!prefs || !node.node) return 0;
      let s = 0;
      for (const p of prefs) if (p.weight && termMatchesNode(p.preference, node.node)) s += p.weight;
      return s;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    },
  };
}
