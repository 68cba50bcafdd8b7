// A real API server and store (test/client/cluster.ts) with a controller manager running the
// named controllers against it, plus small builders for the objects these tests make.
import type { KubeObject } from '../../src/api/resource.js';
import type { RestClient } from '../../src/client/rest.js';
import type { Clock } from '../../src/machinery/clock.js';
import type { ControllerOptions } from '../../src/controllers/context.js';
import { startControllerManager, type ControllerManager, type ControllerManagerOptions } from '../../src/controllers/manager.js';
import { PODS, NAMESPACES } from '../../src/controllers/base/resources.js';
import { startCluster, eventually, type TestCluster } from '../client/cluster.js';

export { eventually };

export interface Harness {
  cluster: TestCluster;
  client: RestClient;
  manager: ControllerManager;
  logs: string[];
  close(): Promise<void>;
}

export async function startHarness(controllers: string[], opts: { clock?: Clock; options?: ControllerOptions; manager?: Partial<ControllerManagerOptions> } = {}): Promise<Harness> {
  const cluster = await startCluster();
  const logs: string[] = [];
  try {
    const client = cluster.client();
    const manager = await startControllerManager({
      client: cluster.client(), controllers, clock: opts.clock, options: { workers: 2, ...opts.options },
      log: (msg, f) => logs.push(JSON.stringify({ msg, ...f })), ...opts.manager,
    });
    return {
      cluster, client, manager, logs,
      async close() {
        await manager.stop().catch(() => undefined);
        await cluster.close();
      },
    };
  } catch (err) {
    await cluster.close();
    throw err;
  }
}

export async function createNamespace(client: RestClient, name: string): Promise<KubeObject> {
  return client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export interface PodSpecOptions {
  labels?: Record<string, string>;
  nodeName?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  tolerations?: { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }[];
  ownerReferences?: NonNullable<KubeObject['metadata']['ownerReferences']>;
  finalizers?: string[];
}

export function podObject(ns: string, name: string, o: PodSpecOptions = {}): KubeObject {
  const spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'nginx', ports: o.ports }] };
  if (o.nodeName) spec.nodeName = o.nodeName;
  if (o.tolerations) spec.tolerations = o.tolerations;
  const metadata: KubeObject['metadata'] = { name, namespace: ns, labels: o.labels };
  if (o.ownerReferences) metadata.ownerReferences = o.ownerReferences;
  if (o.finalizers) metadata.finalizers = o.finalizers;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

/** Creates a pod and gives it the status a kubelet would: Running, an IP, Ready or not. */
export async function createRunningPod(client: RestClient, ns: string, name: string, ip: string, ready: boolean, o: PodSpecOptions = {}): Promise<KubeObject> {
  const created = await client.create(PODS, podObject(ns, name, o));
  return setPodStatus(client, created, ip, ready);
}

export async function setPodStatus(client: RestClient, pod: KubeObject, ip: string, ready: boolean): Promise<KubeObject> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const status = {
    phase: 'Running', podIP: ip, podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now }, { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now }],
  };
  return client.updateStatus(PODS, { ...pod, status });
}

/** Resolves when get() answers 404; fails after timeoutMs. */
export async function eventuallyGone(get: () => Promise<unknown>, what: string, timeoutMs = 10_000): Promise<void> {
  await eventually(async () => {
    try { await get(); return false; } catch (err) { if ((err as { code?: number }).code === 404) return true; throw err; }
  }, what, timeoutMs);
}
