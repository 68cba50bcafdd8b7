// QueueSort: higher priority first, then whoever has waited longest.
import type { QueueSortPlugin, QueuedPodInfo } from '../framework/types.js';
import { podPriority } from '../types.js';

export const NAME = 'PrioritySort';

export function prioritySort(): QueueSortPlugin {
  return {
    name: NAME,
    less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
      const pa = podPriority(a.podInfo.pod);
      const pb = podPriority(b.podInfo.pod);
      return pa > pb || (pa === pb && a.timestamp < b.timestamp);
    },
  };
}
