// The discovery documents, legacy (APIVersions, APIGroupList, APIGroup, APIResourceList) and
// aggregated (APIGroupDiscoveryList, apidiscovery.k8s.io v2 and v2beta1: the same JSON shape).
import type { ResourceDef } from '../../api/resource.js';
import type { ApiGroup, GroupVersionResources } from './groups.js';
import { subresourcesOf, verbsOf } from './subresources.js';

export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupVersionRef(gv: GroupVersionResources) {
  return { groupVersion: gv.groupVersion, version: gv.version };
}

export function apiGroup(group: ApiGroup) {
  return {
    name: group.name,
    versions: group.versions.map(groupVersionRef),
    preferredVersion: groupVersionRef(group.versions[0]),
  };
}

export function apiGroupList(groups: ApiGroup[]) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(apiGroup) };
}

export function apiGroupDoc(group: ApiGroup) {
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

function legacyResource(def: ResourceDef) {
  const r: Record<string, unknown> = {
    name: def.plural,
    singularName: def.singular,
    namespaced: def.namespaced,
    kind: def.kind,
    verbs: verbsOf(def),
  };
  if (def.shortNames?.length) r.shortNames = def.shortNames;
  if (def.categories?.length) r.categories = def.categories;
  return r;
}

export function apiResourceList(gv: GroupVersionResources, podSubresources?: readonly string[]) {
  const resources: Record<string, unknown>[] = [];
  for (const def of gv.resources) {
    resources.push(legacyResource(def));
    for (const sub of subresourcesOf(def, podSubresources)) {
      const r: Record<string, unknown> = { name: `${def.plural}/${sub.name}`, singularName: '', namespaced: def.namespaced, kind: sub.responseKind.kind, verbs: sub.verbs };
      // Kubernetes names the group/version of a subresource only when it differs from the parent's.
      if (sub.responseKind.group !== def.group || sub.responseKind.version !== def.version) {
        r.group = sub.responseKind.group;
        r.version = sub.responseKind.version;
      }
      resources.push(r);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv.groupVersion, resources };
}

function discoveryResource(def: ResourceDef, podSubresources?: readonly string[]) {
  const r: Record<string, unknown> = {
    resource: def.plural,
    responseKind: { group: def.group, version: def.version, kind: def.kind },
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: def.singular,
    verbs: verbsOf(def),
  };
  if (def.shortNames?.length) r.shortNames = def.shortNames;
  if (def.categories?.length) r.categories = def.categories;
  const subs = subresourcesOf(def, podSubresources);
  if (subs.length) r.subresources = subs.map((s) => ({ subresource: s.name, responseKind: s.responseKind, verbs: s.verbs }));
  return r;
}

export type AggregatedVersion = 'v2' | 'v2beta1';

export function apiGroupDiscoveryList(groups: ApiGroup[], version: AggregatedVersion, podSubresources?: readonly string[]) {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.name },
      versions: g.versions.map((gv) => ({ version: gv.version, resources: gv.resources.map((r) => discoveryResource(r, podSubresources)), freshness: 'Current' })),
    })),
  };
}
