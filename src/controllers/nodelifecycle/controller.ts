// The node lifecycle controller. Node and Lease events (and a monitor tick every
// nodeMonitorPeriod) enqueue node names; a node sync:
//   1. records probes (heartbeat or Lease renewal) and, after the grace period without one, sets
//      Ready and the pressure conditions Unknown ("Kubelet stopped posting node status.");
//   2. keeps the managed taints in line with the conditions (unreachable / not-ready NoExecute and
//      NoSchedule, pressure and unschedulable NoSchedule), removing them once the node is healthy;
//   3. marks the pods of a node that is not Ready as not ready, so endpoints drop them.
// A second queue of pod keys is the taint manager: a pod on a NoExecute-tainted node that does not
// tolerate the taint is deleted, at once or after its tolerationSeconds.
import type { KubeObject } from '../../api/resource.js';
import { isNotFound } from '../../client/rest.js';
import { objectKey, splitKey } from '../../client/informer/store.js';
import { DeletedFinalStateUnknown } from '../../client/informer/relist.js';
import type { Controller, ControllerContext } from '../context.js';
import { every, newQueue, waitForCaches } from '../base/queue-controller.js';
import { runWorkers } from '../../client/workqueue.js';
import { NODE_LEASE_NAMESPACE, NODE_LEASES, NODES, PODS } from '../base/resources.js';
import { PODS_BY_NODE, podsByNode, rfc3339, type PodLike } from '../base/pods.js';
import { condition, reconcileTaints, type NodeLike, type Toleration } from './taints.js';
import { NodeHealthTracker, unknownConditions } from './health.js';
import { evictionDecision } from './eviction.js';

export const DEFAULT_GRACE_MS = 50_000;
export const DEFAULT_MONITOR_PERIOD_MS = 5_000;

interface LeaseLike extends KubeObject {
  spec?: { renewTime?: string; holderIdentity?: string };
}

function unwrap<T extends KubeObject>(o: T | DeletedFinalStateUnknown<T>): T | undefined {
  return o instanceof DeletedFinalStateUnknown ? o.obj : o;
}

