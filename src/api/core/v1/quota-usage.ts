// What one object counts against a ResourceQuota (Kubernetes' quota evaluators): every object
// counts 1 toward count/<resource>; pods, services, PVCs and the legacy names add their own
// resources. Shared by the ResourceQuota admission plugin and the resource quota controller so
// that the charge at admission and the recount agree.
import type { KubeObject } from '../../resource.js';
import { Quantity, parseQuantityValue } from './quantity-value.js';
import { podQOSClass } from './pod-qos.js';
import type { PodSpec } from './pod-spec.js';

export type Usage = Map<string, Quantity>;
export interface GroupResource { group: string; plural: string }

/** Object-count names Kubernetes kept from before count/<resource>. */
const LEGACY_COUNTS: Record<string, string> = {
  pods: 'pods', services: 'services', configmaps: 'configmaps', secrets: 'secrets',
  persistentvolumeclaims: 'persistentvolumeclaims', replicationcontrollers: 'replicationcontrollers', resourcequotas: 'resourcequotas',
};

/** Compute resource names the pods evaluator answers for (besides pods and count/pods). */
const POD_COMPUTE = ['cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage'];
/** Resources whose use a pod's every container must declare (the pods evaluator's Constraints). */
export const POD_REQUIRED = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

export function countName(r: GroupResource): string {
  return r.group ? `count/${r.plural}.${r.group}` : `count/${r.plural}`;
}

/** The resource a quota name is about (which objects to count for it), or undefined. */
export function resourceForQuotaName(name: string): GroupResource | undefined {
  if (name.startsWith('count/')) {
    const rest = name.slice('count/'.length);
    const dot = rest.indexOf('.');
    return dot < 0 ? { group: '', plural: rest } : { group: rest.slice(dot + 1), plural: rest.slice(0, dot) };
  }
  if (LEGACY_COUNTS[name]) return { group: '', plural: LEGACY_COUNTS[name] };
  if (POD_COMPUTE.includes(name) || name.startsWith('requests.') && name !== 'requests.storage' || name.startsWith('limits.')) return { group: '', plural: 'pods' };
  if (name.startsWith('services.')) return { group: '', plural: 'services' };
  if (name === 'requests.storage' || name.endsWith('.storageclass.storage.k8s.io/requests.storage') || name.endsWith('.storageclass.storage.k8s.io/persistentvolumeclaims')) {
    return { group: '', plural: 'persistentvolumeclaims' };
  }
  return undefined;
}

function addTo(u: Usage, name: string, q: Quantity): void {
  const cur = u.get(name);
  u.set(name, cur ? cur.add(q) : q);
}

interface ContainerLike { name?: string; resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> } }

/** A pod's requests or limits: the sum over containers, at least the largest init container, plus overhead. */
function podResources(spec: PodSpec, kind: 'requests' | 'limits'): Map<string, Quantity> {
  const sum = new Map<string, Quantity>();
  for (const c of (spec.containers ?? []) as ContainerLike[]) {
    for (const [k, v] of Object.entries(c.resources?.[kind] ?? {})) {
      const q = parseQuantityValue(v);
      if (q) sum.set(k, sum.get(k)?.add(q) ?? q);
    }
  }
  for (const c of (spec.initContainers ?? []) as ContainerLike[]) {
    for (const [k, v] of Object.entries(c.resources?.[kind] ?? {})) {
      const q = parseQuantityValue(v);
      if (q && (!sum.has(k) || q.cmp(sum.get(k)!) > 0)) sum.set(k, q);
    }
  }
  const overhead = (spec as { overhead?: Record<string, string> }).overhead;
  for (const [k, v] of Object.entries(overhead ?? {})) {
    const q = parseQuantityValue(v);
    if (q && sum.has(k)) sum.set(k, sum.get(k)!.add(q));
  }
  return sum;
}

/** Succeeded and Failed pods no longer hold quota. */
export function podIsTerminal(pod: KubeObject): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** What the object uses, by quota resource name (every name it could be charged under). */
export function usageOf(r: GroupResource, obj: KubeObject): Usage {
  const u: Usage = new Map();
  const one = Quantity.fromValue(1);
  const isCore = r.group === '';
  if (isCore && r.plural === 'pods' && podIsTerminal(obj)) return u;
  u.set(countName(r), one);
  if (isCore && LEGACY_COUNTS[r.plural]) u.set(LEGACY_COUNTS[r.plural], one);
  if (isCore && r.plural === 'pods') {
    const spec = (obj.spec ?? {}) as PodSpec;
    for (const [k, q] of podResources(spec, 'requests')) {
      addTo(u, `requests.${k}`, q);
      if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') addTo(u, k, q);
    }
    for (const [k, q] of podResources(spec, 'limits')) addTo(u, `limits.${k}`, q);
  }
  if (isCore && r.plural === 'services') {
    const spec = (obj.spec ?? {}) as { type?: string; ports?: { nodePort?: number }[] };
    const type = spec.type ?? 'ClusterIP';
    if (type === 'LoadBalancer') u.set('services.loadbalancers', one);
    if (type === 'NodePort' || type === 'LoadBalancer') u.set('services.nodeports', Quantity.fromValue((spec.ports ?? []).length));
  }
  if (isCore && r.plural === 'persistentvolumeclaims') {
    const spec = (obj.spec ?? {}) as { resources?: { requests?: Record<string, string> }; storageClassName?: string };
    const storage = parseQuantityValue(spec.resources?.requests?.storage);
    if (storage) u.set('requests.storage', storage);
    if (spec.storageClassName) {
      u.set(`${spec.storageClassName}.storageclass.storage.k8s.io/persistentvolumeclaims`, one);
      if (storage) u.set(`${spec.storageClassName}.storageclass.storage.k8s.io/requests.storage`, storage);
    }
  }
  return u;
}

