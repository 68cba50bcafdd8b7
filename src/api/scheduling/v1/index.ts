import type { ResourceDef } from '../../resource.js';
import { priorityclasses } from './priorityclasses.js';

// Every ResourceDef scheduling.k8s.io/v1 serves.
export const resources: ResourceDef<any>[] = [priorityclasses];
