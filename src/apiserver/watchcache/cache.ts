// The watch cache: ONE store watch per resource feeding an in-memory copy of the current state
// and a ring of recent events. Every HTTP watcher and every "resourceVersion=0" list is served
// from here, so a thousand watchers cost one store watch and one JSON encoding per event.
import type { Store, WatchEvent, Watch, KeyValue } from '../../storage/types.js';
import { isStoreError } from '../../storage/types.js';
import type { KubeObject } from '../../api/resource.js';
import type { Clock } from '../../machinery/clock.js';
import { decodeKv, jsonOfStored } from '../storage/codec.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One cached object; never mutated once built (readers share it). `obj` may be a getter that parses `json` on first use. */
export interface CachedObject {
  key: string;
  obj: KubeObject;
  rv: number;
  /** JSON of obj, built on first need and shared by every list and watcher. */
  json?: string;
}

export interface CacheEvent {
  type: EventType;
  key: string;
  rv: number;
  /** The object after the event (for DELETED: its last state, resourceVersion = the delete's). */
  cur: CachedObject;
  /** The object before the event (null for ADDED). */
  prev: CachedObject | null;
  at: number;
  /** Encoded watch lines, one per encoding ("json", "table:Metadata", ...), built on first need.
   *  Bytes, not strings: the same Buffer is written to every watcher, never re-encoded per socket. */
  encoded?: Map<string, Buffer>;
}

export interface CacheWatcher {
  /** Called in revision order; must not throw. */
  deliver(ev: CacheEvent): void;
  /** The cache dropped this watcher (cache reset, server closing). */
  terminate(reason: string): void;
}

