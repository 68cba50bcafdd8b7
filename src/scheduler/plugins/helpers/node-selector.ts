// Node selection and taint toleration for the plugins: the shared rules in src/api, plus the
// pod-level form the plugins call.
import { specMatchesNode } from '../../../api/core/v1/node-selection.js';
import type { Node, Pod } from '../../types.js';

export { termMatchesNode, nodeSelectorTermsMatch, toleratesTaint, findUntoleratedTaint } from '../../../api/core/v1/node-selection.js';

/** nodeSelector and required node affinity together (GetRequiredNodeAffinity(pod).Match(node)). */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  return specMatchesNode(pod.spec, node);
}
