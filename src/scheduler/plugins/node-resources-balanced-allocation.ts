// Score: prefers nodes whose cpu and memory would be used in equal fractions after placing the pod
// (1 - standard deviation of the fractions), so one resource is not exhausted while another idles.
import type { ScorePlugin } from '../framework/types.js';
import { MAX_NODE_SCORE } from '../framework/types.js';
import { CPU, MEMORY } from '../resources.js';
import { requestedWithPod, type ResourceSpec } from './node-resources-fit.js';

export const NAME = 'NodeResourcesBalancedAllocation';

export function balancedAllocation(args: { resources?: ResourceSpec[] } = {}): ScorePlugin {
  const resources = args.resources ?? [{ name: CPU, weight: 1 }, { name: MEMORY, weight: 1 }];
  return {
    name: NAME,
    eventsToRegister: () => [{ resource: 'AssignedPod', action: 'Delete' }, { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' }],
    score(_state, _pod, pi, node) {
      const fractions: number[] = [];
      for (const r of resources) {
        const capacity = node.allocatable.get(r.name);
        if (capacity === 0) continue;
        fractions.push(Math.min(1, requestedWithPod(pi, node, r.name, false) / capacity));
      }
      let std = 0;
      if (fractions.length === 2) {
        std = Math.abs(fractions[0]! - fractions[1]!) / 2;
      } else if (fractions.length > 2) {
        const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
        std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
      }
      return Math.trunc((1 - std) * MAX_NODE_SCORE);
    },
  };
}
