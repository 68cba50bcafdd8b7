// Filter: a pod that names its node (spec.nodeName) fits only there.
import { Status } from '../framework/status.js';
import type { FilterPlugin } from '../framework/types.js';

export const NAME = 'NodeName';
export const ERR_REASON = "node(s) didn't match the requested node name";

export function nodeName(): FilterPlugin {
  return {
    name: NAME,
    eventsToRegister: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }],
    filter(_state, pod, _pi, node) {
      const want = pod.spec.nodeName;
      if (want && want !== node.name) return Status.unresolvable(ERR_REASON);
      return undefined;
    },
  };
}
