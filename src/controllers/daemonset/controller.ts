// The DaemonSet controller: one pod per eligible node. Node, DaemonSet and pod events only enqueue
// DaemonSet keys; sync(key) claims the DaemonSet's pods, maps them to nodes (by nodeName or the
// metadata.name affinity it pins them with), creates pods for eligible nodes without one, deletes
// pods on nodes that no longer qualify (and failed or duplicate ones), replaces out-of-date pods
// under RollingUpdate within maxUnavailable, and writes the status. Expectations guard against
// acting twice on a cache that has not seen our own writes, as for ReplicaSets.
import type { ControllerContext, Controller } from '../context.js';
import type { DaemonSet } from '../../api/apps/v1/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { DeletedFinalStateUnknown, objectKey, type SharedInformer } from '../../client/informer/index.js';
import type { EventRecorder } from '../../client/events.js';
import { isConflict, isNotFound } from '../../client/rest.js';
import { deepEqual } from '../../client/patch.js';
import { labelSelectorAsSelector, matches, isEmpty, type Selector } from '../../machinery/labels/selector.js';
import type { Pod } from '../workload/pods.js';
import { Expectations } from '../workload/expectations.js';
import { slowStartBatch } from '../workload/slow-start.js';
import { claimObjects, controllerOf, controllerRef, freshOwnerCheck } from '../workload/controller-ref.js';
import { PodControl, podFromTemplate } from '../workload/pod-control.js';
import { runController } from '../workload/controller-loop.js';
import { podInformer, podsOwnedBy, orphanPodsIn } from '../workload/pod-index.js';
import { DAEMON_SETS, NODES, PODS } from '../workload/resources.js';
import { computeHash } from '../deployment/hash.js';
import { nodeShouldRunDaemonPod, pinToNode, targetNodeName, withDaemonTolerations, type Node } from './predicates.js';
import { byAge, calculateStatus, CONTROLLER_REVISION_HASH, POD_TEMPLATE_GENERATION, type DaemonSetStatus } from './status.js';
import { rollingUpdateVictims } from './rolling-update.js';

/** Kubernetes' DaemonSet BurstReplicas. */
export const DAEMON_BURST = 250;
export { CONTROLLER_REVISION_HASH, POD_TEMPLATE_GENERATION };

