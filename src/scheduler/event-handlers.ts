// Informer events -> cache and queue (eventhandlers.go). Bound pods feed the cache (and may make
// parked pods fit); pending pods of our profiles feed the queue; node changes feed the cache and
// wake parked pods whose rejecting plugins care about that kind of change.
import type { SharedInformer } from '../client/informer/shared-informer.js';
import { DeletedFinalStateUnknown } from '../client/informer/relist.js';
import type { SchedulerCache } from './cache/cache.js';
import type { WaitingPods } from './framework/framework.js';
import type { SchedulingQueue } from './queue/scheduling-queue.js';
import { DEFAULT_SCHEDULER_NAME, podKey, type Node, type Pod } from './types.js';

function unwrap<T>(o: T | DeletedFinalStateUnknown<T>): T {
  return o instanceof DeletedFinalStateUnknown ? o.obj : o;
}

function terminal(p: Pod): boolean {
  return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
}

export function addEventHandlers(o: {
  pods: SharedInformer<Pod>;
  nodes: SharedInformer<Node>;
  cache: SchedulerCache;
  queue: SchedulingQueue;
  waiting: WaitingPods;
  profiles: Set<string>;
}): { remove(): void } {
  const { cache, queue, profiles } = o;
  const responsible = (p: Pod) => profiles.has(p.spec.schedulerName || DEFAULT_SCHEDULER_NAME);
  const gated = (p: Pod) => (p.spec.schedulingGates?.length ?? 0) > 0;

  const regPods = o.pods.addEventHandler({
    onAdd(pod) {
      if (pod.spec.nodeName) {
        if (terminal(pod)) return;
        cache.addPod(pod);
        queue.moveAllToActiveOrBackoff({ resource: 'AssignedPod', action: 'Add' });
      } else if (responsible(pod) && !terminal(pod) && !gated(pod)) {
        queue.add(pod);
      }
    },
    onUpdate(old, pod) {
      if (old.spec.nodeName) {
        if (terminal(pod)) {
          cache.removePod(old);
          queue.moveAllToActiveOrBackoff({ resource: 'AssignedPod', action: 'Delete' });
          return;
        }
        cache.updatePod(old, pod);
        queue.moveAllToActiveOrBackoff({ resource: 'AssignedPod', action: 'Update' });
      } else if (pod.spec.nodeName) {
        // Bound (by us or anyone): out of the queue, into the cache (confirming an assumption).
        queue.delete(pod);
        queue.done(podKey(pod));
        cache.addPod(pod);
        queue.moveAllToActiveOrBackoff({ resource: 'AssignedPod', action: 'Add' });
      } else if (responsible(pod) && !terminal(pod) && !gated(pod)) {
        if (cache.isAssumed(podKey(pod))) return; // our binding is on its way; this is a status change
        queue.update(old, pod);
      } else {
        queue.delete(pod);
      }
    },
    onDelete(obj) {
      const pod = unwrap(obj);
      if (pod.spec.nodeName) {
        cache.removePod(pod);
        queue.moveAllToActiveOrBackoff({ resource: 'AssignedPod', action: 'Delete' });
      } else {
        queue.delete(pod);
        o.waiting.reject(podKey(pod), '', 'pod deleted');
      }
    },
  });

  const regNodes = o.nodes.addEventHandler({
    onAdd(node) {
      cache.addNode(node);
      queue.moveAllToActiveOrBackoff({ resource: 'Node', action: 'Add' });
    },
    onUpdate(_old, node) {
      cache.updateNode(node);
      queue.moveAllToActiveOrBackoff({ resource: 'Node', action: 'Update' });
    },
    onDelete(obj) {
      cache.removeNode(unwrap(obj));
      queue.moveAllToActiveOrBackoff({ resource: 'Node', action: 'Delete' });
    },
  });

  return { remove: () => { regPods.remove(); regNodes.remove(); } };
}
