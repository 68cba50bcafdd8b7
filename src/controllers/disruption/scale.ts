// The finders the disruption controller asks, in Kubernetes' order, for the scale behind a pod's
// controller reference: a ReplicaSet (unless a Deployment owns it), the Deployment owning that
// ReplicaSet, a ReplicationController. StatefulSets and custom /scale controllers are not served
// here yet: a pod owned by one has no known scale, and a percentage budget over it fails safe.
import type { KubeObject } from '../../api/resource.js';
import type { Indexer } from '../../client/informer/store.js';
import { controllerOf, type OwnerReference } from '../workload/controller-ref.js';
import type { ScaleFinder } from './status.js';

type Scaled = KubeObject & { spec?: { replicas?: number } };

export interface ScaleListers {
  replicaSets?: Indexer<Scaled>;
  deployments?: Indexer<Scaled>;
  replicationControllers?: Indexer<Scaled>;
}

/** spec.replicas, whose API default is 1. */
const replicasOf = (o: Scaled) => o.spec?.replicas ?? 1;

function replicaSetOf(l: ScaleListers, ref: OwnerReference, ns: string): Scaled | undefined {
  if (ref.kind !== 'ReplicaSet' || !l.replicaSets) return undefined;
  const rs = l.replicaSets.get(ns, ref.name);
  return rs && rs.metadata.uid === ref.uid ? rs : undefined;
}

export function scaleFinder(l: ScaleListers): ScaleFinder {
  const finders: ScaleFinder[] = [
    // getPodReplicaSet: a ReplicaSet a Deployment controls is counted through the Deployment.
    (ref, ns) => {
      const rs = replicaSetOf(l, ref, ns);
      if (!rs || controllerOf(rs)?.kind === 'Deployment') return undefined;
      return { uid: rs.metadata.uid!, scale: replicasOf(rs) };
    },
    // getPodDeployment.
    (ref, ns) => {
      const rs = replicaSetOf(l, ref, ns);
      const dref = rs && controllerOf(rs);
      if (!dref || dref.kind !== 'Deployment' || !l.deployments) return undefined;
      const d = l.deployments.get(ns, dref.name);
      return d && d.metadata.uid === dref.uid ? { uid: d.metadata.uid!, scale: replicasOf(d) } : undefined;
    },
    // getPodReplicationController.
    (ref, ns) => {
      if (ref.kind !== 'ReplicationController' || !l.replicationControllers) return undefined;
      const rc = l.replicationControllers.get(ns, ref.name);
      return rc && rc.metadata.uid === ref.uid ? { uid: rc.metadata.uid!, scale: replicasOf(rc) } : undefined;
    },
  ];
  return (ref, ns) => {
    for (const f of finders) {
      const found = f(ref, ns);
      if (found) return found;
    }
    return undefined;
  };
}
