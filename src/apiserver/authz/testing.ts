// TEST HELPER: a stand-in for the server's watch caches, holding given objects, so the authorizers'
// indexes can be unit-tested without a store. emit() delivers an event as the watch cache would.
import type { KubeObject } from '../../api/resource.js';
import type { ServerContext } from '../context.js';
import type { CacheEvent, CacheWatcher } from '../watchcache/cache.js';
import type { ContextAccess } from './cache-view.js';

export interface TestCaches {
  access: ContextAccess;
  emit(path: string, type: CacheEvent['type'], obj: KubeObject, prev?: KubeObject): void;
}

export function testCaches(objects: Record<string, KubeObject[]>): TestCaches {
  const items = new Map(Object.entries(objects).map(([p, objs]) => [p, new Map(objs.map((o) => [keyOf(o), o]))]));
  const watchers = new Map<string, Set<CacheWatcher>>();
  let rv = 1;
  const byPath = new Map<string, unknown>();
  const served = (path: string) => ({
    cache: {
      get rv() { return rv; },
      snapshot: () => ({ items: [...(items.get(path)?.values() ?? [])].map((obj) => ({ key: keyOf(obj), obj, rv })), rv }),
      watch: (_from: number, w: CacheWatcher) => {
        let s = watchers.get(path);
        if (!s) watchers.set(path, (s = new Set()));
        s.add(w);
        return () => { s!.delete(w); };
      },
    },
  });
  for (const p of ['/v1/pods', 'rbac.authorization.k8s.io/v1/roles', 'rbac.authorization.k8s.io/v1/clusterroles', 'rbac.authorization.k8s.io/v1/rolebindings', 'rbac.authorization.k8s.io/v1/clusterrolebindings']) {
    byPath.set(p, served(p));
  }
  const ctx = { byPath } as unknown as ServerContext;
  return {
    access: () => ctx,
    emit(path, type, obj, prev) {
      rv++;
      const m = items.get(path) ?? new Map<string, KubeObject>();
      items.set(path, m);
      if (type === 'DELETED') m.delete(keyOf(obj)); else m.set(keyOf(obj), obj);
      const ev = { type, key: keyOf(obj), rv, cur: { key: keyOf(obj), obj, rv }, prev: prev ? { key: keyOf(prev), obj: prev, rv: rv - 1 } : null, at: 0 } as CacheEvent;
      for (const w of watchers.get(path) ?? []) w.deliver(ev);
    },
  };
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
