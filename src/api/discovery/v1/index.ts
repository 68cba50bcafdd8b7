import type { ResourceDef } from '../../resource.js';

// Filled in by the API types work: every ResourceDef this group/version serves.
export const resources: ResourceDef<any>[] = [];
