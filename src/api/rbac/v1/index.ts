import type { ResourceDef } from '../../resource.js';
import { roles, clusterroles, rolebindings, clusterrolebindings } from './resources.js';

export * from './types.js';
export { roles, clusterroles, rolebindings, clusterrolebindings } from './resources.js';
export { validatePolicyRule, validateSubject, validateBinding } from './validation.js';

// Every ResourceDef rbac.authorization.k8s.io/v1 serves.
export const resources: ResourceDef<any>[] = [clusterrolebindings, clusterroles, rolebindings, roles];
