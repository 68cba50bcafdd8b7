// One informer: a reflector feeding an indexed cache, and handlers told about every change in the
// order the cache saw it. Handlers run synchronously after the cache is updated (so a handler that
// reads the cache sees the new state) and should only enqueue keys; one that throws is logged and
// does not disturb the others. Resync re-delivers every cached object as an update, so level-based
// controllers re-check their world even when nothing changed.
import type { KubeObject } from '../../api/resource.js';
import { realClock, type Clock } from '../../machinery/clock.js';
import type { ResourceRef, RestClient, Selector } from '../rest.js';
import { Reflector, type ReflectorOptions } from './reflector.js';
import { DeletedFinalStateUnknown, relistDiff } from './relist.js';
import { Indexer, objectKey, type IndexFunc } from './store.js';

export interface EventHandlers<T> {
  onAdd?(obj: T): void;
  /** For resyncs old and cur are the same object. */
  onUpdate?(old: T, cur: T): void;
  onDelete?(obj: T | DeletedFinalStateUnknown<T>): void;
}

export interface SharedInformerOptions<T> {
  namespace?: string;
  labelSelector?: Selector;
  fieldSelector?: Selector;
  indexers?: Record<string, IndexFunc<T>>;
  /** Re-deliver every cached object as an update this often (0 = never). */
  resyncPeriodMs?: number;
  clock?: Clock;
  random?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Passed to the reflector (page size, backoff, watch timeouts). */
  reflector?: Partial<Omit<ReflectorOptions, 'clock' | 'log' | 'random' | 'namespace' | 'labelSelector' | 'fieldSelector'>>;
}

export interface HandlerRegistration {
  remove(): void;
}

export class SharedInformer<T extends KubeObject = KubeObject> {
  readonly indexer: Indexer<T>;
  readonly reflector: Reflector<T>;
  private handlers = new Set<EventHandlers<T>>();
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private abort: AbortController | null = null;
  private running: Promise<void> | null = null;
  private resyncTimer: { cancel(): void } | null = null;
  private readonly clock: Clock;

  constructor(readonly client: RestClient, readonly resource: ResourceRef, private readonly opts: SharedInformerOptions<T> = {}) {
    this.clock = opts.clock ?? realClock;
    this.indexer = new Indexer<T>(opts.indexers);
    this.reflector = new Reflector<T>(client, resource, {
      replace: (items) => this.replace(items),
      add: (obj) => this.upsert(obj),
      update: (obj) => this.upsert(obj),
      delete: (obj) => this.remove(obj),
    }, {
      ...opts.reflector, clock: this.clock, random: opts.random, log: opts.log,
      namespace: opts.namespace, labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector,
    });
  }

  /** Handlers added after the cache has content first get an add for every cached object. */
  addEventHandler(h: EventHandlers<T>): HandlerRegistration {
    this.handlers.add(h);
    if (this.indexer.size) for (const obj of this.indexer.list()) this.call(h, 'onAdd', () => h.onAdd?.(obj));
    return { remove: () => { this.handlers.delete(h); } };
  }

  addIndexers(indexers: Record<string, IndexFunc<T>>): void {
    this.indexer.addIndexers(indexers);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once the first list is in the cache, false if the deadline (ms from now) passes first. */
  waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => { t.cancel(); resolve(true); };
      const t = this.clock.setTimeout(() => { this.syncWaiters = this.syncWaiters.filter((w) => w !== done); resolve(false); }, timeoutMs);
      this.syncWaiters.push(done);
    });
  }

  lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion();
  }

  isRunning(): boolean {
    return this.abort !== null;
  }

  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.running = this.reflector.run(abort.signal);
    this.scheduleResync();
  }

  /** Stops the reflector and resync; resolves when the reflector loop has exited. */
  async stop(): Promise<void> {
    this.abort?.abort();
    this.abort = null;
    this.resyncTimer?.cancel();
    this.resyncTimer = null;
    await this.running;
    this.running = null;
  }

  private scheduleResync(): void {
    const period = this.opts.resyncPeriodMs ?? 0;
    if (period <= 0 || !this.abort) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      if (!this.abort) return;
      if (this.synced) for (const obj of this.indexer.list()) this.dispatch('onUpdate', (h) => h.onUpdate?.(obj, obj));
      this.scheduleResync();
    }, period);
  }

  private replace(items: T[]): void {
    const cached = new Map(this.indexer.listKeys().map((k) => [k, this.indexer.getByKey(k)!] as [string, T]));
    const diff = relistDiff(cached, items);
    for (const d of diff.deleted) {
      this.indexer.deleteKey(d.key);
      this.dispatch('onDelete', (h) => h.onDelete?.(d));
    }
    for (const obj of diff.added) {
      this.indexer.set(obj);
      this.dispatch('onAdd', (h) => h.onAdd?.(obj));
    }
    for (const { old, cur } of diff.updated) {
      this.indexer.set(cur);
      this.dispatch('onUpdate', (h) => h.onUpdate?.(old, cur));
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private upsert(obj: T): void {
    const old = this.indexer.set(obj);
    if (!old) this.dispatch('onAdd', (h) => h.onAdd?.(obj));
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.dispatch('onUpdate', (h) => h.onUpdate?.(old, obj));
  }

  private remove(obj: T): void {
    // An object we never had (e.g. it left our selector before we saw it) is no news to handlers.
    const old = this.indexer.deleteKey(objectKey(obj));
    if (old) this.dispatch('onDelete', (h) => h.onDelete?.(obj));
  }

  private dispatch(what: keyof EventHandlers<T>, fn: (h: EventHandlers<T>) => void): void {
    for (const h of this.handlers) this.call(h, what, () => fn(h));
  }

  private call(_h: EventHandlers<T>, what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.opts.log?.('informer event handler threw', { resource: this.resource.plural, handler: what, err: (err as Error)?.message ?? String(err) });
    }
  }
}
