// The namespace controller: a namespace with a deletionTimestamp (phase Terminating) is emptied of
// every namespaced object; its deletion conditions say how that goes; once nothing is left the
// "kubernetes" finalizer is removed through /finalize and the API server lets the namespace go.
import type { KubeObject } from '../../api/resource.js';
import { isConflict, isNotFound } from '../../client/rest.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController } from '../base/queue-controller.js';
import { NAMESPACES } from '../base/resources.js';
import { rfc3339 } from '../base/pods.js';
import { conditionsFor, mergeConditions, type NamespaceCondition } from './conditions.js';
import { deleteAllContent } from './content.js';

export const FINALIZER_KUBERNETES = 'kubernetes';

interface NamespaceLike extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

export function createNamespaceController(ctx: ControllerContext): Controller {
  const name = 'namespace';
  const queue = newQueue(ctx, name);
  const namespaces = ctx.informers.informerFor<NamespaceLike>(NAMESPACES);
  const enqueue = (n: NamespaceLike) => { if (n.metadata.deletionTimestamp) queue.add(n.metadata.name!); };
  namespaces.addEventHandler({
    onAdd: enqueue,
    onUpdate: (_o, n) => enqueue(n),
  });

  async function sync(nsName: string): Promise<void | number> {
    const ns = namespaces.indexer.get(undefined, nsName);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(FINALIZER_KUBERNETES)) return;
    const started = Date.now();
    const report = await deleteAllContent(ctx.client, nsName, ctx.clock.now());
    const conds = mergeConditions(ns.status?.conditions ?? [], conditionsFor(report), rfc3339(ctx.clock.now()));
    let latest: NamespaceLike = ns;
    if (conds) {
      try {
        latest = await ctx.client.updateStatus<NamespaceLike>(NAMESPACES, { ...ns, status: { ...(ns.status ?? {}), conditions: conds } });
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) throw err;
      }
    }
    const pending = report.remaining.size > 0 || report.deleteFailures.length > 0 || report.discoveryFailures.size > 0;
    if (pending) {
      ctx.log('namespace still has content; will look again', { namespace: nsName, remaining: Object.fromEntries(report.remaining), failures: report.deleteFailures.length });
      // Look again when terminating pods' grace should be over (Kubernetes' estimate), at least in a second.
      return Math.min(Math.max(report.waitMs, 1000), 15_000);
    }
    const finalizers = (latest.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES);
    try {
      await ctx.client.request('PUT', `/api/v1/namespaces/${encodeURIComponent(nsName)}/finalize`, {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsName, uid: latest.metadata.uid, resourceVersion: latest.metadata.resourceVersion }, spec: { finalizers } },
      });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    ctx.log('namespace emptied and finalized', { namespace: nsName, ms: Date.now() - started });
  }

  return queueController({ name, ctx, queue, informers: () => [namespaces], sync });
}
