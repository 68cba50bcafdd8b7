// Hollow nodes (`k8ts hollow-nodes`, like kubemark and kwok): N simulated kubelets in one process.
// Each registers a Node and a Lease in kube-node-lease; one LeaseRenewer keeps all leases fresh
// (spread over the period); one PodRunner moves every pod bound to any of them to Running. Nothing
// runs containers: the point is to load the control plane (scheduler, controllers, API server)
// as thousands of nodes would, cheaply enough for 5,000 in one process.
import { isAlreadyExists, isNotFound, resourceRef } from '../client/rest.js';
import { realClock } from '../machinery/clock.js';
import type { KubeObject } from '../api/resource.js';
import { MAX_HOLLOW_NODES, PodIPPool, nodeIP, podCIDR } from './addresses.js';
import { LeaseRenewer } from './lease-renewer.js';
import { nodeConditions, nodeObject, type NodeShape } from './node-object.js';
import { PodRunner, type RunnerNode } from './pod-runner.js';
import { microTime } from './time.js';
import type { HollowNodes, HollowNodesOptions, NotReadyStatus } from './types.js';

export type { HollowNodes, HollowNodesOptions, NotReadyStatus } from './types.js';
export { nodeIP, podCIDR, PodIPPool, MAX_HOLLOW_NODES } from './addresses.js';

export const NODES = resourceRef('', 'v1', 'nodes', false);
export const LEASES = resourceRef('coordination.k8s.io', 'v1', 'leases', true);
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

interface HollowNode extends RunnerNode {
  index: number;
  name: string;
  uid: string;
  /** When Ready last changed (the conditions' lastTransitionTime). */
  since: number;
}

/** Runs fn over items with at most n in flight. */
async function forEachLimit<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export async function startHollowNodes(opts: HollowNodesOptions): Promise<HollowNodes> {
  const { client } = opts;
  const clock = opts.clock ?? realClock;
  const log = opts.log;
  if (!Number.isInteger(opts.count) || opts.count < 0 || opts.count > MAX_HOLLOW_NODES) {
    throw new Error(`hollow nodes: count must be an integer in 0..${MAX_HOLLOW_NODES}, got ${opts.count}`);
  }
  const prefix = opts.namePrefix ?? 'hollow-node-';
  const periodMs = opts.leaseRenewMs ?? 10_000;
  const leaseDurationSeconds = opts.leaseDurationSeconds ?? 40;
  const concurrency = opts.concurrency ?? 32;
  const shape: NodeShape = {
    cpu: opts.cpu ?? '8', memory: opts.memory ?? '32Gi', pods: opts.pods ?? 110, ephemeralStorage: opts.ephemeralStorage ?? '100Gi',
    labels: opts.labels, zones: opts.zones,
  };

  const nodes = new Map<string, HollowNode>();
  const names: string[] = [];
  for (let i = 0; i < opts.count; i++) {
    const name = `${prefix}${i}`;
    names.push(name);
    nodes.set(name, { index: i, name, uid: '', hostIP: nodeIP(i), pool: new PodIPPool(podCIDR(i)), ready: true, since: clock.now() });
  }

  const renewLease = (n: HollowNode) =>
    client.patch(LEASES, n.name, 'merge', { spec: { holderIdentity: n.name, renewTime: microTime(clock.now()) } }, { namespace: NODE_LEASE_NAMESPACE });
  const createLease = (n: HollowNode) => client.create(LEASES, {
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
    metadata: { name: n.name, namespace: NODE_LEASE_NAMESPACE, ownerReferences: n.uid ? [{ apiVersion: 'v1', kind: 'Node', name: n.name, uid: n.uid }] : undefined },
    spec: { holderIdentity: n.name, leaseDurationSeconds, renewTime: microTime(clock.now()) },
  } as KubeObject);
  /** One request in the common case: a patch when renewing, a create when registering. */
  const writeLease = async (n: HollowNode, fresh = false): Promise<void> => {
    if (fresh) {
      try {
        await createLease(n);
        return;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
    try {
      await renewLease(n);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // The lease was removed (e.g. with its Node): create it again, owned by the Node.
      await createLease(n).catch((e: unknown) => { if (!isAlreadyExists(e)) throw e; });
    }
  };

  const writeConditions = async (n: HollowNode, ready: boolean | NotReadyStatus): Promise<void> => {
    await client.patch(NODES, n.name, 'merge', { status: { conditions: nodeConditions(ready, clock.now(), n.since) } }, { subresource: 'status' });
  };

  const register = async (n: HollowNode): Promise<void> => {
    const obj = nodeObject(n.index, n.name, shape, clock.now());
    try {
      // A Node is created with its status (as the kubelet registers): one request.
      const created = await client.create(NODES, obj as unknown as KubeObject);
      n.uid = created.metadata.uid ?? '';
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // Registered before (a restarted process): take the Node over as a restarted kubelet does;
      // the status is a subresource there, written on its own.
      const existing = await client.patch<typeof obj>(NODES, n.name, 'merge', { metadata: { labels: obj.metadata.labels }, spec: { providerID: obj.spec.providerID } });
      n.uid = existing.metadata.uid ?? '';
      await client.patch(NODES, n.name, 'merge', { status: obj.status }, { subresource: 'status' });
    }
    await writeLease(n, true);
  };

  const started = clock.now();
  await forEachLimit([...nodes.values()], concurrency, register);
  log?.('hollow nodes registered', { count: opts.count, ms: clock.now() - started });

  const renewer = new LeaseRenewer({
    clock, periodMs, concurrency, log,
    renew: (name) => writeLease(nodes.get(name)!),
  });
  for (const n of nodes.values()) renewer.add(n.name, periodMs + Math.floor((n.index / Math.max(1, opts.count)) * periodMs));
  renewer.start();

  const runner = new PodRunner({ client, clock, nodes, workers: opts.podWorkers ?? 8, log });
  try {
    await runner.start();
  } catch (err) {
    await renewer.stop();
    await runner.stop();
    throw err;
  }

  let stopped = false;
  return {
    nodeNames: names,
    renewals: renewer.renewals,
    async setNodeReady(name, ready, status = 'False') {
      const n = nodes.get(name);
      if (!n) throw new Error(`no hollow node named ${name}`);
      if (n.ready !== ready) n.since = clock.now();
      n.ready = ready;
      if (ready) {
        await writeConditions(n, true);
        renewer.resume(name);
        runner.resyncNode(name);
      } else {
        renewer.pause(name);
        await writeConditions(n, status);
      }
      log?.('hollow node readiness', { node: name, ready, status: ready ? 'True' : status });
    },
    failPod: (namespace, name, reason = 'Error') => runner.fail(namespace, name, reason),
    podIP: (namespace, name) => runner.podIP(namespace, name),
    async stop() {
      if (stopped) return;
      stopped = true;
      await renewer.stop();
      await runner.stop();
    },
  } as HollowNodes;
}
