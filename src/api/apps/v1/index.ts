import type { ResourceDef } from '../../resource.js';
import { deploymentDef } from './deployment.js';
import { replicaSetDef } from './replicaset.js';
import { daemonSetDef } from './daemonset.js';

// Every ResourceDef apps/v1 serves.
export const resources: ResourceDef<any>[] = [deploymentDef, replicaSetDef, daemonSetDef];
