// The namespaces every cluster has from its first moment, created when the server starts.
import type { KubeObject } from '../../api/resource.js';
import type { RequestContext, ServerContext } from '../context.js';
import { isStoreError } from '../../storage/types.js';
import { ApiError } from '../../machinery/errors.js';
import { createObject, updateObject } from './writes.js';
import { errors } from '../../machinery/errors.js';
import { clone } from '../storage/codec.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function bootstrapNamespaces(ctx: ServerContext, names: string[]): Promise<void> {
  const r = ctx.namespaces;
  if (!r) return;
  for (const name of names) {
    const obj: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: {} };
    // createObject needs only the resource and context; no HTTP exchange is involved.
    const rc = { ctx, r, warnings: [], query: new URLSearchParams() } as unknown as RequestContext;
    try {
      await createObject(rc, obj, { dryRun: false, fieldManager: 'k8ts-apiserver' });
      ctx.log('created namespace', { name });
    } catch (err) {
      if (err instanceof ApiError && err.reason === 'AlreadyExists') continue;
      if (isStoreError(err, 'Exists')) continue;
      throw err;
    }
  }
}

/** Create-or-update for the server's own objects (the kubernetes Service...), through the REST rules. */
export async function writeObject(ctx: ServerContext, obj: KubeObject): Promise<KubeObject> {
  const r = ctx.byKind.get(`${obj.apiVersion}/${obj.kind}`);
  if (!r) throw errors.badRequest(`no resource serves ${obj.apiVersion}/${obj.kind}`);
  const rc = { ctx, r, warnings: [], query: new URLSearchParams(), namespace: r.def.namespaced ? obj.metadata.namespace : undefined } as unknown as RequestContext;
  const o = { dryRun: false, fieldManager: 'k8ts-apiserver' };
  const res = await updateObject(rc, {
    name: obj.metadata.name!,
    mutate: (cur) => {
      const next = clone(obj);
      // Keep what others added (labels, allocated fields the hooks keep) by starting from the stored spec.
      next.metadata = { ...cur.metadata, ...next.metadata, resourceVersion: undefined };
      return next;
    },
    createIfMissing: async () => clone(obj),
  }, o);
  return res.obj;
}
