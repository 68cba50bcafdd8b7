// Builders for unit tests: nodes, pods, and a real cache + snapshot + framework over them (no API
// server: the client points nowhere and is never called by filters or scores).
import { EventRecorder } from '../client/events.js';
import { RestClient } from '../client/rest.js';
import { FakeClock } from '../machinery/clock.js';
import { SchedulerCache } from './cache/cache.js';
import { Snapshot } from './cache/snapshot.js';
import type { ProfileConfig } from './framework/config.js';
import { Framework } from './framework/framework.js';
import type { PodInfo } from './framework/pod-info.js';
import { inTreeRegistry } from './plugins/registry.js';
import type { Node, Pod, Taint } from './types.js';

export function makeNode(name: string, o: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean; images?: { names: string[]; sizeBytes: number }[]; extra?: Record<string, string> } = {}): Node {
  const alloc = { cpu: o.cpu ?? '4', memory: o.memory ?? '16Gi', pods: o.pods ?? '110', ...o.extra };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { capacity: alloc, allocatable: alloc, images: o.images },
  };
}

let seq = 0;
export function makePod(name: string, o: { namespace?: string; node?: string; cpu?: string; memory?: string; labels?: Record<string, string>; priority?: number; spec?: Partial<Pod['spec']>; requests?: Record<string, string>; start?: string } = {}): Pod {
  const requests: Record<string, string> = { ...o.requests };
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `uid-${name}-${seq++}`, labels: o.labels, creationTimestamp: o.start ?? '2026-01-01T00:00:00Z' },
    spec: { nodeName: o.node, priority: o.priority, containers: [{ name: 'c', image: 'pause', resources: { requests } }], ...o.spec },
    status: o.start ? { startTime: o.start } : {},
  };
}

export interface World {
  cache: SchedulerCache;
  snapshot: Snapshot;
  fwk: Framework;
  clock: FakeClock;
  client: RestClient;
  nominated: Map<string, PodInfo[]>;
}

export function world(nodes: Node[], pods: Pod[] = [], profile: ProfileConfig = { schedulerName: 'default-scheduler' }): World {
  const clock = new FakeClock();
  const cache = new SchedulerCache({ clock });
  for (const n of nodes) cache.addNode(n);
  for (const p of pods) cache.addPod(p);
  const snapshot = new Snapshot(cache);
  snapshot.update();
  const client = new RestClient({ server: 'http://127.0.0.1:1', maxRetries: 0 });
  const nominated = new Map<string, PodInfo[]>();
  const fwk = new Framework({
    profile: { schedulerName: 'default-scheduler', ...profile }, registry: inTreeRegistry(), snapshot, client, clock,
    recorder: new EventRecorder({ client, component: 'test', clock }),
    lister: { selectorsFor: () => undefined },
    nominatedPodsForNode: (n) => nominated.get(n) ?? [],
  });
  return { cache, snapshot, fwk, clock, client, nominated };
}
