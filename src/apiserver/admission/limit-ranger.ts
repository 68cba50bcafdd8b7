// The LimitRanger admission plugin: containers get the namespace's LimitRange defaults
// (default → limits, defaultRequest → requests) where they declare none, then each Container and
// Pod item's min, max and maxLimitRequestRatio is enforced, with Kubernetes' messages.
import type { KubeObject } from '../../api/resource.js';
import type { LimitRangeItem } from '../../api/core/v1/policy.js';
import { Quantity, parseQuantityValue, quantityString } from '../../api/core/v1/quantity-value.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../auth/types.js';
import { aggregate, forbidden, listInNamespace, podOf } from './common.js';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

type ResourceList = Record<string, string | number>;
interface ContainerPart { name?: string; resources?: { requests?: ResourceList; limits?: ResourceList } }
interface PodSpecPart { containers?: ContainerPart[]; initContainers?: ContainerPart[] }

async function limitItems(a: AdmissionAttributes): Promise<LimitRangeItem[]> {
  const ranges = await listInNamespace(a.ctx, '', 'limitranges', a.namespace);
  return ranges.flatMap((r) => ((r.obj.spec as { limits?: LimitRangeItem[] } | undefined)?.limits ?? []));
}

/** Fills undeclared requests and limits from Container items; returns the annotation text, or ''. */
export function applyContainerDefaults(pod: KubeObject, items: LimitRangeItem[]): string {
  const defLimits: ResourceList = {};
  const defRequests: ResourceList = {};
  for (const it of items) {
    if (it.type !== 'Container') continue;
    Object.assign(defLimits, it.default ?? {});
    Object.assign(defRequests, it.defaultRequest ?? {});
  }
  if (!Object.keys(defLimits).length && !Object.keys(defRequests).length) return '';
  const spec = (pod.spec ?? {}) as PodSpecPart;
  const notes: string[] = [];
  const merge = (c: ContainerPart, kind: string) => {
    const setReq: string[] = [];
    const setLim: string[] = [];
    for (const k of Object.keys(defLimits).sort()) {
      const limits = ((c.resources ??= {}).limits ??= {});
      if (limits[k] === undefined) { limits[k] = defLimits[k]; setLim.push(k); }
    }
    for (const k of Object.keys(defRequests).sort()) {
      const requests = ((c.resources ??= {}).requests ??= {});
      if (requests[k] === undefined) { requests[k] = defRequests[k]; setReq.push(k); }
    }
    if (c.resources?.limits && !Object.keys(c.resources.limits).length) delete c.resources.limits;
    if (c.resources?.requests && !Object.keys(c.resources.requests).length) delete c.resources.requests;
    if (setReq.length) notes.push(`${setReq.join(', ')} request for ${kind} ${c.name ?? ''}`);
    if (setLim.length) notes.push(`${setLim.join(', ')} limit for ${kind} ${c.name ?? ''}`);
  };
  for (const c of spec.containers ?? []) merge(c, 'container');
  for (const c of spec.initContainers ?? []) merge(c, 'init container');
  return notes.length ? `LimitRanger plugin set: ${notes.join('; ')}` : '';
}

function q(v: string | number | undefined): Quantity | undefined {
  return parseQuantityValue(v);
}

function minConstraint(type: string, res: string, enforced: string | number, requests: ResourceList, limits: ResourceList): string | undefined {
  const min = q(enforced)!;
  const req = q(requests[res]);
  const lim = q(limits[res]);
  if (requests[res] === undefined) return `Minimum ${res} usage per ${type} is ${quantityString(enforced)}.  No request is specified.`;
  if (req && req.cmp(min) < 0) return `Minimum ${res} usage per ${type} is ${quantityString(enforced)}, but request is ${quantityString(requests[res])}.`;
  if (lim && lim.cmp(min) < 0) return `Minimum ${res} usage per ${type} is ${quantityString(enforced)}, but limit is ${quantityString(limits[res])}.`;
  return undefined;
}

