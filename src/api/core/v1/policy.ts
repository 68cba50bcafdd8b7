// core/v1 LimitRange and ResourceQuota: the per-namespace resource policy that the LimitRanger and
// ResourceQuota admission plugins enforce. Field numbers are those of k8s.io/api/core/v1/generated.proto.
import { type Static, opt, req, str, quantityMap, atomicList, object } from '../../schema.js';
import type { KubeObject, ResourceDef } from '../../resource.js';
import { use } from '../../meta/v1/types.js';
import { CORE, kindObject } from './common.js';
import { age } from '../../printers/age.js';

export const LimitRangeItem = object(`${CORE}.LimitRangeItem`, {
  type: req(1, str({ description: 'Type of resource that this limit applies to ("Container", "Pod", "PersistentVolumeClaim").' })),
  max: opt(2, quantityMap()),
  min: opt(3, quantityMap()),
  default: opt(4, quantityMap()),
  defaultRequest: opt(5, quantityMap()),
  maxLimitRequestRatio: opt(6, quantityMap()),
}, 'LimitRangeItem defines a min/max usage limit for any resource that matches on kind.');
export type LimitRangeItem = Static<typeof LimitRangeItem>;

export const LimitRangeSpec = object(`${CORE}.LimitRangeSpec`, {
  limits: req(1, atomicList(use(LimitRangeItem))),
}, 'LimitRangeSpec defines a min/max usage limit for resources that match on kind.');

export const LimitRangeSchema = kindObject(`${CORE}.LimitRange`, { group: '', version: 'v1', kind: 'LimitRange' }, {
  spec: opt(2, use(LimitRangeSpec)),
}, 'LimitRange sets resource usage limits for each kind of resource in a Namespace.');
export type LimitRange = Static<typeof LimitRangeSchema> & KubeObject;

/**
 * SetDefaults_LimitRangeItem for Container items: a missing default limit is the max, a missing
 * default request is the default limit, else the min.
 */
export function defaultLimitRange(lr: LimitRange): void {
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    for (const [k, v] of Object.entries(item.max ?? {})) {
      if ((item.default ??= {})[k] === undefined) item.default[k] = v;
    }
    for (const [k, v] of Object.entries(item.default ?? {})) {
      if ((item.defaultRequest ??= {})[k] === undefined) item.defaultRequest[k] = v;
    }
    for (const [k, v] of Object.entries(item.min ?? {})) {
      if ((item.defaultRequest ??= {})[k] === undefined) item.defaultRequest[k] = v;
    }
    if (item.default && !Object.keys(item.default).length) delete item.default;
    if (item.defaultRequest && !Object.keys(item.defaultRequest).length) delete item.defaultRequest;
  }
}

export const limitranges: ResourceDef<LimitRange> = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  listKind: 'LimitRangeList',
  plural: 'limitranges',
  singular: 'limitrange',
  namespaced: true,
  shortNames: ['limits'],
  schema: LimitRangeSchema,
  defaults: defaultLimitRange,
  table: {
    columns: [
      { name: 'Created At', type: 'date', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
    ],
    cells: (lr) => [lr.metadata.creationTimestamp ?? ''],
  },
  description: 'LimitRange sets resource usage limits for each kind of resource in a Namespace.',
};

export const ScopedResourceSelectorRequirement = object(`${CORE}.ScopedResourceSelectorRequirement`, {
  scopeName: req(1, str()),
  operator: req(2, str()),
  values: opt(3, atomicList(str())),
}, 'A scoped-resource selector requirement is a selector that contains values, a scope name, and an operator that relates the scope name and values.');

export const ScopeSelector = object(`${CORE}.ScopeSelector`, {
  matchExpressions: opt(1, atomicList(use(ScopedResourceSelectorRequirement))),
}, 'A scope selector represents the AND of the selectors represented by the scoped-resource selector requirements.');

export const ResourceQuotaSpec = object(`${CORE}.ResourceQuotaSpec`, {
  hard: opt(1, quantityMap()),
  scopes: opt(2, atomicList(str())),
  scopeSelector: opt(3, use(ScopeSelector)),
}, 'ResourceQuotaSpec defines the desired hard limits to enforce for Quota.');

export const ResourceQuotaStatus = object(`${CORE}.ResourceQuotaStatus`, {
  hard: opt(1, quantityMap()),
  used: opt(2, quantityMap()),
}, 'ResourceQuotaStatus defines the enforced hard limits and observed use.');

export const ResourceQuotaSchema = kindObject(`${CORE}.ResourceQuota`, { group: '', version: 'v1', kind: 'ResourceQuota' }, {
  spec: opt(2, use(ResourceQuotaSpec)),
  status: opt(3, use(ResourceQuotaStatus)),
}, 'ResourceQuota sets aggregate quota restrictions enforced per namespace');
export type ResourceQuota = Static<typeof ResourceQuotaSchema> & KubeObject;

/** kubectl's REQUEST and LIMIT columns: "pods: 1/10, requests.cpu: 0/1" (limits.* go to LIMIT). */
function quotaCells(q: ResourceQuota): [string, string] {
  const hard = q.status?.hard ?? q.spec?.hard ?? {};
  const used = q.status?.used ?? {};
  const req: string[] = [];
  const lim: string[] = [];
  for (const k of Object.keys(hard).sort()) {
    const cell = `${k}: ${used[k] ?? '0'}/${hard[k]}`;
    (k.startsWith('limits.') ? lim : req).push(cell);
  }
  return [req.join(', '), lim.join(', ')];
}

export const resourcequotas: ResourceDef<ResourceQuota> = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  listKind: 'ResourceQuotaList',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  namespaced: true,
  shortNames: ['quota'],
  schema: ResourceQuotaSchema,
  subresources: { status: true },
  table: {
    columns: [
      { name: 'Age', type: 'string', priority: 0, description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'Request', type: 'string', priority: 0, description: 'Request represents a minimum amount of cpu/memory that a container may consume.' },
      { name: 'Limit', type: 'string', priority: 0, description: 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.' },
    ],
    cells: (q, now) => [age(q.metadata.creationTimestamp, now), ...quotaCells(q)],
  },
  description: 'ResourceQuota sets aggregate quota restrictions enforced per namespace',
};


