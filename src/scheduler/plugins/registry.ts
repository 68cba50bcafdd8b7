// The in-tree plugins by name: the one file to touch when adding a plugin (write plugins/<name>.ts,
// add one line here, enable it by name in a profile).
import type { PluginFactory } from '../framework/types.js';
import { balancedAllocation } from './node-resources-balanced-allocation.js';
import { defaultBinder } from './default-binder.js';
import { defaultPreemption } from './default-preemption.js';
import { imageLocality } from './image-locality.js';
import { interPodAffinity } from './inter-pod-affinity.js';
import { nodeAffinity } from './node-affinity.js';
import { nodeName } from './node-name.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesFit, type FitArgs } from './node-resources-fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { podTopologySpread, type SpreadArgs } from './pod-topology-spread.js';
import { prioritySort } from './priority-sort.js';
import { taintToleration } from './taint-toleration.js';

export function inTreeRegistry(): Map<string, PluginFactory> {
  return new Map<string, PluginFactory>([
    ['PrioritySort', () => prioritySort()],
    ['NodeName', () => nodeName()],
    ['NodeUnschedulable', () => nodeUnschedulable()],
    ['NodeResourcesFit', (args) => nodeResourcesFit(args as FitArgs)],
    ['NodeResourcesBalancedAllocation', (args) => balancedAllocation(args as { resources?: { name: string; weight: number }[] })],
    ['NodeAffinity', () => nodeAffinity()],
    ['TaintToleration', () => taintToleration()],
    ['NodePorts', () => nodePorts()],
    ['PodTopologySpread', (args, h) => podTopologySpread(h.snapshot, h.lister, args as SpreadArgs)],
    ['InterPodAffinity', (args, h) => interPodAffinity(h.snapshot, args as { hardPodAffinityWeight?: number })],
    ['ImageLocality', (_args, h) => imageLocality(h.snapshot)],
    ['DefaultPreemption', (_args, h) => defaultPreemption(h)],
    ['DefaultBinder', (_args, h) => defaultBinder(h)],
  ]);
}
