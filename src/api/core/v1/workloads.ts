import type { ResourceDef } from '../../resource.js';
import { podDef } from './pod.js';
import { replicationControllerDef } from './replicationcontroller.js';
import { podTemplateDef } from './podtemplate.js';

// The core/v1 workload resources: pods, replication controllers and pod templates.
export const resources: ResourceDef<any>[] = [podDef, replicationControllerDef, podTemplateDef];
