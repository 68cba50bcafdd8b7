// The resource quota controller: keeps each ResourceQuota's status (hard = spec.hard, used = what
// the namespace holds now). Level-triggered: any change to a quota or to an object it counts
// enqueues the namespace's quotas, and every quota is recounted each sync period regardless, so a
// charge made at admission for a write that then failed, or an object deleted, is set right.
import type { KubeObject } from '../../api/resource.js';
import { resourceForQuotaName, sumUsage, fromUsage, toUsage, type GroupResource } from '../../api/core/v1/quota-usage.js';
import { isNotFound, resourceRef, type ResourceRef } from '../../client/rest.js';
import { DeletedFinalStateUnknown } from '../../client/informer/relist.js';
import { NAMESPACE_INDEX, namespaceIndex } from '../../client/informer/store.js';
import type { SharedInformer } from '../../client/informer/shared-informer.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController, every } from '../base/queue-controller.js';
import { discoverResources } from '../base/discovery.js';

export const RESOURCEQUOTAS = resourceRef('', 'v1', 'resourcequotas');
/** Kubernetes' --resource-quota-sync-period default. */
export const DEFAULT_QUOTA_SYNC_PERIOD_MS = 5 * 60 * 1000;

/** The core resources watched through informers (the ones quotas count most); others are listed per sync. */
const WATCHED = ['pods', 'services', 'configmaps', 'secrets', 'replicationcontrollers', 'resourcequotas'];

interface QuotaObject extends KubeObject {
  spec?: { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

function sameList(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const x = toUsage(a);
  const y = toUsage(b);
  if (x.size !== y.size) return false;
  for (const [k, v] of x) if (!y.get(k)?.equals(v)) return false;
  return true;
}

export function createResourceQuotaController(ctx: ControllerContext): Controller {
  const name = 'resourcequota';
  const queue = newQueue(ctx, name);
  const periodMs = (ctx.options.resourceQuotaSyncPeriodMs as number | undefined) ?? DEFAULT_QUOTA_SYNC_PERIOD_MS;
  const informers = new Map<string, SharedInformer<KubeObject>>();
  for (const plural of WATCHED) {
    informers.set(plural, ctx.informers.informerFor<KubeObject>(resourceRef('', 'v1', plural), { indexers: { [NAMESPACE_INDEX]: namespaceIndex } }));
  }
  const quotas = informers.get('resourcequotas')! as SharedInformer<QuotaObject>;
  const keyOf = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  const enqueueNamespace = (obj: KubeObject | DeletedFinalStateUnknown<KubeObject>) => {
    const o = obj instanceof DeletedFinalStateUnknown ? obj.obj : obj;
    const ns = o.metadata.namespace;
    if (!ns) return;
    for (const q of quotas.indexer.byIndex(NAMESPACE_INDEX, ns)) queue.add(keyOf(q));
  };
  quotas.addEventHandler({ onAdd: (q) => queue.add(keyOf(q)), onUpdate: (_o, q) => queue.add(keyOf(q)) });
  for (const [plural, inf] of informers) {
    if (plural === 'resourcequotas') continue;
    inf.addEventHandler({ onAdd: enqueueNamespace, onUpdate: (_o, n) => enqueueNamespace(n), onDelete: enqueueNamespace });
  }

  // Versions of resources counted by count/<resource>.<group>, from discovery (refreshed on a miss).
  let versions = new Map<string, ResourceRef>();
  async function refFor(r: GroupResource): Promise<ResourceRef | undefined> {
    const k = `${r.group}/${r.plural}`;
    if (!versions.has(k)) {
      const found = await discoverResources(ctx.client);
      versions = new Map(found.resources.filter((d) => d.namespaced).map((d) => [`${d.group}/${d.plural}`, d]));
    }
    return versions.get(k);
  }

  async function objectsOf(r: GroupResource, namespace: string): Promise<KubeObject[]> {
    if (r.group === '' && informers.has(r.plural)) return informers.get(r.plural)!.indexer.byIndex(NAMESPACE_INDEX, namespace);
    const ref = await refFor(r);
    if (!ref) return []; // not served: nothing of it can exist
    try {
      return (await ctx.client.listAll<KubeObject>(ref, { namespace })).items;
    } catch (err) {
      if (isNotFound(err)) return [];
      throw err;
    }
  }

  async function sync(key: string): Promise<void> {
    const [namespace, qname] = key.split('/');
    const quota = quotas.indexer.get(namespace, qname);
    if (!quota || quota.metadata.deletionTimestamp) return;
    const hard = quota.spec?.hard ?? {};
    const names = Object.keys(hard);
    const byResource = new Map<string, { r: GroupResource; names: string[] }>();
    for (const n of names) {
      const r = resourceForQuotaName(n);
      if (!r) continue;
      const e = byResource.get(`${r.group}/${r.plural}`) ?? { r, names: [] };
      e.names.push(n);
      byResource.set(`${r.group}/${r.plural}`, e);
    }
    const used: Record<string, string> = Object.fromEntries(names.map((n) => [n, '0']));
    for (const { r, names: ns } of byResource.values()) {
      Object.assign(used, fromUsage(sumUsage(r, await objectsOf(r, namespace), ns, quota)));
    }
    if (sameList(quota.status?.hard, hard) && sameList(quota.status?.used, used)) return;
    try {
      await ctx.client.updateStatus(RESOURCEQUOTAS, { ...quota, status: { hard: { ...hard }, used } } as KubeObject, { namespace });
      ctx.log('quota usage recounted', { namespace, name: qname, used });
    } catch (err) {
      if (isNotFound(err)) return;
      // A conflict means admission charged the quota meanwhile: the requeue counts again from the new state.
      throw err;
    }
  }

  return queueController({
    name, ctx, queue, informers: () => [...informers.values()], sync,
    onSynced: (signal) => every(ctx, periodMs, () => { for (const q of quotas.indexer.list()) queue.add(keyOf(q)); }, signal),
  });
}