/**
 * The quota's pod scopes (Terminating, NotTerminating, BestEffort, NotBestEffort and a
 * PriorityClass scopeSelector): whether it tracks this object. Scoped quotas track only pods.
 */
export function quotaMatches(quota: KubeObject, r: GroupResource, obj: KubeObject): boolean {
  const spec = (quota.spec ?? {}) as { scopes?: string[]; scopeSelector?: { matchExpressions?: { scopeName: string; operator: string; values?: string[] }[] } };
  const scopes = [...(spec.scopes ?? []).map((s) => ({ scopeName: s, operator: 'Exists', values: [] as string[] })), ...(spec.scopeSelector?.matchExpressions ?? [])];
  if (!scopes.length) return true;
  if (!(r.group === '' && r.plural === 'pods')) return false;
  const pod = (obj.spec ?? {}) as PodSpec & { activeDeadlineSeconds?: number; priorityClassName?: string };
  return scopes.every((s) => {
    let hit: boolean;
    switch (s.scopeName) {
      case 'Terminating': hit = pod.activeDeadlineSeconds != null && pod.activeDeadlineSeconds >= 0; break;
      case 'NotTerminating': hit = !(pod.activeDeadlineSeconds != null && pod.activeDeadlineSeconds >= 0); break;
      case 'BestEffort': hit = podQOSClass(pod) === 'BestEffort'; break;
      case 'NotBestEffort': hit = podQOSClass(pod) !== 'BestEffort'; break;
      case 'PriorityClass': {
        const pc = pod.priorityClassName ?? '';
        if (s.operator === 'Exists') return pc !== '';
        if (s.operator === 'DoesNotExist') return pc === '';
        const inList = (s.values ?? []).includes(pc);
        return s.operator === 'NotIn' ? !inList : inList;
      }
      default: return false;
    }
    return s.operator === 'DoesNotExist' ? !hit : hit;
  });
}

/** The containers that leave a required compute resource undeclared, by resource ("must specify ..."). */
export function missingPodResources(pod: KubeObject, required: Iterable<string>): Map<string, string[]> {
  const need = [...required].filter((n) => POD_REQUIRED.has(n));
  const missing = new Map<string, string[]>();
  if (!need.length) return missing;
  const spec = (pod.spec ?? {}) as PodSpec;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as ContainerLike[]) {
    const has = new Set<string>();
    for (const k of Object.keys(c.resources?.requests ?? {})) { has.add(`requests.${k}`); has.add(k); }
    for (const k of Object.keys(c.resources?.limits ?? {})) has.add(`limits.${k}`);
    for (const n of need) {
      if (has.has(n)) continue;
      const list = missing.get(n) ?? [];
      if (!list.includes(c.name ?? '')) list.push(c.name ?? '');
      missing.set(n, list);
    }
  }
  return missing;
}

/** Kubernetes' "must specify limits.cpu for: a,b; requests.memory for: a". */
export function mustSpecifyMessage(missing: Map<string, string[]>): string {
  return 'must specify ' + [...missing.keys()].sort().map((k) => `${k} for: ${[...missing.get(k)!].sort().join(',')}`).join('; ');
}

/** "cpu=1,pods=2": Kubernetes' prettyPrint of a resource list (sorted names). */
export function formatUsage(u: Map<string, Quantity | string>, names?: Iterable<string>): string {
  const keys = [...(names ?? u.keys())].sort();
  return keys.map((k) => `${k}=${u.get(k)?.toString() ?? '0'}`).join(',');
}

export function toUsage(list: Record<string, string | number> | undefined): Usage {
  const u: Usage = new Map();
  for (const [k, v] of Object.entries(list ?? {})) {
    const q = parseQuantityValue(v);
    if (q) u.set(k, q);
  }
  return u;
}

export function fromUsage(u: Usage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...u.keys()].sort()) out[k] = u.get(k)!.toString();
  return out;
}

/** The usage of many objects, restricted to the quota's names (absent names are 0). */
export function sumUsage(r: GroupResource, objs: KubeObject[], names: string[], quota?: KubeObject): Usage {
  const total: Usage = new Map(names.map((n) => [n, Quantity.fromValue(0)]));
  for (const o of objs) {
    if (quota && !quotaMatches(quota, r, o)) continue;
    for (const [k, q] of usageOf(r, o)) if (total.has(k)) addTo(total, k, q);
  }
  return total;
}
