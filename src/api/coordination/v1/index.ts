import type { ResourceDef } from '../../resource.js';
import { leases } from './leases.js';

// Every ResourceDef coordination.k8s.io/v1 serves.
export const resources: ResourceDef<any>[] = [leases];