function maxConstraint(type: string, res: string, enforced: string | number, requests: ResourceList, limits: ResourceList): string | undefined {
  const max = q(enforced)!;
  const req = q(requests[res]);
  const lim = q(limits[res]);
  if (limits[res] === undefined) return `Maximum ${res} usage per ${type} is ${quantityString(enforced)}.  No limit is specified.`;
  if (lim && lim.cmp(max) > 0) return `Maximum ${res} usage per ${type} is ${quantityString(enforced)}, but limit is ${quantityString(limits[res])}.`;
  if (req && req.cmp(max) > 0) return `Maximum ${res} usage per ${type} is ${quantityString(enforced)}, but request is ${quantityString(requests[res])}.`;
  return undefined;
}

function ratioConstraint(type: string, res: string, enforced: string | number, requests: ResourceList, limits: ResourceList): string | undefined {
  const req = q(requests[res]);
  const lim = q(limits[res]);
  const shown = quantityString(enforced);
  if (!req || req.isZero()) return `${res} max limit to request ratio per ${type} is ${shown}, but no request is specified or request is 0.`;
  if (!lim || lim.isZero()) return `${res} max limit to request ratio per ${type} is ${shown}, but no limit is specified or limit is 0.`;
  const ratio = Number(lim.nanos) / Number(req.nanos);
  const max = Number(q(enforced)!.nanos) / 1e9;
  if (ratio > max) return `${res} max limit to request ratio per ${type} is ${shown}, but provided ratio is ${ratio.toFixed(6)}.`;
  return undefined;
}

/** The sum of every container's list, for the names every container declares (Kubernetes' sum()). */
function sumLists(lists: ResourceList[]): ResourceList {
  const out: ResourceList = {};
  const keys = new Set(lists.flatMap((l) => Object.keys(l)));
  for (const k of keys) {
    if (!lists.every((l) => l[k] !== undefined)) continue;
    let total = Quantity.fromValue(0);
    for (const l of lists) total = total.add(q(l[k]) ?? Quantity.fromValue(0));
    out[k] = total.toString();
  }
  return out;
}

/** Every min/max/ratio violation of the pod, in Kubernetes' order. */
export function limitViolations(pod: KubeObject, items: LimitRangeItem[]): string[] {
  const errs: string[] = [];
  const spec = (pod.spec ?? {}) as PodSpecPart;
  const check = (type: string, item: LimitRangeItem, requests: ResourceList, limits: ResourceList) => {
    for (const [k, v] of Object.entries(item.min ?? {})) { const e = minConstraint(type, k, v, requests, limits); if (e) errs.push(e); }
    for (const [k, v] of Object.entries(item.max ?? {})) { const e = maxConstraint(type, k, v, requests, limits); if (e) errs.push(e); }
    for (const [k, v] of Object.entries(item.maxLimitRequestRatio ?? {})) { const e = ratioConstraint(type, k, v, requests, limits); if (e) errs.push(e); }
  };
  for (const item of items) {
    if (item.type === 'Container') {
      for (const c of spec.containers ?? []) check('Container', item, c.resources?.requests ?? {}, c.resources?.limits ?? {});
    } else if (item.type === 'Pod') {
      const cs = spec.containers ?? [];
      check('Pod', item, sumLists(cs.map((c) => c.resources?.requests ?? {})), sumLists(cs.map((c) => c.resources?.limits ?? {})));
    }
  }
  return errs;
}

/** LimitRanger: pods at create (Kubernetes skips pod updates: containers' resources are immutable there). */
export function limitRanger(): AdmissionPlugin {
  return {
    name: 'LimitRanger',
    async admit(a) {
      const pod = podOf(a);
      if (!pod || a.operation !== 'CREATE') return;
      const note = applyContainerDefaults(pod, await limitItems(a));
      if (note) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: note };
    },
    async validate(a) {
      const pod = podOf(a);
      if (!pod || a.operation !== 'CREATE') return;
      const errs = limitViolations(pod, await limitItems(a));
      if (errs.length) throw forbidden(a, aggregate(errs));
    },
  };
}
