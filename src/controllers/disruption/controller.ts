// The disruption controller: keeps every PodDisruptionBudget's status (healthy, desired, expected
// pods, disruptions allowed, the DisruptionAllowed condition) true to the pods it selects, and
// drops disruptedPods entries the eviction handler wrote for pods that were not deleted in time.
// Level-triggered like the others: budget and pod events only enqueue budget keys; sync(key)
// recomputes from the caches and writes status only when it changed. When the scale behind a
// percentage cannot be found, the budget fails safe (no disruptions, condition SyncFailed).
// Pods marked DisruptionTarget (by an eviction or a preemption) that are still not being deleted
// two minutes later get the condition reset to False: the disruption did not happen.
import type { Controller, ControllerContext } from '../context.js';
import { DeletedFinalStateUnknown, objectKey, NAMESPACE_INDEX } from '../../client/informer/index.js';
import { isConflict, isNotFound } from '../../client/rest.js';
import { labelSelectorAsSelector, matches } from '../../machinery/labels/selector.js';
import { newQueue, queueController } from '../base/queue-controller.js';
import { podInformer } from '../workload/pod-index.js';
import { REPLICA_SETS, REPLICATION_CONTROLLERS, DEPLOYMENTS, PODS } from '../workload/resources.js';
import {
  type PodDisruptionBudget, DISRUPTION_ALLOWED_CONDITION, SYNC_FAILED_REASON, setStatusCondition,
} from '../../api/policy/v1/index.js';
import { computeBudgetStatus, type BudgetPod } from './status.js';
import { scaleFinder } from './scale.js';
import { PDBS } from './resources.js';
import { rfc3339 } from '../../machinery/time-format.js';

/** The pods a budget counts: its namespace, its selector (an empty selector is every pod, none is no pod). */
export function podsForBudget(pdb: PodDisruptionBudget, podsInNamespace: BudgetPod[]): BudgetPod[] {
  let sel;
  try { sel = labelSelectorAsSelector(pdb.spec?.selector as never); } catch { return []; }
  return podsInNamespace.filter((p) => matches(sel, p.metadata.labels ?? {}));
}

/** Kubernetes' stalePodDisruptionTimeout. */
export const STALE_POD_DISRUPTION_TIMEOUT_MS = 2 * 60 * 1000;
/** Queue keys for pods (stale DisruptionTarget conditions) share the queue with budget keys. */
const POD_KEY = 'pod:';

/**
 * nonTerminatingPodHasStaleDisruptionCondition: undefined when the pod has no such condition,
 * else the ms until it is stale (0: now). The kubelet's own conditions are never stale.
 */
export function staleDisruptionIn(pod: BudgetPod, nowMs: number): number | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  const c = (pod.status?.conditions as { type: string; status: string; reason?: string; lastTransitionTime?: string }[] | undefined)?.find((x) => x.type === 'DisruptionTarget');
  if (!c || c.status !== 'True' || c.reason === 'TerminationByKubelet') return undefined;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0;
  return Math.max(0, since + STALE_POD_DISRUPTION_TIMEOUT_MS - nowMs);
}

