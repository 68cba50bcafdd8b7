// Reading the objects a service account token names (its ServiceAccount, bound Pod, Secret or
// Node): from the server's watch cache when the server context is known, else from the store.
// The cache may lag a write by a moment, so a miss there is checked against the store (the
// "live lookup" Kubernetes' token authenticator and admission plugin fall back to).
import type { KubeObject } from '../../api/resource.js';
import type { Store } from '../../storage/types.js';
import type { ServerContext } from '../context.js';
import { decodeKv } from '../storage/codec.js';
import { objectKey } from '../storage/keys.js';

export type TokenObjectKind = 'serviceaccounts' | 'pods' | 'secrets' | 'nodes';

export interface ObjectReader {
  get(resource: TokenObjectKind, namespace: string | undefined, name: string): Promise<KubeObject | undefined>;
}

const DEFS: Record<TokenObjectKind, { group: string; plural: string; namespaced: boolean }> = {
  serviceaccounts: { group: '', plural: 'serviceaccounts', namespaced: true },
  pods: { group: '', plural: 'pods', namespaced: true },
  secrets: { group: '', plural: 'secrets', namespaced: true },
  nodes: { group: '', plural: 'nodes', namespaced: false },
};

export function storeObjects(store: Store): ObjectReader {
  return {
    async get(resource, namespace, name) {
      const def = DEFS[resource];
      const kv = (await store.get(objectKey(def, def.namespaced ? namespace : undefined, name))).kv;
      return kv ? decodeKv(kv) : undefined;
    },
  };
}

export function serverObjects(ctx: ServerContext): ObjectReader {
  const live = storeObjects(ctx.store);
  return {
    async get(resource, namespace, name) {
      const def = DEFS[resource];
      const served = ctx.byPath.get(`/v1/${resource}`);
      const hit = served?.cache.get(objectKey(def, def.namespaced ? namespace : undefined, name));
      return hit ? hit.obj : live.get(resource, namespace, name);
    },
  };
}
