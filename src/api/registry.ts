// Every resource the API server serves. Adding a resource: declare its ResourceDef in its
// group/version folder and list it in that folder's `resources`; nothing else changes.
import type { ResourceDef } from './resource.js';
import { resources as coreWorkloads } from './core/v1/workloads.js';
import { resources as coreCluster } from './core/v1/cluster.js';
import { resources as apps } from './apps/v1/index.js';
import { resources as coordination } from './coordination/v1/index.js';
import { resources as discovery } from './discovery/v1/index.js';
import { resources as scheduling } from './scheduling/v1/index.js';
import { resources as rbac } from './rbac/v1/index.js';
import { resources as authorization } from './authorization/v1/index.js';
import { resources as certificates } from './certificates/v1/index.js';
import { resources as authentication } from './authentication/v1/index.js';
import { resources as policy } from './policy/v1/index.js';

export function allResources(): ResourceDef<any>[] {
  return [...coreCluster, ...coreWorkloads, ...apps, ...coordination, ...discovery, ...scheduling, ...rbac, ...authorization, ...certificates, ...authentication, ...policy];
}
