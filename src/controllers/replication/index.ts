// The ReplicationController (core/v1) and ReplicaSet (apps/v1) controllers: one engine, two kinds.
import type { ControllerFactory } from '../context.js';
import { ReplicaManager } from './engine.js';
import { replicaSetKind, replicationControllerKind } from './kinds.js';

export { ReplicaManager, BURST_REPLICAS } from './engine.js';
export { replicaSetKind, replicationControllerKind, type ReplicaKind, type ReplicaOwner } from './kinds.js';

export const createReplicationControllerController: ControllerFactory = (ctx) => new ReplicaManager(ctx, replicationControllerKind);
export const createReplicaSetController: ControllerFactory = (ctx) => new ReplicaManager(ctx, replicaSetKind);
