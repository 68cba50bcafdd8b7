// The shared informers as the workload controllers use them: objects indexed by controller owner
// UID, with orphans filed per namespace, so a sync looks at its own pods (or ReplicaSets) and the
// orphans it might adopt instead of every object in the namespace: a namespace of 3,000 pods
// syncs in O(own pods).
import type { ControllerContext } from '../context.js';
import type { KubeObject } from '../../api/resource.js';
import type { SharedInformer, IndexFunc } from '../../client/informer/index.js';
import type { Pod } from './pods.js';
import { controllerOf } from './controller-ref.js';
import { PODS } from './resources.js';

export const CONTROLLER_INDEX = 'workload.controllerUID';

const ORPHAN = 'orphan:';

/** One function object: the informer accepts the same index registered twice only if it is the same function. */
export const byController: IndexFunc<KubeObject> = (obj) => {
  const ref = controllerOf(obj);
  return [ref ? ref.uid : ORPHAN + (obj.metadata.namespace ?? '')];
};

export function podInformer(ctx: ControllerContext): SharedInformer<Pod> {
  return ctx.informers.informerFor<Pod>(PODS, { indexers: { [CONTROLLER_INDEX]: byController } });
}

export function ownedBy<T extends KubeObject>(inf: SharedInformer<T>, uid: string): T[] {
  return uid ? inf.indexer.byIndex(CONTROLLER_INDEX, uid) : [];
}

export function orphansIn<T extends KubeObject>(inf: SharedInformer<T>, namespace: string): T[] {
  return inf.indexer.byIndex(CONTROLLER_INDEX, ORPHAN + namespace);
}

export const podsOwnedBy = ownedBy<Pod>;
export const orphanPodsIn = orphansIn<Pod>;
