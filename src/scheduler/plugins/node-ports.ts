// Filter: a host port (protocol, IP, port) can be held by one pod per node; 0.0.0.0 clashes with any IP.
import { Status } from '../framework/status.js';
import type { FilterPlugin } from '../framework/types.js';

export const NAME = 'NodePorts';
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

export function nodePorts(): FilterPlugin {
  return {
    name: NAME,
    eventsToRegister: () => [{ resource: 'AssignedPod', action: 'Delete' }, { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }],
    filter(_state, _pod, pi, node) {
      for (const hp of pi.hostPorts) if (node.portConflict(hp)) return Status.unschedulable(ERR_REASON);
      return undefined;
    },
  };
}
