// One engine behind the ReplicationController and ReplicaSet controllers (Kubernetes runs its RC
// manager as a ReplicaSet controller in disguise, and so do we). Watch events only enqueue owner
// keys and count expectations down; sync(key) claims the owner's pods from the informer cache,
// creates or deletes the difference (creations in slow-start batches, at most BURST_REPLICAS per
// sync) unless earlier writes have not reached the cache yet, and writes the status back.
import type { ControllerContext, Controller } from '../context.js';
import { WorkQueue } from '../../client/workqueue.js';
import { DeletedFinalStateUnknown, objectKey, type SharedInformer } from '../../client/informer/index.js';
import { ConnectionError, isConflict, isNotFound, isApiError } from '../../client/rest.js';
import { deepEqual } from '../../client/patch.js';
import { matches, type Selector } from '../../machinery/labels/selector.js';
import type { Pod } from '../workload/pods.js';
import { isPodActive, isPodReady } from '../workload/pods.js';
import { Expectations } from '../workload/expectations.js';
import { slowStartBatch } from '../workload/slow-start.js';
import { rankPodsForDeletion } from '../workload/rank.js';
import { claimObjects, controllerOf, controllerRef, freshOwnerCheck } from '../workload/controller-ref.js';
import { PodControl, podFromTemplate } from '../workload/pod-control.js';
import { runController } from '../workload/controller-loop.js';
import { PODS } from '../workload/resources.js';
import { podInformer, podsOwnedBy, orphanPodsIn } from '../workload/pod-index.js';
import type { ReplicaKind, ReplicaOwner } from './kinds.js';
import { calculateStatus, nextAvailableIn, sameStatus } from './status.js';

/** Kubernetes' BurstReplicas: the most pods one sync creates or deletes. */
export const BURST_REPLICAS = 500;
/** Kubernetes' SlowStartInitialBatchSize. */
export const SLOW_START_INITIAL_BATCH = 1;

export class ReplicaManager implements Controller {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  readonly expectations: Expectations;
  private readonly pods: SharedInformer<Pod>;
  private readonly owners: SharedInformer<ReplicaOwner>;
  private readonly podControl: PodControl;

  constructor(private readonly ctx: ControllerContext, private readonly kind: ReplicaKind) {
    this.name = kind.name;
    this.queue = new WorkQueue<string>({ clock: ctx.clock, name: kind.name });
    this.expectations = new Expectations(ctx.clock);
    this.podControl = new PodControl(ctx.client, ctx.recorder(kind.component));
    this.pods = podInformer(ctx);
    this.owners = ctx.informers.informerFor<ReplicaOwner>(kind.resource);
    this.owners.addEventHandler({
      onAdd: (o) => this.queue.add(objectKey(o)),
      onUpdate: (_old, cur) => this.queue.add(objectKey(cur)),
      onDelete: (o) => {
        const key = o instanceof DeletedFinalStateUnknown ? o.key : objectKey(o);
        this.expectations.delete(key);
        this.queue.add(key);
      },
    });
    this.pods.addEventHandler({
      onAdd: (p) => this.onPodAdd(p),
      onUpdate: (old, cur) => this.onPodUpdate(old, cur),
      onDelete: (p) => this.onPodDelete(p instanceof DeletedFinalStateUnknown ? p.obj : p),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return runController(this.ctx, this.name, this.queue, (key) => this.sync(key), signal);
  }

  // --- event handlers: find the owner, count expectations, enqueue ---

  /** The cached owner a controller reference points at, if it is one of ours and still the same object. */
  private ownerOf(pod: Pod): ReplicaOwner | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== this.kind.kind || ref.apiVersion !== this.kind.apiVersion) return undefined;
    const owner = this.owners.indexer.get(pod.metadata.namespace, ref.name);
    return owner && owner.metadata.uid === ref.uid ? owner : undefined;
  }

  /** Owners in the pod's namespace whose selector matches it (candidates to adopt an orphan). */
  private ownersSelecting(pod: Pod): ReplicaOwner[] {
    const out: ReplicaOwner[] = [];
    for (const o of this.owners.indexer.byIndex('namespace', pod.metadata.namespace ?? '')) {
      let sel: Selector;
      try { sel = this.kind.selector(o); } catch { continue; }
      if (matches(sel, pod.metadata.labels)) out.push(o);
    }
    return out;
  }

