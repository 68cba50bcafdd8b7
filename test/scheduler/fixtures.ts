// Nodes and pods for scheduler tests, written through the API as a kubelet and a user would.
import { resourceRef, type RestClient } from '../../src/client/rest.js';
import type { Node, Pod, Taint } from '../../src/scheduler/types.js';

export const PODS = resourceRef('', 'v1', 'pods', true);
export const NODES = resourceRef('', 'v1', 'nodes', false);
export const EVENTS = resourceRef('', 'v1', 'events', true);

export interface NodeSpecOpts {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
}

export function nodeObject(name: string, o: NodeSpecOpts = {}): Node {
  const capacity = { cpu: o.cpu ?? '4', memory: o.memory ?? '16Gi', pods: o.pods ?? '110' };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: o.taints ? { taints: o.taints } : {},
    status: { capacity, allocatable: capacity, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/** Registers a Node with capacity and a Ready condition, as a kubelet does. */
export function createNode(client: RestClient, name: string, o: NodeSpecOpts = {}): Promise<Node> {
  return client.create(NODES, nodeObject(name, o));
}

export function podObject(name: string, o: { namespace?: string; cpu?: string; memory?: string; labels?: Record<string, string>; spec?: Partial<Pod['spec']> } = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', labels: o.labels },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests } }], ...o.spec },
  };
}

export async function podsOn(client: RestClient, namespace = 'default'): Promise<Map<string, string>> {
  const list = await client.list<Pod>(PODS, { namespace });
  return new Map(list.items.map((p) => [p.metadata.name!, p.spec.nodeName ?? '']));
}