export interface WatchCacheOptions {
  clock: Clock;
  /** Events older than this may be dropped once more than minEvents are kept. Default 5 min. */
  maxAgeMs?: number;
  /** Always keep at least this many recent events. Default 5000. */
  minEvents?: number;
  /** Never keep more than this many. Default 50000. */
  maxEvents?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export class TooOldError extends Error {
  constructor(readonly requested: number, readonly oldest: number) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export function objectJson(c: CachedObject): string {
  if (c.json === undefined) c.json = JSON.stringify(c.obj);
  return c.json;
}

export class WatchCache {
  private items = new Map<string, CachedObject>();
  private ring: CacheEvent[] = [];
  private ringHead = 0;
  /** Every event with rv > ringStart is in the ring. */
  private ringStart = 0;
  /** The revision the cache is current to. */
  rv = 0;
  private watchers = new Set<CacheWatcher>();
  private storeWatch: Watch | null = null;
  private closed = false;
  private startPromise: Promise<void> | null = null;
  private waiters: { rv: number; resolve: () => void }[] = [];
  private sortedKeys: string[] | null = null;
  private readonly maxAgeMs: number;
  private readonly minEvents: number;
  private readonly maxEvents: number;

  constructor(private store: Store, readonly prefix: string, private opts: WatchCacheOptions) {
    this.maxAgeMs = opts.maxAgeMs ?? 5 * 60_000;
    this.minEvents = opts.minEvents ?? 5000;
    this.maxEvents = opts.maxEvents ?? 50_000;
  }

  /** Lists the prefix and starts the store watch; idempotent. */
  start(): Promise<void> {
    if (!this.startPromise) this.startPromise = this.load();
    return this.startPromise;
  }

  private async load(): Promise<void> {
    const items = new Map<string, CachedObject>();
    let revision = 0;
    let startAfter: string | undefined;
    for (;;) {
      const page = await this.store.list(this.prefix, { limit: 5000, startAfter, revision: revision || undefined });
      revision = page.revision;
      for (const kv of page.kvs) items.set(kv.key, { key: kv.key, obj: decodeKv(kv), rv: kv.modRevision });
      if (!page.more || page.kvs.length === 0) break;
      startAfter = page.kvs[page.kvs.length - 1]!.key;
    }
    this.items = items;
    this.sortedKeys = null;
    this.ring = [];
    this.ringHead = 0;
    this.ringStart = revision;
    this.rv = revision;
    this.watchFrom(revision);
  }

  private watchFrom(revision: number): void {
    if (this.closed) return;
    this.storeWatch = this.store.watch(this.prefix, revision, {
      onEvents: (evs) => this.apply(evs),
      onError: (err) => {
        if (this.closed) return;
        this.storeWatch = null;
        if (isStoreError(err, 'Closed')) return;
        if (isStoreError(err, 'Compacted')) {
          // History we never saw is gone: start over and make every watcher re-list.
          this.opts.log?.('watch cache reset after compaction', { prefix: this.prefix });
          for (const w of [...this.watchers]) w.terminate('watch cache reset');
          this.watchers.clear();
          this.startPromise = this.load();
          this.startPromise.catch((e) => this.opts.log?.('watch cache reload failed', { prefix: this.prefix, err: String(e) }));
          return;
        }
        // Too slow, unavailable...: resume from what we have; the store promises no gap.
        this.opts.log?.('watch cache store watch ended; resuming', { prefix: this.prefix, rv: this.rv, err: (err as Error).message });
        const t = this.opts.clock.setTimeout(() => this.watchFrom(this.rv), isStoreError(err, 'Unavailable') ? 1000 : 0);
        void t;
      },
    });
  }

  private apply(evs: WatchEvent[]): void {
    const now = this.opts.clock.now();
    for (const e of evs) {
      const rv = e.kv.modRevision;
      if (rv <= this.rv) continue;
      const prev = this.items.get(e.kv.key) ?? (e.prevKv ? toCached(e.prevKv) : null);
      let ev: CacheEvent;
      if (e.type === 'delete') {
        const last = prev ?? (e.prevKv ? toCached(e.prevKv) : null);
        if (!last) { this.rv = rv; continue; }
        const obj = { ...last.obj, metadata: { ...last.obj.metadata, resourceVersion: String(rv) } };
        ev = { type: 'DELETED', key: e.kv.key, rv, cur: { key: e.kv.key, obj, rv }, prev: last, at: now };
        this.items.delete(e.kv.key);
        this.sortedKeys = null;
      } else {
        const cur = toCached(e.kv);
        const existed = this.items.has(e.kv.key);
        ev = { type: existed ? 'MODIFIED' : 'ADDED', key: e.kv.key, rv, cur, prev: existed ? prev : null, at: now };
        if (!existed) this.sortedKeys = null;
        this.items.set(e.kv.key, cur);
      }
      this.rv = rv;
      this.pushRing(ev, now);
      for (const w of this.watchers) w.deliver(ev);
    }
    if (this.waiters.length) {
      const ready = this.waiters.filter((w) => w.rv <= this.rv);
      this.waiters = this.waiters.filter((w) => w.rv > this.rv);
      for (const w of ready) w.resolve();
    }
  }

  private pushRing(ev: CacheEvent, now: number): void {
    this.ring.push(ev);
    const live = () => this.ring.length - this.ringHead;
    while (live() > this.maxEvents || (live() > this.minEvents && this.ring[this.ringHead]!.at < now - this.maxAgeMs)) {
      this.ringStart = this.ring[this.ringHead]!.rv;
      this.ringHead++;
    }
    if (this.ringHead > 1024 && this.ringHead * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.ringHead);
      this.ringHead = 0;
    }
  }

  /** Resolves once the cache has seen revision rv (or after timeoutMs, returning false). */
  waitUntilFresh(rv: number, timeoutMs: number): Promise<boolean> {
    if (this.rv >= rv) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = { rv, resolve: () => { timer.cancel(); resolve(true); } };
      const timer = this.opts.clock.setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== entry);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(entry);
    });
  }

  /** Current objects in key order, optionally under a sub-prefix (a namespace). */
  snapshot(keyPrefix?: string): { items: CachedObject[]; rv: number } {
    if (!this.sortedKeys) this.sortedKeys = [...this.items.keys()].sort();
    const out: CachedObject[] = [];
    if (keyPrefix && keyPrefix !== this.prefix) {
      let lo = 0, hi = this.sortedKeys.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (this.sortedKeys[mid]! < keyPrefix) lo = mid + 1; else hi = mid; }
      for (let i = lo; i < this.sortedKeys.length && this.sortedKeys[i]!.startsWith(keyPrefix); i++) out.push(this.items.get(this.sortedKeys[i]!)!);
    } else {
      for (const k of this.sortedKeys) out.push(this.items.get(k)!);
    }
    return { items: out, rv: this.rv };
  }

  get(key: string): CachedObject | undefined {
    return this.items.get(key);
  }

  /**
   * Registers a watcher that receives every event with rv > fromRv (replayed from the ring, then
   * live). Throws TooOldError when that history has left the ring.
   */
  watch(fromRv: number, w: CacheWatcher): () => void {
    if (fromRv < this.ringStart) throw new TooOldError(fromRv, this.ringStart);
    for (let i = this.ringHead; i < this.ring.length; i++) {
      const ev = this.ring[i]!;
      if (ev.rv > fromRv) w.deliver(ev);
    }
    this.watchers.add(w);
    return () => { this.watchers.delete(w); };
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** The oldest revision a watch may start from. */
  get oldestRv(): number {
    return this.ringStart;
  }

  close(): void {
    this.closed = true;
    this.storeWatch?.cancel();
    this.storeWatch = null;
    for (const w of [...this.watchers]) w.terminate('server shutting down');
    this.watchers.clear();
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }
}

function toCached(kv: KeyValue): CachedObject {
  // A value encoded in this process comes with its JSON, spliced from the stored text (codec.ts):
  // then the object is parsed from that JSON only when someone needs it (a selector, a table, a
  // handler reading it), and a watcher that takes every event as JSON never costs a parse.
  const json = jsonOfStored(kv);
  if (json === undefined) return { key: kv.key, obj: decodeKv(kv), rv: kv.modRevision };
  let obj: KubeObject | undefined;
  return {
    key: kv.key, rv: kv.modRevision, json,
    get obj(): KubeObject { return (obj ??= JSON.parse(json) as KubeObject); },
  };
}