export function createDisruptionController(ctx: ControllerContext): Controller {
  const name = 'disruption';
  const queue = newQueue(ctx, name);
  const recorder = ctx.recorder('controllermanager');
  const pdbs = ctx.informers.informerFor<PodDisruptionBudget>(PDBS);
  const pods = podInformer(ctx);
  const rss = ctx.informers.informerFor(REPLICA_SETS);
  const deps = ctx.informers.informerFor(DEPLOYMENTS);
  const rcs = ctx.informers.informerFor(REPLICATION_CONTROLLERS);
  const finder = scaleFinder({ replicaSets: rss.indexer as never, deployments: deps.indexer as never, replicationControllers: rcs.indexer as never });

  const enqueueFor = (pod: BudgetPod) => {
    for (const b of pdbs.indexer.byIndex(NAMESPACE_INDEX, pod.metadata.namespace ?? '')) {
      if (podsForBudget(b, [pod]).length) queue.add(objectKey(b));
    }
  };
  pdbs.addEventHandler({
    onAdd: (b) => queue.add(objectKey(b)),
    onUpdate: (_o, b) => queue.add(objectKey(b)),
    onDelete: (b) => queue.add(b instanceof DeletedFinalStateUnknown ? b.key : objectKey(b)),
  });
  const watchStale = (p: BudgetPod) => {
    const wait = staleDisruptionIn(p, ctx.clock.now());
    if (wait !== undefined) queue.addAfter(POD_KEY + objectKey(p), wait);
  };
  pods.addEventHandler({
    onAdd: (p) => { enqueueFor(p as BudgetPod); watchStale(p as BudgetPod); },
    onUpdate: (old, cur) => { enqueueFor(cur as BudgetPod); enqueueFor(old as BudgetPod); watchStale(cur as BudgetPod); },
    onDelete: (p) => enqueueFor((p instanceof DeletedFinalStateUnknown ? p.obj : p) as BudgetPod),
  });

  async function writeStatus(pdb: PodDisruptionBudget): Promise<void> {
    try {
      await ctx.client.updateStatus(PDBS, pdb);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err; // a conflict (an eviction spent a disruption meanwhile) retries from the cache
    }
  }

  /** failSafe: no disruptions while the budget cannot be computed. */
  async function failSafe(pdb: PodDisruptionBudget, err: Error, now: number): Promise<void> {
    const st = { ...(pdb.status ?? {}), disruptionsAllowed: 0 };
    const cond = { type: DISRUPTION_ALLOWED_CONDITION, status: 'False', reason: SYNC_FAILED_REASON, message: err.message, ...(st.observedGeneration !== undefined ? { observedGeneration: st.observedGeneration } : {}) };
    st.conditions = setStatusCondition(st.conditions ?? [], cond, now);
    await writeStatus({ ...pdb, status: st });
  }

  /** syncStalePodDisruption. */
  async function syncStalePod(key: string): Promise<void | number> {
    const pod = pods.indexer.getByKey(key) as BudgetPod | undefined;
    if (!pod) return;
    const wait = staleDisruptionIn(pod, ctx.clock.now());
    if (wait === undefined) return;
    if (wait > 0) return wait;
    const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === 'DisruptionTarget'
      ? { type: 'DisruptionTarget', status: 'False', lastTransitionTime: rfc3339(ctx.clock.now()) }
      : c));
    try {
      await ctx.client.updateStatus(PODS, { ...pod, status: { ...(pod.status ?? {}), conditions } });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    ctx.log('reset stale DisruptionTarget condition to False', { namespace: pod.metadata.namespace, name: pod.metadata.name });
  }

  async function sync(key: string): Promise<void | number> {
    if (key.startsWith(POD_KEY)) return syncStalePod(key.slice(POD_KEY.length));
    const pdb = pdbs.indexer.getByKey(key);
    if (!pdb) return;
    const now = ctx.clock.now();
    const ns = pdb.metadata.namespace ?? '';
    const selected = podsForBudget(pdb, pods.indexer.byIndex(NAMESPACE_INDEX, ns) as BudgetPod[]);
    if (selected.length === 0) recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let out;
    try {
      out = computeBudgetStatus(pdb, selected, finder, now);
    } catch (err) {
      recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(err as Error).message}`);
      ctx.log('failed to sync budget', { namespace: ns, name: pdb.metadata.name, err: (err as Error).message });
      await failSafe(pdb, err as Error, now);
      return;
    }
    for (const p of out.expired) {
      recorder.event(p, 'Warning', 'NotDeleted', `Pod was expected by PDB ${ns}/${pdb.metadata.name} to be deleted but it wasn't`);
    }
    if (out.unmanaged.length) {
      recorder.event(pdb, 'Warning', 'UnmanagedPods', `Pods selected by this PodDisruptionBudget (selector: ${JSON.stringify(pdb.spec?.selector ?? {})}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`);
    }
    if (out.status) {
      try {
        await writeStatus({ ...pdb, status: out.status });
      } catch (err) {
        if (isConflict(err)) ctx.log('budget changed while syncing; retrying', { namespace: ns, name: pdb.metadata.name });
        throw err;
      }
    }
    if (out.recheckAtMs !== undefined) return Math.max(0, out.recheckAtMs - now);
  }

  return queueController({ name, ctx, queue, informers: () => [pdbs, pods, rss, deps, rcs], sync });
}