function noExecuteKey(n: NodeLike | undefined): string {
  return JSON.stringify((n?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute'));
}

export function createNodeLifecycleController(ctx: ControllerContext): Controller {
  const name = 'nodelifecycle';
  const graceMs = ctx.options.nodeMonitorGracePeriodMs ?? DEFAULT_GRACE_MS;
  const periodMs = ctx.options.nodeMonitorPeriodMs ?? DEFAULT_MONITOR_PERIOD_MS;
  const nodeQueue = newQueue(ctx, `${name}-nodes`);
  const podQueue = newQueue(ctx, `${name}-taint-eviction`);
  const nodes = ctx.informers.informerFor<NodeLike & KubeObject>(NODES);
  const leases = ctx.informers.informerFor<LeaseLike>(NODE_LEASES);
  const pods = ctx.informers.informerFor<PodLike>(PODS, { indexers: { [PODS_BY_NODE]: podsByNode } });
  const health = new NodeHealthTracker();
  const recorder = ctx.recorder('node-controller');
  const podsOn = (node: string) => pods.indexer.byIndex(PODS_BY_NODE, node);

  nodes.addEventHandler({
    onAdd: (n) => nodeQueue.add(n.metadata.name!),
    onUpdate: (old, n) => {
      nodeQueue.add(n.metadata.name!);
      if (noExecuteKey(old) !== noExecuteKey(n)) for (const p of podsOn(n.metadata.name!)) podQueue.add(objectKey(p));
    },
    onDelete: (n) => { const o = unwrap(n); if (o) nodeQueue.add(o.metadata.name!); },
  });
  const onLease = (l: KubeObject) => { if (l.metadata.namespace === NODE_LEASE_NAMESPACE) nodeQueue.add(l.metadata.name!); };
  leases.addEventHandler({ onAdd: onLease, onUpdate: (_o, l) => onLease(l) });
  pods.addEventHandler({
    onAdd: (p) => { if (p.spec?.nodeName) podQueue.add(objectKey(p)); },
    onUpdate: (_o, p) => { if (p.spec?.nodeName) podQueue.add(objectKey(p)); },
  });

  async function syncNode(nodeName: string): Promise<void | number> {
    const node = nodes.indexer.get(undefined, nodeName);
    if (!node) { health.forget(nodeName); return; }
    const now = ctx.clock.now();
    const lease = leases.indexer.get(NODE_LEASE_NAMESPACE, nodeName);
    const probe = health.observe(nodeName, node, lease?.spec?.renewTime, now);
    const nowIso = rfc3339(now);
    if (now - probe > graceMs) {
      const conds = unknownConditions(node, nowIso);
      if (conds) {
        ctx.log('node stopped posting status; marking it Unknown', { node: nodeName, silentForMs: now - probe });
        await ctx.client.updateStatus(NODES, { ...node, status: { ...(node.status ?? {}), conditions: conds } } as KubeObject);
        recorder.event({ kind: 'Node', name: nodeName, uid: node.metadata.uid, apiVersion: 'v1' }, 'Normal', 'NodeNotReady', `Node ${nodeName} status is now: NodeNotReady`);
        return; // the update's watch event brings the node back with the new conditions
      }
    }
    const taints = reconcileTaints(node, nowIso);
    if (taints) {
      await ctx.client.update(NODES, { ...node, spec: { ...(node.spec ?? {}), taints } } as KubeObject);
      return;
    }
    if (condition(node, 'Ready')?.status !== 'True') await markPodsNotReady(nodeName, nowIso);
    // Look again right when the grace period would run out (once out, the monitor tick suffices).
    return now - probe > graceMs ? undefined : probe + graceMs - now + 1;
  }

  /** Kubernetes' MarkPodsNotReady: the kubelet of a lost node cannot, so the controller does. */
  async function markPodsNotReady(nodeName: string, nowIso: string): Promise<void> {
    for (const pod of podsOn(nodeName)) {
      const conds = pod.status?.conditions ?? [];
      const ready = conds.find((c) => c.type === 'Ready');
      if (!ready || ready.status !== 'True') continue;
      const next = conds.map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: nowIso } : c));
      try {
        await ctx.client.updateStatus(PODS, { ...pod, status: { ...pod.status, conditions: next } });
        ctx.log('marked pod not ready: its node is not ready', { namespace: pod.metadata.namespace, name: pod.metadata.name, node: nodeName });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  async function syncPod(key: string): Promise<void | number> {
    const pod = pods.indexer.getByKey(key);
    if (!pod || !pod.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    const node = nodes.indexer.get(undefined, pod.spec.nodeName);
    if (!node) return;
    const now = ctx.clock.now();
    const d = evictionDecision(node.spec?.taints ?? [], (pod.spec.tolerations ?? []) as Toleration[], now);
    if (d.evict === 'never') return;
    if (d.evict === 'at') return d.atMs - now;
    const { namespace, name: podName } = splitKey(key);
    ctx.log('evicting pod: it does not tolerate its node\'s NoExecute taints', { namespace, name: podName, node: node.metadata.name });
    recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      await ctx.client.delete(PODS, podName, { namespace, preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  return {
    name,
    async run(signal: AbortSignal): Promise<void> {
      const stop = () => { nodeQueue.shutDown(); podQueue.shutDown(); };
      signal.addEventListener('abort', stop, { once: true });
      try {
        if (!(await waitForCaches([nodes, leases, pods], signal))) return;
        ctx.log('caches synced; starting workers', { controller: name, gracePeriodMs: graceMs });
        const cancel = every(ctx, periodMs, () => { for (const k of nodes.indexer.listKeys()) nodeQueue.add(k); }, signal);
        const workers = ctx.options.workers ?? 5;
        const log = (msg: string, f?: Record<string, unknown>) => ctx.log(msg, { controller: name, ...f });
        const wrap = (q: typeof nodeQueue, fn: (k: string) => Promise<void | number>) => async (k: string) => {
          const again = await fn(k);
          if (typeof again === 'number') q.addAfter(k, again);
        };
        await Promise.all([
          runWorkers(nodeQueue, workers, wrap(nodeQueue, syncNode), { log }),
          runWorkers(podQueue, workers, wrap(podQueue, syncPod), { log }),
        ]);
        cancel();
      } finally {
        signal.removeEventListener('abort', stop);
        stop();
      }
    },
  };
}
