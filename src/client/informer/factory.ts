// One informer per resource (and selector) per process, shared by every controller that asks: a
// hundred controllers watching pods cost one list and one watch, and all see the same cache.
import type { KubeObject } from '../../api/resource.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import type { ResourceRef, RestClient, Selector } from '../rest.js';
import { SharedInformer, type SharedInformerOptions } from './shared-informer.js';
import type { IndexFunc } from './store.js';

export interface FactoryOptions {
  /** Default resync for informers made here (0 = none). */
  resyncPeriodMs?: number;
  /** Restrict every informer to one namespace. */
  namespace?: string;
  clock?: Clock;
  random?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  reflector?: SharedInformerOptions<KubeObject>['reflector'];
}

export interface InformerRequest<T> {
  labelSelector?: Selector;
  fieldSelector?: Selector;
  indexers?: Record<string, IndexFunc<T>>;
  resyncPeriodMs?: number;
}

function selectorKey(s: Selector | undefined): string {
  if (s === undefined) return '';
  return typeof s === 'string' ? s : Object.entries(s).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
}

export class SharedInformerFactory {
  private informers = new Map<string, SharedInformer<any>>();
  private readonly clock: Clock;

  constructor(readonly client: RestClient, private readonly opts: FactoryOptions = {}) {
    this.clock = opts.clock ?? realClock;
  }

  /** The process's informer for this resource and selector, created on first request. */
  informerFor<T extends KubeObject = KubeObject>(resource: ResourceRef, req: InformerRequest<T> = {}): SharedInformer<T> {
    const key = [resource.group, resource.version, resource.plural, this.opts.namespace ?? '', selectorKey(req.labelSelector), selectorKey(req.fieldSelector)].join('|');
    let inf = this.informers.get(key) as SharedInformer<T> | undefined;
    if (!inf) {
      inf = new SharedInformer<T>(this.client, resource, {
        namespace: this.opts.namespace, labelSelector: req.labelSelector, fieldSelector: req.fieldSelector,
        indexers: req.indexers, resyncPeriodMs: req.resyncPeriodMs ?? this.opts.resyncPeriodMs,
        clock: this.clock, random: this.opts.random, log: this.opts.log, reflector: this.opts.reflector,
      });
      this.informers.set(key, inf);
    } else if (req.indexers) {
      inf.addIndexers(req.indexers);
    }
    return inf;
  }

  /** Starts every informer not yet running (call again after asking for more). */
  start(): void {
    for (const inf of this.informers.values()) inf.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  /** True once every started informer has synced; false if timeoutMs passes first. */
  async waitForCacheSync(timeoutMs: number): Promise<boolean> {
    const started = [...this.informers.values()].filter((i) => i.isRunning());
    const results = await Promise.all(started.map((i) => i.waitForSync(timeoutMs)));
    return results.every(Boolean);
  }
}
