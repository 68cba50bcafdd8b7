// The pod garbage collector, a periodic pass (Kubernetes' gcCheckPeriod, 20 s) that force-deletes:
//   - terminated pods (Succeeded/Failed) beyond terminatedPodGCThreshold, oldest first;
//   - pods bound to a node that no longer exists: the node must have been missing from the cache
//     for a quarantine (so a node not yet seen is not mistaken for a deleted one) and a live GET
//     must confirm it is gone; this includes pods stuck terminating on that node;
//   - terminating pods that were never scheduled (no kubelet will ever finish them).
import type { KubeObject } from '../../api/resource.js';
import { isNotFound } from '../../client/rest.js';
import { objectKey } from '../../client/informer/store.js';
import type { Controller, ControllerContext } from '../context.js';
import { every, newQueue, queueController } from '../base/queue-controller.js';
import { NODES, PODS } from '../base/resources.js';
import { isPodTerminal, PODS_BY_NODE, podsByNode, rfc3339, type PodLike } from '../base/pods.js';

export const DEFAULT_TERMINATED_POD_GC_THRESHOLD = 12_500;
export const DEFAULT_GC_PERIOD_MS = 20_000;
export const DEFAULT_QUARANTINE_MS = 40_000;
const PASS = 'gc';

export function createPodGCController(ctx: ControllerContext): Controller {
  const name = 'podgc';
  const queue = newQueue(ctx, name);
  const threshold = ctx.options.terminatedPodGCThreshold ?? DEFAULT_TERMINATED_POD_GC_THRESHOLD;
  const periodMs = Number(ctx.options.podGCPeriodMs ?? DEFAULT_GC_PERIOD_MS);
  const quarantineMs = Number(ctx.options.podGCQuarantineMs ?? DEFAULT_QUARANTINE_MS);
  const pods = ctx.informers.informerFor<PodLike>(PODS, { indexers: { [PODS_BY_NODE]: podsByNode } });
  const nodes = ctx.informers.informerFor(NODES);
  const recorder = ctx.recorder('pod-garbage-collector');
  /** node name -> when it was first seen missing */
  const missingSince = new Map<string, number>();

  async function forceDelete(pod: PodLike, why: string): Promise<void> {
    ctx.log('force-deleting pod', { namespace: pod.metadata.namespace, name: pod.metadata.name, why });
    try {
      await ctx.client.delete(PODS, pod.metadata.name!, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async function gcTerminated(): Promise<void> {
    if (threshold <= 0) return;
    const terminated = pods.indexer.list().filter((p) => isPodTerminal(p) && !p.metadata.deletionTimestamp);
    const excess = terminated.length - threshold;
    if (excess <= 0) return;
    terminated.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || objectKey(a).localeCompare(objectKey(b)));
    ctx.log('garbage collecting terminated pods over the threshold', { count: excess, threshold });
    for (const p of terminated.slice(0, excess)) await forceDelete(p, 'terminated pods over the threshold');
  }

  async function gcOrphaned(now: number): Promise<void> {
    const bound = pods.indexer.indexValues(PODS_BY_NODE);
    for (const n of [...missingSince.keys()]) if (nodes.indexer.has(n) || !bound.includes(n)) missingSince.delete(n);
    for (const nodeName of bound) {
      if (nodes.indexer.has(nodeName)) continue;
      const since = missingSince.get(nodeName);
      if (since === undefined) { missingSince.set(nodeName, now); continue; }
      if (now - since < quarantineMs) continue;
      try {
        await ctx.client.get(NODES, nodeName);
        missingSince.delete(nodeName); // it exists after all: the cache was behind
        continue;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      for (const pod of pods.indexer.byIndex(PODS_BY_NODE, nodeName)) {
        await markFailed(pod, now);
        recorder.event(pod, 'Normal', 'PodGCOrphaned', `PodGC: node ${nodeName} no longer exists`);
        await forceDelete(pod, `node ${nodeName} no longer exists`);
      }
      missingSince.delete(nodeName);
    }
  }

  /** Kubernetes records why the pod went before deleting it: phase Failed, DisruptionTarget DeletionByPodGC. */
  async function markFailed(pod: PodLike, now: number): Promise<void> {
    if (isPodTerminal(pod)) return;
    const conditions = [...(pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'),
      { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: rfc3339(now) }];
    try {
      await ctx.client.updateStatus(PODS, { ...pod, status: { ...(pod.status ?? {}), phase: 'Failed', conditions } } as KubeObject);
    } catch (err) {
      ctx.log('could not mark pod Failed before deleting it', { namespace: pod.metadata.namespace, name: pod.metadata.name, err: (err as Error).message });
    }
  }

  async function gcUnscheduledTerminating(): Promise<void> {
    for (const p of pods.indexer.list()) if (p.metadata.deletionTimestamp && !p.spec?.nodeName) await forceDelete(p, 'terminating and never scheduled');
  }

  async function sync(): Promise<void> {
    const now = ctx.clock.now();
    await gcTerminated();
    await gcOrphaned(now);
    await gcUnscheduledTerminating();
  }

  return queueController({
    name, ctx, queue, workers: 1, informers: () => [pods, nodes], sync,
    onSynced: (signal) => { queue.add(PASS); return every(ctx, periodMs, () => queue.add(PASS), signal); },
  });
}
