import type { ResourceDef } from '../../resource.js';
import { namespaces } from './namespaces.js';
import { services } from './services.js';
import { endpoints } from './endpoints.js';
import { nodes } from './nodes.js';
import { events } from './events.js';
import { configmaps } from './configmaps.js';
import { secrets } from './secrets.js';
import { serviceaccounts } from './serviceaccounts.js';
import { bindings } from './bindings.js';
import { limitranges, resourcequotas } from './policy.js';

// Every core/v1 ResourceDef that is not a workload (pods, replication controllers... live in workloads.ts).
export const resources: ResourceDef<any>[] = [namespaces, services, endpoints, nodes, events, configmaps, secrets, serviceaccounts, bindings, limitranges, resourcequotas];
