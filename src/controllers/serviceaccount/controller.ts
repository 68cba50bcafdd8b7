// The service account controller: every active namespace has a "default" ServiceAccount. Namespace
// events and the deletion of a ServiceAccount enqueue the namespace; sync creates what is missing.
import type { KubeObject } from '../../api/resource.js';
import { isAlreadyExists, isApiError } from '../../client/rest.js';
import { DeletedFinalStateUnknown } from '../../client/informer/relist.js';
import type { Controller, ControllerContext } from '../context.js';
import { newQueue, queueController } from '../base/queue-controller.js';
import { NAMESPACES, SERVICEACCOUNTS } from '../base/resources.js';

/** Kubernetes' DefaultServiceAccountsControllerOptions. */
export const DEFAULT_SERVICE_ACCOUNTS = ['default'];

interface NamespaceLike extends KubeObject {
  status?: { phase?: string };
}

export function createServiceAccountController(ctx: ControllerContext): Controller {
  const name = 'serviceaccount';
  const queue = newQueue(ctx, name);
  const wanted = (ctx.options.serviceAccounts as string[] | undefined) ?? DEFAULT_SERVICE_ACCOUNTS;
  const namespaces = ctx.informers.informerFor<NamespaceLike>(NAMESPACES);
  const accounts = ctx.informers.informerFor(SERVICEACCOUNTS);
  namespaces.addEventHandler({
    onAdd: (n) => queue.add(n.metadata.name!),
    onUpdate: (_o, n) => queue.add(n.metadata.name!),
  });
  accounts.addEventHandler({
    onDelete: (sa) => {
      const o = sa instanceof DeletedFinalStateUnknown ? sa.obj : sa;
      if (o.metadata.namespace && wanted.includes(o.metadata.name!)) queue.add(o.metadata.namespace);
    },
  });

  async function sync(ns: string): Promise<void> {
    const namespace = namespaces.indexer.get(undefined, ns);
    if (!namespace || namespace.metadata.deletionTimestamp || namespace.status?.phase === 'Terminating') return;
    for (const saName of wanted) {
      if (accounts.indexer.get(ns, saName)) continue;
      try {
        await ctx.client.create(SERVICEACCOUNTS, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: saName, namespace: ns } }, { namespace: ns });
        ctx.log('created service account', { namespace: ns, name: saName });
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        // The namespace began terminating meanwhile: nothing to do.
        if (isApiError(err) && err.code === 403) return;
        throw err;
      }
    }
  }

  return queueController({ name, ctx, queue, informers: () => [namespaces, accounts], sync });
}
