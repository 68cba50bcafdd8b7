// The Deployment controller: Deployments, their ReplicaSets and (for Recreate) their pods are
// watched only to enqueue Deployment keys; sync(key) claims the ReplicaSets the selector matches
// and runs one Rollout: scaling, paused, or a rollout by the strategy.
import type { ControllerContext, Controller } from '../context.js';
import type { Deployment, ReplicaSet } from '../../api/apps/v1/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { DeletedFinalStateUnknown, objectKey, type SharedInformer } from '../../client/informer/index.js';
import type { EventRecorder } from '../../client/events.js';
import { labelSelectorAsSelector, matches, isEmpty, type Selector } from '../../machinery/labels/selector.js';
import type { Pod } from '../workload/pods.js';
import { claimObjects, controllerOf, freshOwnerCheck } from '../workload/controller-ref.js';
import { runController } from '../workload/controller-loop.js';
import { CONTROLLER_INDEX, byController, ownedBy, orphansIn, podInformer } from '../workload/pod-index.js';
import { DEPLOYMENTS, REPLICA_SETS } from '../workload/resources.js';
import { Rollout, StaleDeployment } from './rollout.js';

export class DeploymentController implements Controller {
  readonly name = 'deployment';
  readonly queue: WorkQueue<string>;
  private readonly deployments: SharedInformer<Deployment>;
  private readonly replicaSets: SharedInformer<ReplicaSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue<string>({ clock: ctx.clock, name: this.name });
    this.recorder = ctx.recorder('deployment-controller');
    this.deployments = ctx.informers.informerFor<Deployment>(DEPLOYMENTS);
    this.replicaSets = ctx.informers.informerFor<ReplicaSet>(REPLICA_SETS, { indexers: { [CONTROLLER_INDEX]: byController } });
    this.pods = podInformer(ctx);
    this.deployments.addEventHandler({
      onAdd: (d) => this.queue.add(objectKey(d)),
      onUpdate: (_o, d) => this.queue.add(objectKey(d)),
      onDelete: (d) => this.queue.add(d instanceof DeletedFinalStateUnknown ? d.key : objectKey(d)),
    });
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.onReplicaSet(rs),
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
        if (controllerOf(old)?.uid !== controllerOf(cur)?.uid) this.onReplicaSet(old);
        this.onReplicaSet(cur);
      },
      onDelete: (rs) => this.onReplicaSet(rs instanceof DeletedFinalStateUnknown ? rs.obj : rs),
    });
    // Recreate waits for old pods to be gone: their deletions are news.
    this.pods.addEventHandler({
      onDelete: (p) => {
        const pod = p instanceof DeletedFinalStateUnknown ? p.obj : p;
        const ref = controllerOf(pod);
        if (ref?.kind !== 'ReplicaSet') return;
        const rs = this.replicaSets.indexer.get(pod.metadata.namespace, ref.name);
        const d = rs && this.ownerOf(rs);
        if (d?.spec?.strategy?.type === 'Recreate') this.queue.add(objectKey(d));
      },
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return runController(this.ctx, this.name, this.queue, (key) => this.sync(key), signal);
  }

  private ownerOf(rs: ReplicaSet): Deployment | undefined {
    const ref = controllerOf(rs);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.indexer.get(rs.metadata.namespace, ref.name);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  /** Owner, or for an orphan every Deployment that might adopt it. */
  private onReplicaSet(rs: ReplicaSet): void {
    if (controllerOf(rs)) {
      const d = this.ownerOf(rs);
      if (d) this.queue.add(objectKey(d));
      return;
    }
    for (const d of this.deployments.indexer.byIndex('namespace', rs.metadata.namespace ?? '')) {
      try {
        const sel = labelSelectorAsSelector(d.spec?.selector);
        if (!isEmpty(sel) && matches(sel, rs.metadata.labels)) this.queue.add(objectKey(d));
      } catch {
        // an invalid selector adopts nothing
      }
    }
  }

  async sync(key: string): Promise<void> {
    const d = this.deployments.indexer.getByKey(key);
    if (!d) return;
    const started = Date.now();
    try {
      await this.syncDeployment(structuredClone(d));
    } catch (err) {
      // A write refused as stale: the newer Deployment is already on its way to the cache.
      if (err instanceof StaleDeployment) return;
      throw err;
    } finally {
      const ms = Date.now() - started;
      if (ms > 1000) this.ctx.log('slow deployment sync', { key, ms });
    }
  }

  private async syncDeployment(d: Deployment): Promise<void> {
    const rollout = new Rollout(d, {
      client: this.ctx.client, recorder: this.recorder, now: () => this.ctx.clock.now(),
      podsOf: (rs) => ownedBy(this.pods, rs.metadata.uid ?? ''),
      requeueAfter: (ms) => this.queue.addAfter(objectKey(d), ms),
      log: (msg, f) => this.ctx.log(msg, { controller: this.name, ...f }),
    });
    let selector: Selector;
    try {
      selector = labelSelectorAsSelector(d.spec?.selector);
    } catch (err) {
      this.ctx.log('invalid deployment selector', { namespace: d.metadata.namespace, name: d.metadata.name, err: (err as Error).message });
      return;
    }
    if (isEmpty(selector)) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        await rollout.syncStatusOnly([], undefined);
      }
      return;
    }
    const rsList = await this.claimReplicaSets(d, selector);
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await rollout.replicaSets(rsList, false);
      return rollout.syncStatusOnly(newRS ? [...oldRSs, newRS] : oldRSs, newRS);
    }
    await rollout.checkPausedConditions();
    if (rollout.deployment.spec?.paused) return rollout.sync(rsList);
    if (await rollout.isScalingEvent(rsList)) return rollout.sync(rsList);
    if (rollout.deployment.spec?.strategy?.type === 'Recreate') return rollout.rolloutRecreate(rsList);
    return rollout.rolloutRolling(rsList);
  }

  private async claimReplicaSets(d: Deployment, selector: Selector): Promise<ReplicaSet[]> {
    const ns = d.metadata.namespace ?? '';
    const candidates = [...ownedBy(this.replicaSets, d.metadata.uid ?? ''), ...orphansIn(this.replicaSets, ns)];
    const { claimed, errors } = await claimObjects<ReplicaSet>(candidates, {
      client: this.ctx.client, resource: REPLICA_SETS, owner: d, ownerApiVersion: 'apps/v1', ownerKind: 'Deployment',
      matches: (rs) => matches(selector, rs.metadata.labels),
      canAdopt: freshOwnerCheck(this.ctx.client, DEPLOYMENTS, d),
    });
    if (errors.length) throw errors[0];
    return claimed;
  }
}
