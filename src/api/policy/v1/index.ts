import type { ResourceDef } from '../../resource.js';
import { poddisruptionbudgets } from './poddisruptionbudgets.js';

export * from './types.js';
export * from './helpers.js';
export { validatePodDisruptionBudget, validatePodDisruptionBudgetStatus, poddisruptionbudgets } from './poddisruptionbudgets.js';

// Every ResourceDef policy/v1 serves (pods/eviction is served by the API server for core/v1 pods).
export const resources: ResourceDef<any>[] = [poddisruptionbudgets];