  private onPodAdd(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) {
      // Seen for the first time already being deleted (after a relist): a deletion, not a creation.
      this.onPodDelete(pod);
      return;
    }
    if (controllerOf(pod)) {
      const owner = this.ownerOf(pod);
      if (!owner) return;
      const key = objectKey(owner);
      this.expectations.creationObserved(key);
      this.queue.add(key);
      return;
    }
    for (const o of this.ownersSelecting(pod)) this.queue.add(objectKey(o));
  }

  private onPodUpdate(old: Pod, cur: Pod): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = !deepEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp) {
      // A graceful deletion has begun: the pod no longer counts, replace it now rather than when
      // the kubelet finishes. The expectation counts each pod once however often we get here.
      this.onPodDelete(cur);
      if (labelsChanged) this.onPodDelete(old);
      return;
    }
    const oldRef = controllerOf(old);
    const curRef = controllerOf(cur);
    const refChanged = oldRef?.uid !== curRef?.uid;
    if (refChanged && oldRef) {
      const prev = this.ownerOf(old);
      if (prev) this.queue.add(objectKey(prev));
    }
    if (curRef) {
      const owner = this.ownerOf(cur);
      if (!owner) return;
      const key = objectKey(owner);
      this.queue.add(key);
      const minReady = owner.spec?.minReadySeconds ?? 0;
      // Became ready: look again once it has been ready long enough to count as available.
      if (minReady > 0 && !isPodReady(old) && isPodReady(cur)) this.queue.addAfter(key, minReady * 1000 + 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const o of this.ownersSelecting(cur)) this.queue.add(objectKey(o));
  }

  private onPodDelete(pod: Pod): void {
    const owner = this.ownerOf(pod);
    if (!owner) return;
    const key = objectKey(owner);
    this.expectations.deletionObserved(key, objectKey(pod));
    this.queue.add(key);
  }

  // --- sync ---

  async sync(key: string): Promise<void> {
    const owner = this.owners.indexer.getByKey(key);
    if (!owner) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    let selector: Selector;
    try {
      selector = this.kind.selector(owner);
    } catch (err) {
      // An invalid selector cannot be fixed by retrying: report and wait for the next update.
      this.ctx.log('invalid selector', { controller: this.name, key, err: (err as Error).message });
      return;
    }
    const ns = owner.metadata.namespace ?? '';
    const candidates = [...podsOwnedBy(this.pods, owner.metadata.uid ?? ''), ...orphanPodsIn(this.pods, ns)].filter(isPodActive);
    const { claimed, errors } = await claimObjects<Pod>(candidates, {
      client: this.ctx.client, resource: PODS, owner, ownerApiVersion: this.kind.apiVersion, ownerKind: this.kind.kind,
      matches: (p) => matches(selector, p.metadata.labels),
      canAdopt: freshOwnerCheck(this.ctx.client, this.kind.resource, owner),
    });
    if (errors.length) throw errors[0];

    let manageErr: unknown;
    if (needsSync && !owner.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(claimed, owner, key);
      } catch (err) {
        manageErr = err;
      }
    }
    const now = this.ctx.clock.now();
    const status = calculateStatus(owner, claimed, manageErr, now);
    await this.writeStatus(owner, status);
    if (!manageErr) {
      const wait = nextAvailableIn(owner, claimed, now);
      if (wait !== undefined) this.queue.addAfter(key, wait);
    }
    if (manageErr) throw manageErr;
  }

  private async manageReplicas(pods: Pod[], owner: ReplicaOwner, key: string): Promise<void> {
    const want = owner.spec?.replicas ?? 1;
    const diff = pods.length - want;
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      // Expect every creation before firing any: each watch event counts one down, and no sync
      // acts again until all are seen (or known never to come).
      this.expectations.expectCreations(key, n);
      const ref = controllerRef(owner, this.kind.apiVersion, this.kind.kind);
      const result = await slowStartBatch(n, SLOW_START_INITIAL_BATCH, async () => {
        try {
          await this.podControl.create(podFromTemplate(owner.spec?.template, owner, ref), owner);
        } catch (err) {
          // A timed-out create may still happen and be seen; any other failure never will.
          if (!isTimeout(err)) this.expectations.creationObserved(key);
          throw err;
        }
      });
      const skipped = n - result.successes - result.errors.length;
      if (skipped > 0) {
        this.ctx.log('slow-start failure, skipping creation of pods', { controller: this.name, key, skipped });
        this.expectations.creationObserved(key, skipped);
      }
      if (result.errors.length) throw result.errors[0];
      return;
    }
    if (diff > 0) {
      const n = Math.min(diff, BURST_REPLICAS);
      const doomed = rankPodsForDeletion(pods).slice(0, n);
      this.expectations.expectDeletions(key, doomed.map(objectKey));
      const errs: unknown[] = [];
      await Promise.all(doomed.map(async (p) => {
        try {
          await this.podControl.delete(p, owner);
        } catch (err) {
          // It will not be deleted by us: stop waiting for it.
          this.expectations.deletionObserved(key, objectKey(p));
          if (!isNotFound(err)) errs.push(err);
        }
      }));
      if (errs.length) throw errs[0];
    }
  }

  /** PUT /status unless nothing changed; on a conflict read the owner again and retry once. */
  private async writeStatus(owner: ReplicaOwner, status: ReturnType<typeof calculateStatus>): Promise<void> {
    if (sameStatus(owner.status as never, status)) return;
    let cur = owner;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ctx.client.updateStatus(this.kind.resource, { ...cur, status } as ReplicaOwner);
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= 1) throw err;
        cur = await this.ctx.client.get<ReplicaOwner>(this.kind.resource, owner.metadata.name!, { namespace: owner.metadata.namespace });
        if (cur.metadata.uid !== owner.metadata.uid) return;
        status.observedGeneration = owner.metadata.generation;
      }
    }
  }
}

function isTimeout(err: unknown): boolean {
  return (err instanceof ConnectionError && err.code === 'ETIMEDOUT') || isApiError(err, 504);
}

