// Filter: a cordoned node (spec.unschedulable) takes only pods tolerating the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import { Status } from '../framework/status.js';
import type { FilterPlugin } from '../framework/types.js';
import { toleratesTaint } from './helpers/node-selector.js';

export const NAME = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const ERR_REASON_UNKNOWN = 'node(s) had unknown conditions';
const TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

export function nodeUnschedulable(): FilterPlugin {
  return {
    name: NAME,
    eventsToRegister: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }],
    filter(_state, pod, _pi, node) {
      if (!node.node) return Status.unresolvable(ERR_REASON_UNKNOWN);
      if (!node.node.spec?.unschedulable) return undefined;
      if ((pod.spec.tolerations ?? []).some((t) => toleratesTaint(t, TAINT))) return undefined;
      return Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
    },
  };
}
