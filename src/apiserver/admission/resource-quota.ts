// The ResourceQuota admission plugin: a create that would take a namespace past a quota's hard
// limits is refused with Kubernetes' "exceeded quota" text, and an accepted one is charged to
// status.used at once, by compare-and-swap on the quota, so a burst of creates cannot all slip
// under one stale count (Kubernetes does the same). The resource quota controller recounts later
// (objects deleted, writes that failed after admission).
//
// Updates are judged too, for the resources whose usage an update can raise, as Kubernetes'
// evaluators handle them: a Service turned NodePort or LoadBalancer, a PersistentVolumeClaim asking
// for more storage. Only the increase is requested and charged (new usage minus old, never below
// zero); an update that raises nothing passes even when the namespace is already over a quota.
import type { KubeObject } from '../../api/resource.js';
import {
  usageOf, quotaMatches, missingPodResources, mustSpecifyMessage, formatUsage, toUsage, fromUsage, sumUsage,
  resourceForQuotaName, type Usage, type GroupResource,
} from '../../api/core/v1/quota-usage.js';
import { Quantity } from '../../api/core/v1/quantity-value.js';
import { isStoreError } from '../../storage/types.js';
import type { ServerContext } from '../context.js';
import type { AdmissionPlugin } from '../auth/types.js';
import { encodeObject, clone } from '../storage/codec.js';
import { forbidden, listInNamespace, type StoredObject } from './common.js';

const MAX_ATTEMPTS = 10;
/** Resources an UPDATE can charge (pods too in Kubernetes, but only with in-place resize, which we do not serve). */
const CHARGED_ON_UPDATE = new Set(['/services', '/persistentvolumeclaims']);

/** What the update adds: new minus old per name, the names that did not grow left out. */
function increase(next: Usage, prev: Usage): Usage {
  const out: Usage = new Map();
  for (const [k, v] of next) {
    const d = v.sub(prev.get(k) ?? Quantity.fromValue(0));
    if (d.sign() > 0) out.set(k, d);
  }
  return out;
}

interface QuotaShape extends KubeObject {
  spec?: { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

/** The quota's use of the given names, counted now from the store (for quotas the controller has not yet counted). */
export async function countUsage(ctx: ServerContext, namespace: string, quota: KubeObject, names: string[]): Promise<Usage> {
  const byResource = new Map<string, { r: GroupResource; names: string[] }>();
  for (const n of names) {
    const r = resourceForQuotaName(n);
    if (!r) continue;
    const key = `${r.group}/${r.plural}`;
    const e = byResource.get(key) ?? { r, names: [] };
    e.names.push(n);
    byResource.set(key, e);
  }
  const used: Usage = new Map(names.map((n) => [n, Quantity.fromValue(0)]));
  for (const { r, names: ns } of byResource.values()) {
    const objs = await listInNamespace(ctx, r.group, r.plural, namespace);
    for (const [k, v] of sumUsage(r, objs.map((o) => o.obj), ns, quota)) used.set(k, v);
  }
  return used;
}

interface Charge { q: StoredObject; used: Usage }

export function resourceQuota(): AdmissionPlugin {
  return {
    name: 'ResourceQuota',
    async validate(a) {
      const def = a.resource.def;
      if (a.subresource !== '' || !def.namespaced || !a.namespace || !a.obj) return;
      const update = a.operation === 'UPDATE';
      if (a.operation !== 'CREATE' && !(update && a.old && CHARGED_ON_UPDATE.has(`${def.group}/${def.plural}`))) return;
      const r: GroupResource = { group: def.group, plural: def.plural };
      const obj = a.obj;
      const usage = update ? increase(usageOf(r, obj), usageOf(r, a.old!)) : usageOf(r, obj);
      if (!usage.size) return;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const quotas = (await listInNamespace(a.ctx, '', 'resourcequotas', a.namespace))
          .sort((x, y) => (x.obj.metadata.name ?? '').localeCompare(y.obj.metadata.name ?? ''));
        const charges: Charge[] = [];
        for (const q of quotas) {
          const quota = q.obj as QuotaShape;
          const qname = quota.metadata.name ?? '';
          const hard = toUsage(quota.spec?.hard);
          if (!hard.size || !quotaMatches(quota, r, obj)) continue;
          if (!update && r.group === '' && r.plural === 'pods') {
            const missing = missingPodResources(obj, hard.keys());
            if (missing.size) throw forbidden(a, `failed quota: ${qname}: ${mustSpecifyMessage(missing)}`);
          }
          const charged = [...usage.keys()].filter((k) => hard.has(k));
          if (!charged.length) continue;
          const recorded = toUsage(quota.status?.used);
          const used = charged.every((k) => recorded.has(k)) ? recorded : new Map([...recorded, ...await countUsage(a.ctx, a.namespace, quota, [...hard.keys()])]);
          const next: Usage = new Map(used);
          const exceeded: string[] = [];
          for (const k of charged) {
            const total = (used.get(k) ?? Quantity.fromValue(0)).add(usage.get(k)!);
            next.set(k, total);
            if (total.cmp(hard.get(k)!) > 0) exceeded.push(k);
          }
          if (exceeded.length) {
            const shownUsed: Usage = new Map(exceeded.map((k) => [k, used.get(k) ?? Quantity.fromValue(0)]));
            throw forbidden(a, `exceeded quota: ${qname}, requested: ${formatUsage(usage, exceeded)}, used: ${formatUsage(shownUsed, exceeded)}, limited: ${formatUsage(hard, exceeded)}`);
          }
          charges.push({ q, used: next });
        }
        if (a.dryRun || !charges.length) return;
        if (await charge(a.ctx, charges)) return;
      }
      throw forbidden(a, 'status unknown for quota: too many concurrent writes; try again');
    },
  };
}

/** Writes the new status.used of every quota; false when one raced (then everything is decided again). */
async function charge(ctx: ServerContext, charges: Charge[]): Promise<boolean> {
  for (const { q, used } of charges) {
    const quota = clone(q.obj) as QuotaShape;
    quota.status = { hard: { ...(quota.spec?.hard ?? {}) }, used: fromUsage(used) };
    try {
      await ctx.store.update(q.kv.key, encodeObject(quota), q.kv.modRevision);
    } catch (err) {
      if (isStoreError(err, 'Conflict') || isStoreError(err, 'NotFound')) return false;
      throw err;
    }
  }
  return true;
}
