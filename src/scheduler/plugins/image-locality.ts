// Score: nodes that already hold the pod's images start it sooner. Each image counts its size
// scaled by the fraction of nodes that have it (so an image everywhere does not herd pods onto
// one node), and the sum is mapped between 23 MB and 1000 MB per container.
import type { ScorePlugin } from '../framework/types.js';
import { MAX_NODE_SCORE } from '../framework/types.js';
import { normalizeImageName } from '../cache/node-info.js';
import type { Snapshot } from '../cache/snapshot.js';

export const NAME = 'ImageLocality';
const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export function imageLocality(snapshot: Snapshot): ScorePlugin {
  return {
    name: NAME,
    eventsToRegister: () => [{ resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }],
    score(_state, pod, _pi, node) {
      if (node.images.size === 0) return 0;
      const total = snapshot.numNodes || 1;
      let sum = 0;
      const containers = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
      for (const c of containers) {
        if (!c.image) continue;
        const img = normalizeImageName(c.image);
        const size = node.images.get(img);
        if (size === undefined) continue;
        sum += Math.trunc(size * (snapshot.imageNodeCount(img) / total));
      }
      const max = MAX_CONTAINER_THRESHOLD * Math.max(1, containers.length);
      const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
      return Math.trunc((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
    },
  };
}
