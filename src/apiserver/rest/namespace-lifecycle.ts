// The NamespaceLifecycle admission rule: namespaced objects are created only in a namespace that
// exists and is not being terminated.
import type { ServerContext, ServedResource } from '../context.js';
import { errors } from '../../machinery/errors.js';
import { objectKey } from '../storage/keys.js';
import { decodeKv } from '../storage/codec.js';

/** Objects that a terminating namespace's controller itself still writes (Kubernetes exempts events' owners too). */
const ALLOWED_WHILE_TERMINATING = new Set(['events', 'events.events.k8s.io']);

export async function checkNamespaceForCreate(ctx: ServerContext, r: ServedResource, namespace: string, name = ''): Promise<void> {
  const ns = ctx.namespaces;
  if (!ns || !r.def.namespaced) return;
  // The cache answers for namespaces almost always; the store is the truth when it lags.
  let obj = ns.cache.get(objectKey(ns.def, undefined, namespace))?.obj;
  if (!obj) {
    const got = await ctx.store.get(objectKey(ns.def, undefined, namespace));
    if (!got.kv) throw errors.notFound('namespaces', namespace);
    obj = decodeKv(got.kv);
  }
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  if ((obj.metadata.deletionTimestamp || phase === 'Terminating') && !ALLOWED_WHILE_TERMINATING.has(r.qualified)) {
    throw errors.forbidden(`${r.qualified} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`);
  }
}
