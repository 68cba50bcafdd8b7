import type { ResourceDef } from '../../resource.js';
import { endpointslices } from './endpointslices.js';

// Every ResourceDef discovery.k8s.io/v1 serves.
export const resources: ResourceDef<any>[] = [endpointslices];
