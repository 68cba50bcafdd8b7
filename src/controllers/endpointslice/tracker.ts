// Kubernetes' endpointSliceTracker, reduced to what a level-triggered sync needs: the slices this
// controller just wrote, with the resourceVersion it got back (or "deleted"). Until the informer
// cache shows at least those versions the cache is stale for that Service, and a sync acting on
// it could create the same slice twice, so the sync waits instead.
import type { KubeObject } from '../../api/resource.js';

export class SliceTracker {
  private written = new Map<string, Map<string, string | null>>();

  wrote(svcKey: string, slice: KubeObject): void {
    this.entry(svcKey).set(slice.metadata.name!, slice.metadata.resourceVersion ?? '0');
  }

  deleted(svcKey: string, name: string): void {
    this.entry(svcKey).set(name, null);
  }

  /** True when the cached slices do not yet reflect our writes; entries that have been caught up are dropped. */
  stale(svcKey: string, cached: Map<string, KubeObject>): boolean {
    const e = this.written.get(svcKey);
    if (!e) return false;
    for (const [name, rv] of e) {
      const c = cached.get(name);
      const caughtUp = rv === null ? !c : !!c && Number(c.metadata.resourceVersion ?? 0) >= Number(rv);
      if (caughtUp) e.delete(name);
    }
    if (!e.size) this.written.delete(svcKey);
    return e.size > 0;
  }

  forget(svcKey: string): void {
    this.written.delete(svcKey);
  }

  private entry(svcKey: string): Map<string, string | null> {
    let e = this.written.get(svcKey);
    if (!e) this.written.set(svcKey, (e = new Map()));
    return e;
  }
}
