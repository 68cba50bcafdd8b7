// A derived index kept current from one resource's watch cache: the objects are fed to add() from a
// snapshot, then every later event becomes remove(previous) + add(current). Authorizers keep their
// lookups (bindings by subject, pods by node) this way, so a decision never lists anything.
import type { KubeObject } from '../../api/resource.js';
import type { ServerContext } from '../context.js';

/** How an authorizer reaches the server's caches: built before the server, it finds them lazily. */
export type ContextAccess = () => ServerContext | undefined;

export interface ViewHandlers<T> {
  add(obj: T): void;
  remove(obj: T): void;
  /** Forget everything (before a fresh snapshot). */
  reset(): void;
}

export class CacheView<T extends KubeObject = KubeObject> {
  private unwatch: (() => void) | null = null;

  /** path is the ServerContext.byPath key: "rbac.authorization.k8s.io/v1/roles", "/v1/pods". */
  constructor(private readonly access: ContextAccess, private readonly path: string, private readonly h: ViewHandlers<T>) {}

  /** Subscribes on first use (and again after the cache dropped us); false while the resource is not served. */
  ensure(): boolean {
    if (this.unwatch) return true;
    const served = this.access()?.byPath.get(this.path);
    if (!served) return false;
    const cache = served.cache;
    // Not loaded yet (its first list replaces the contents without events): ask again next time.
    if (cache.rv === 0) return false;
    this.h.reset();
    const snap = cache.snapshot();
    for (const c of snap.items) this.h.add(c.obj as T);
    try {
      this.unwatch = cache.watch(snap.rv, {
        deliver: (ev) => {
          if (ev.prev) this.h.remove(ev.prev.obj as T);
          if (ev.type !== 'DELETED') this.h.add(ev.cur.obj as T);
        },
        // The cache reset (compaction) or is closing: subscribe afresh on next use.
        terminate: () => { this.unwatch = null; },
      });
    } catch {
      this.h.reset();
      return false;
    }
    return true;
  }

  close(): void {
    this.unwatch?.();
    this.unwatch = null;
  }
}
