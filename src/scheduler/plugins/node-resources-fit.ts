// Filter: the node's allocatable minus what its pods (bound and assumed) request must cover the
// pod's requests, for cpu, memory, ephemeral-storage, pod count and every extended resource.
// Score: the scoring strategy (LeastAllocated by default: emptier nodes score higher; MostAllocated
// packs) over weighted resources, using the 100m/200Mi defaults for containers that request nothing.
import { Status } from '../framework/status.js';
import type { FilterPlugin, ScorePlugin } from '../framework/types.js';
import { MAX_NODE_SCORE } from '../framework/types.js';
import type { NodeInfo } from '../cache/node-info.js';
import type { PodInfo } from '../framework/pod-info.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY } from '../resources.js';

export const NAME = 'NodeResourcesFit';

export interface ResourceSpec { name: string; weight: number }
export interface FitArgs {
  ignoredResources?: string[];
  scoringStrategy?: { type?: 'LeastAllocated' | 'MostAllocated'; resources?: ResourceSpec[] };
}

export interface InsufficientResource { resource: string; reason: string; requested: number; used: number; capacity: number }

/** fitsRequest: every resource the node is short of, with Kubernetes' reason for each. */
export function insufficientResources(pi: PodInfo, node: NodeInfo, ignored: Set<string> = new Set()): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  checkFit(pi, node, ignored, out);
  return out;
}

/**
 * Compares the pod's requests with what the node has left. With `out`, records every shortfall;
 * without it, answers at the first one and allocates nothing (the filter's common case: most nodes
 * fit). True when nothing is short.
 */
function checkFit(pi: PodInfo, node: NodeInfo, ignored: Set<string>, out?: InsufficientResource[]): boolean {
  const alloc = node.allocatable;
  const used = node.requested;
  if (node.pods.length + 1 > alloc.allowedPodNumber) {
    if (!out) return false;
    out.push({ resource: 'pods', reason: 'Too many pods', requested: 1, used: node.pods.length, capacity: alloc.allowedPodNumber });
  }
  const req = pi.requests;
  if (!req.isZero()) {
    if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) {
      if (!out) return false;
      out.push({ resource: CPU, reason: 'Insufficient cpu', requested: req.milliCPU, used: used.milliCPU, capacity: alloc.milliCPU });
    }
    if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
      if (!out) return false;
      out.push({ resource: MEMORY, reason: 'Insufficient memory', requested: req.memory, used: used.memory, capacity: alloc.memory });
    }
    if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
      if (!out) return false;
      out.push({ resource: EPHEMERAL_STORAGE, reason: 'Insufficient ephemeral-storage', requested: req.ephemeralStorage, used: used.ephemeralStorage, capacity: alloc.ephemeralStorage });
    }
    for (const name in req.scalar) {
      const q = req.scalar[name]!;
      if (q === 0 || ignored.has(name)) continue;
      const a = alloc.scalar[name] ?? 0;
      const u = used.scalar[name] ?? 0;
      if (q > a - u) {
        if (!out) return false;
        out.push({ resource: name, reason: `Insufficient ${name}`, requested: q, used: u, capacity: a });
      }
    }
  }
  return !out || out.length === 0;
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function mostRequested(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) return MAX_NODE_SCORE;
  return Math.trunc((requested * MAX_NODE_SCORE) / capacity);
}

/** Requested after placing the pod: cpu and memory use the non-zero defaults, as upstream scores them. */
export function requestedWithPod(pi: PodInfo, node: NodeInfo, resource: string, nonZero: boolean): number {
  if (nonZero && (resource === CPU || resource === MEMORY)) return node.nonZeroRequested.get(resource) + pi.nonZeroRequests.get(resource);
  return node.requested.get(resource) + pi.requests.get(resource);
}

export function nodeResourcesFit(args: FitArgs = {}): FilterPlugin & ScorePlugin {
  const ignored = new Set(args.ignoredResources ?? []);
  const type = args.scoringStrategy?.type ?? 'LeastAllocated';
  const resources = args.scoringStrategy?.resources ?? [{ name: CPU, weight: 1 }, { name: MEMORY, weight: 1 }];
  const scorer = type === 'MostAllocated' ? mostRequested : leastRequested;
  return {
    name: NAME,
    eventsToRegister: () => [
      { resource: 'AssignedPod', action: 'Delete' }, { resource: 'AssignedPod', action: 'Update' },
      { resource: 'Node', action: 'Add' }, { resource: 'Node', action: 'Update' },
    ],
    filter(_state, _pod, pi, node) {
      // Most nodes fit: answer those without building the list of shortfalls.
      if (checkFit(pi, node, ignored)) return undefined;
      const bad = insufficientResources(pi, node, ignored);
      if (bad.length === 0) return undefined;
      return Status.unschedulable(...bad.map((b) => b.reason));
    },
    score(_state, _pod, pi, node) {
      let sum = 0;
      let weights = 0;
      for (const r of resources) {
        const capacity = node.allocatable.get(r.name);
        if (capacity === 0 && r.name !== CPU && r.name !== MEMORY) continue; // extended resource the node lacks
        sum += scorer(requestedWithPod(pi, node, r.name, true), capacity) * r.weight;
        weights += r.weight;
      }
      return weights === 0 ? 0 : Math.trunc(sum / weights);
    },
  };
}
