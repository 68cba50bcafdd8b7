// The subresources each resource serves, as discovery lists them ("pods/status", "pods/binding",
// "deployments/scale"). Declared ones come from the ResourceDef; the pod's streaming and eviction
// subresources are served by the API server itself for core/v1 pods, and listed only when enabled:
// kubectl drain uses the Eviction API exactly when discovery lists pods/eviction (and deletes
// pods otherwise), so advertising a subresource the server does not serve breaks commands.
import type { ResourceDef } from '../../api/resource.js';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface SubresourceInfo {
  name: string; // "status", "scale", "binding", "log"...
  /** What the subresource's body is (Pod for pods/status, autoscaling/v1 Scale for scale). */
  responseKind: GroupVersionKind;
  verbs: string[];
}

export const DEFAULT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function verbsOf(def: ResourceDef): string[] {
  return [...(def.verbs ?? DEFAULT_VERBS)].sort();
}

/** Served by the server's own handlers for core/v1 pods (logs, exec, attach, port-forward, drain). */
export const POD_SUBRESOURCES: SubresourceInfo[] = [
  { name: 'attach', responseKind: { group: '', version: 'v1', kind: 'PodAttachOptions' }, verbs: ['create', 'get'] },
  { name: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
  { name: 'exec', responseKind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'] },
  { name: 'log', responseKind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'] },
  { name: 'portforward', responseKind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' }, verbs: ['create', 'get'] },
];

export type PodSubresource = 'attach' | 'eviction' | 'exec' | 'log' | 'portforward';

/** What the server serves today besides declared subresources; pass more as handlers land. */
export const DEFAULT_POD_SUBRESOURCES: readonly PodSubresource[] = ['attach', 'exec', 'log', 'portforward'];

export function subresourcesOf(def: ResourceDef, podSubresources: readonly string[] = DEFAULT_POD_SUBRESOURCES): SubresourceInfo[] {
  const own: GroupVersionKind = { group: def.group, version: def.version, kind: def.kind };
  const out: SubresourceInfo[] = [];
  const sub = def.subresources ?? {};
  if (sub.binding) out.push({ name: 'binding', responseKind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] });
  if (sub.scale) out.push({ name: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  if (sub.status) out.push({ name: 'status', responseKind: own, verbs: ['get', 'patch', 'update'] });
  if (def.group === '' && def.version === 'v1' && def.plural === 'pods') out.push(...POD_SUBRESOURCES.filter((x) => podSubresources.includes(x.name)));
  // serviceaccounts/token: TokenRequest (src/apiserver/serviceaccount/token-request.ts).
  if (def.group === '' && def.version === 'v1' && def.plural === 'serviceaccounts') out.push({ name: 'token', responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
