// The API resources the workload controllers read and write, named once.
import { resourceRef } from '../../client/rest.js';

export const PODS = resourceRef('', 'v1', 'pods');
export const NODES = resourceRef('', 'v1', 'nodes', false);
export const REPLICATION_CONTROLLERS = resourceRef('', 'v1', 'replicationcontrollers');
export const REPLICA_SETS = resourceRef('apps', 'v1', 'replicasets');
export const DEPLOYMENTS = resourceRef('apps', 'v1', 'deployments');
export const DAEMON_SETS = resourceRef('apps', 'v1', 'daemonsets');
