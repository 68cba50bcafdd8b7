// Client-side API discovery, as the namespace controller and the garbage collector use it: read
// /api and /apis, then each group's preferred version, and list the resources (not subresources)
// with their verbs. A group version that fails is reported, not fatal: the rest still works.
import type { RestClient, ResourceRef } from '../../client/rest.js';

export interface DiscoveredResource extends ResourceRef {
  kind: string;
  verbs: string[];
  /** "apps/v1" or "v1". */
  groupVersion: string;
}

export interface DiscoveryResult {
  resources: DiscoveredResource[];
  /** groupVersion -> error message, for the versions that could not be read. */
  failed: Map<string, string>;
}

interface ApiResourceList {
  groupVersion?: string;
  resources?: { name: string; namespaced: boolean; kind: string; verbs?: string[] }[];
}
interface ApiGroupList {
  groups?: { name: string; preferredVersion?: { groupVersion: string; version: string }; versions?: { groupVersion: string; version: string }[] }[];
}

export async function discoverResources(client: RestClient, signal?: AbortSignal): Promise<DiscoveryResult> {
  const failed = new Map<string, string>();
  const versions: { group: string; version: string; path: string; gv: string }[] = [];
  const core = await client.request<{ versions?: string[] }>('GET', '/api', { signal });
  for (const v of core.versions ?? []) versions.push({ group: '', version: v, path: `/api/${v}`, gv: v });
  const groups = await client.request<ApiGroupList>('GET', '/apis', { signal });
  for (const g of groups.groups ?? []) {
    const pv = g.preferredVersion ?? g.versions?.[0];
    if (pv) versions.push({ group: g.name, version: pv.version, path: `/apis/${pv.groupVersion}`, gv: pv.groupVersion });
  }
  const resources: DiscoveredResource[] = [];
  await Promise.all(versions.map(async (v) => {
    try {
      const list = await client.request<ApiResourceList>('GET', v.path, { signal });
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) continue; // subresource
        resources.push({ group: v.group, version: v.version, plural: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? [], groupVersion: v.gv });
      }
    } catch (err) {
      failed.set(v.gv, (err as Error).message);
    }
  }));
  resources.sort((a, b) => (a.group + '/' + a.plural < b.group + '/' + b.plural ? -1 : 1));
  return { resources, failed };
}

/** "pods" for core, "deployments.apps" otherwise (Kubernetes' GroupResource string). */
export function groupResource(r: Pick<ResourceRef, 'group' | 'plural'>): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}
