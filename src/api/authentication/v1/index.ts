import type { ResourceDef } from '../../resource.js';
import { tokenreviews, selfsubjectreviews, selfsubjectreviewsV1beta1 } from './resources.js';

export * from './types.js';
export { tokenreviews, selfsubjectreviews, selfsubjectreviewsV1beta1 } from './resources.js';

// Every ResourceDef authentication.k8s.io serves (v1, and v1beta1 SelfSubjectReview for older kubectl).
export const resources: ResourceDef<any>[] = [tokenreviews, selfsubjectreviews, selfsubjectreviewsV1beta1];
