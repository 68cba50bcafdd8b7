// The two kinds one replication engine serves. They differ only in names and in how the selector
// is written: a ReplicationController's is a plain label map, a ReplicaSet's a LabelSelector.
import type { ReplicationController } from '../../api/core/v1/replicationcontroller.js';
import type { ReplicaSet } from '../../api/apps/v1/types.js';
import type { ResourceRef } from '../../client/rest.js';
import { labelSelectorAsSelector, selectorFromSet, nothing, type Selector } from '../../machinery/labels/selector.js';
import { REPLICATION_CONTROLLERS, REPLICA_SETS } from '../workload/resources.js';

export type ReplicaOwner = ReplicationController | ReplicaSet;

export interface ReplicaKind {
  /** Controller name, as kube-controller-manager's --controllers spells it. */
  name: string;
  /** Event source component. */
  component: string;
  resource: ResourceRef;
  apiVersion: string;
  kind: string;
  /** The owner's pod selector; throws (400) when it cannot be parsed. */
  selector(owner: ReplicaOwner): Selector;
}

export const replicationControllerKind: ReplicaKind = {
  name: 'replicationcontroller',
  component: 'replication-controller',
  resource: REPLICATION_CONTROLLERS,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  // An empty map would select everything: Kubernetes' RC manager treats it as selecting nothing.
  selector: (o) => {
    const set = (o as ReplicationController).spec?.selector;
    return set && Object.keys(set).length ? selectorFromSet(set) : nothing();
  },
};

export const replicaSetKind: ReplicaKind = {
  name: 'replicaset',
  component: 'replicaset-controller',
  resource: REPLICA_SETS,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  selector: (o) => labelSelectorAsSelector((o as ReplicaSet).spec?.selector),
};