export class DaemonSetController implements Controller {
  readonly name = 'daemonset';
  readonly queue: WorkQueue<string>;
  readonly expectations: Expectations;
  private readonly daemonSets: SharedInformer<DaemonSet>;
  private readonly nodes: SharedInformer<Node>;
  private readonly pods: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly podControl: PodControl;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new WorkQueue<string>({ clock: ctx.clock, name: this.name });
    this.expectations = new Expectations(ctx.clock);
    this.recorder = ctx.recorder('daemonset-controller');
    this.podControl = new PodControl(ctx.client, this.recorder);
    this.daemonSets = ctx.informers.informerFor<DaemonSet>(DAEMON_SETS);
    this.nodes = ctx.informers.informerFor<Node>(NODES);
    this.pods = podInformer(ctx);
    this.daemonSets.addEventHandler({
      onAdd: (ds) => this.queue.add(objectKey(ds)),
      onUpdate: (_o, ds) => this.queue.add(objectKey(ds)),
      onDelete: (ds) => {
        const key = ds instanceof DeletedFinalStateUnknown ? ds.key : objectKey(ds);
        this.expectations.delete(key);
        this.queue.add(key);
      },
    });
    // What makes a node eligible or not: its labels, taints and existence.
    this.nodes.addEventHandler({
      onAdd: () => this.enqueueAll(),
      onUpdate: (old, cur) => {
        if (!deepEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {}) || !deepEqual(old.spec?.taints ?? [], cur.spec?.taints ?? [])) this.enqueueAll();
      },
      onDelete: () => this.enqueueAll(),
    });
    this.pods.addEventHandler({
      onAdd: (p) => {
        if (p.metadata.deletionTimestamp) return this.onPodDelete(p);
        const ds = this.ownerOf(p);
        if (!ds) return;
        this.expectations.creationObserved(objectKey(ds));
        this.queue.add(objectKey(ds));
      },
      onUpdate: (old, cur) => {
        if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
        if (cur.metadata.deletionTimestamp) return this.onPodDelete(cur);
        const prev = this.ownerOf(old);
        const ds = this.ownerOf(cur);
        if (prev && prev !== ds) this.queue.add(objectKey(prev));
        if (ds) this.queue.add(objectKey(ds));
        else if (!controllerOf(cur)) this.enqueueSelecting(cur);
      },
      onDelete: (p) => this.onPodDelete(p instanceof DeletedFinalStateUnknown ? p.obj : p),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return runController(this.ctx, this.name, this.queue, (key) => this.sync(key), signal);
  }

  private enqueueAll(): void {
    for (const k of this.daemonSets.indexer.listKeys()) this.queue.add(k);
  }

  private enqueueSelecting(pod: Pod): void {
    for (const ds of this.daemonSets.indexer.byIndex('namespace', pod.metadata.namespace ?? '')) {
      try {
        if (matches(labelSelectorAsSelector(ds.spec?.selector), pod.metadata.labels)) this.queue.add(objectKey(ds));
      } catch {
        // an invalid selector adopts nothing
      }
    }
  }

  private ownerOf(pod: Pod): DaemonSet | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const ds = this.daemonSets.indexer.get(pod.metadata.namespace, ref.name);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  }

  private onPodDelete(pod: Pod): void {
    const ds = this.ownerOf(pod);
    if (!ds) return;
    const key = objectKey(ds);
    this.expectations.deletionObserved(key, objectKey(pod));
    this.queue.add(key);
  }

  async sync(key: string): Promise<void> {
    const ds = this.daemonSets.indexer.getByKey(key);
    if (!ds) {
      this.expectations.delete(key);
      return;
    }
    let selector: Selector;
    try {
      selector = labelSelectorAsSelector(ds.spec?.selector);
    } catch (err) {
      this.ctx.log('invalid daemonset selector', { key, err: (err as Error).message });
      return;
    }
    if (isEmpty(selector)) {
      this.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
      return;
    }
    const ns = ds.metadata.namespace ?? '';
    const { claimed, errors } = await claimObjects<Pod>([...podsOwnedBy(this.pods, ds.metadata.uid ?? ''), ...orphanPodsIn(this.pods, ns)], {
      client: this.ctx.client, resource: PODS, owner: ds, ownerApiVersion: 'apps/v1', ownerKind: 'DaemonSet',
      matches: (p) => matches(selector, p.metadata.labels),
      canAdopt: freshOwnerCheck(this.ctx.client, DAEMON_SETS, ds),
    });
    if (errors.length) throw errors[0];
    const byNode = new Map<string, Pod[]>();
    for (const p of claimed) {
      const node = targetNodeName(p.spec);
      if (!node) continue;
      let list = byNode.get(node);
      if (!list) byNode.set(node, (list = []));
      list.push(p);
    }
    const nodes = this.nodes.indexer.list();
    const hash = computeHash(ds.spec?.template);
    let manageErr: unknown;
    if (this.expectations.satisfied(key) && !ds.metadata.deletionTimestamp) {
      try {
        await this.manage(ds, key, nodes, byNode, hash);
      } catch (err) {
        manageErr = err;
      }
    }
    await this.writeStatus(ds, calculateStatus(ds, nodes, byNode, hash, this.ctx.clock.now()));
    if (manageErr) throw manageErr;
  }

  private async manage(ds: DaemonSet, key: string, nodes: Node[], byNode: Map<string, Pod[]>, hash: string): Promise<void> {
    const spec = ds.spec?.template?.spec;
    const needPods: string[] = [];
    const doomed: Pod[] = [];
    for (const node of nodes) {
      const name = node.metadata.name!;
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, spec);
      const pods = (byNode.get(name) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      if (shouldRun && pods.length === 0) needPods.push(name);
      if (!shouldContinueRunning) {
        doomed.push(...pods);
        continue;
      }
      const running: Pod[] = [];
      for (const p of pods) {
        if (p.status?.phase === 'Failed') {
          this.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${name}, will try to kill it`);
          doomed.push(p);
        } else running.push(p);
      }
      // More than one on a node: keep the oldest.
      if (running.length > 1) doomed.push(...running.sort(byAge).slice(1));
    }
    doomed.push(...rollingUpdateVictims(ds, nodes, byNode, hash, doomed, this.ctx.clock.now()));

    const create = needPods.slice(0, DAEMON_BURST);
    const remove = doomed.slice(0, DAEMON_BURST);
    this.expectations.expect(key, create.length, remove.map(objectKey));
    const errs: unknown[] = [];
    const ref = controllerRef(ds, 'apps/v1', 'DaemonSet');
    const result = await slowStartBatch(create.length, 1, async (i) => {
      const pod = podFromTemplate(ds.spec?.template, ds, ref);
      pod.metadata.labels = { ...pod.metadata.labels, [CONTROLLER_REVISION_HASH]: hash, [POD_TEMPLATE_GENERATION]: String(ds.metadata.generation ?? 1) };
      pod.spec = pinToNode({ ...pod.spec, tolerations: withDaemonTolerations(pod.spec) }, create[i]!);
      try {
        await this.podControl.create(pod, ds);
      } catch (err) {
        this.expectations.creationObserved(key);
        throw err;
      }
    });
    const skipped = create.length - result.successes - result.errors.length;
    if (skipped > 0) this.expectations.creationObserved(key, skipped);
    errs.push(...result.errors);
    await Promise.all(remove.map(async (p) => {
      try {
        await this.podControl.delete(p, ds);
      } catch (err) {
        this.expectations.deletionObserved(key, objectKey(p));
        if (!isNotFound(err)) errs.push(err);
      }
    }));
    if (errs.length) throw errs[0];
  }

  private async writeStatus(ds: DaemonSet, status: DaemonSetStatus): Promise<void> {
    const cur = ds.status ?? {};
    const keys = Object.keys(status) as (keyof DaemonSetStatus)[];
    if (keys.every((k) => deepEqual(cur[k] ?? 0, status[k] ?? 0))) return;
    try {
      await this.ctx.client.updateStatus(DAEMON_SETS, { ...ds, status } as DaemonSet);
    } catch (err) {
      // A newer DaemonSet is on its way through the informer and will be synced again.
      if (isConflict(err) || isNotFound(err)) return;
      throw err;
    }
  }
}
