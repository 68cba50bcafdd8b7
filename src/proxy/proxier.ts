// The proxier: informers on Services and EndpointSlices feed a set of dirty Service keys; a
// bounded-frequency runner turns each batch into one nft transaction holding only the changed
// Services' rules. The first sync (and any sync after a failure) rebuilds the table atomically, with
// a fresh placement of endpoints in the shared endpoint maps (blocks.ts).
import type { Service } from '../api/core/v1/services.js';
import type { EndpointSlice } from '../api/discovery/v1/endpointslices.js';
import { resourceRef, type RestClient } from '../client/rest.js';
import { SharedInformerFactory, objectKey, type SharedInformer } from '../client/informer/index.js';
import { DeletedFinalStateUnknown } from '../client/informer/index.js';
import { realClock, type Clock } from '../machinery/clock.js';
import type { NftRunner } from './nft.js';
import { MemberCounts } from './members.js';
import { EndpointBlocks } from './blocks.js';
import { SERVICE_NAME_LABEL, cleanupScript, diffRules, fullScript, isEmptyDiff, renderDiffs, serviceRules, type NodeInfo, type RuleDiff, type ServiceRules } from './rules.js';

export const SERVICES = resourceRef('', 'v1', 'services');
export const ENDPOINTSLICES = resourceRef('discovery.k8s.io', 'v1', 'endpointslices');
const BY_SERVICE = 'byService';

export type ProxyLog = (msg: string, fields?: Record<string, unknown>) => void;

export interface ProxierOptions {
  client: RestClient;
  node: NodeInfo;
  nft: NftRunner;
  clock?: Clock;
  /** Never sync more often than this (kube-proxy's --min-sync-period); default 100 ms. */
  minSyncPeriodMs?: number;
  /** Wait after a failed sync before the full rebuild that repairs it; default 1 s. */
  retryAfterMs?: number;
  log?: ProxyLog;
}

export interface SyncStats {
  syncs: number;
  lastDurationMs: number;
  lastServices: number;
}

export class Proxier {
  private readonly factory: SharedInformerFactory;
  private readonly services: SharedInformer<Service>;
  private readonly slices: SharedInformer<EndpointSlice>;
  private readonly clock: Clock;
  private readonly minSync: number;
  private readonly log: ProxyLog;
  private applied = new Map<string, ServiceRules>();
  /** How many applied Services hold each shared set element (the hairpin pairs). */
  private members = new MemberCounts();
  /** Which keys of the shared endpoint maps each load-balancing chain owns. */
  private blocks = new EndpointBlocks();
  private dirty = new Set<string>();
  private needFull = true;
  private timer: { cancel(): void } | null = null;
  private running: Promise<void> | null = null;
  private lastSync = -Infinity;
  private stopped = false;
  private started = false;
  private idleWaiters: (() => void)[] = [];
  readonly stats: SyncStats = { syncs: 0, lastDurationMs: 0, lastServices: 0 };

  constructor(private readonly opts: ProxierOptions) {
    this.clock = opts.clock ?? realClock;
    this.minSync = opts.minSyncPeriodMs ?? 100;
    this.log = opts.log ?? (() => undefined);
    this.factory = new SharedInformerFactory(opts.client, { clock: this.clock, log: this.log });
    this.services = this.factory.informerFor<Service>(SERVICES);
    this.slices = this.factory.informerFor<EndpointSlice>(ENDPOINTSLICES, {
      indexers: { [BY_SERVICE]: (s) => { const n = s.metadata.labels?.[SERVICE_NAME_LABEL]; return n ? [`${s.metadata.namespace}/${n}`] : []; } },
    });
    const mark = (key: string | undefined) => { if (key) this.markDirty(key); };
    const sliceKey = (s: EndpointSlice) => { const n = s.metadata.labels?.[SERVICE_NAME_LABEL]; return n ? `${s.metadata.namespace}/${n}` : undefined; };
    const unwrap = <T,>(o: T | DeletedFinalStateUnknown<T>): T => (o instanceof DeletedFinalStateUnknown ? o.obj : o);
    this.services.addEventHandler({
      onAdd: (s) => mark(objectKey(s)),
      onUpdate: (o, s) => { if (o !== s) mark(objectKey(s)); },
      onDelete: (s) => mark(objectKey(unwrap(s))),
    });
    this.slices.addEventHandler({
      onAdd: (s) => mark(sliceKey(s)),
      // A slice moved to another service (label change) dirties both.
      onUpdate: (o, s) => { if (o !== s) { mark(sliceKey(o)); mark(sliceKey(s)); } },
      onDelete: (s) => mark(sliceKey(unwrap(s))),
    });
  }

  /** Starts the informers; the first (full) sync runs once both caches have synced. */
  async start(timeoutMs = 60_000): Promise<void> {
    this.factory.start();
    if (!(await this.factory.waitForCacheSync(timeoutMs))) throw new Error(`proxy: informer caches did not sync within ${timeoutMs} ms`);
    this.started = true;
    this.needFull = true;
    this.schedule();
  }

  private markDirty(key: string): void {
    this.dirty.add(key);
    if (this.started) this.schedule();
  }

  // Bounded frequency: run at once when the last sync is older than minSync, else when it will be;
  // changes arriving meanwhile join the same batch.
  private schedule(delayMs?: number): void {
    if (this.stopped || this.timer || this.running) return;
    const wait = delayMs ?? Math.max(0, this.lastSync + this.minSync - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.running = this.syncOnce().finally(() => {
        this.running = null;
        if (this.dirty.size || this.needFull) this.schedule(this.failed ? this.opts.retryAfterMs ?? 1000 : undefined);
        else for (const w of this.idleWaiters.splice(0)) w();
      });
    }, wait);
  }

  private failed = false;

  private rulesFor(key: string, blocks: EndpointBlocks): ServiceRules | undefined {
    const [ns, name] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    const svc = this.services.indexer.get(ns, name);
    if (!svc) return undefined;
    const rules = serviceRules(svc, this.slices.indexer.byIndex(BY_SERVICE, key), this.opts.node, blocks);
    return rules.chains.size || rules.elements.size || rules.members.size ? rules : undefined;
  }

  private async syncOnce(): Promise<void> {
    const start = this.clock.now();
    this.lastSync = start;
    const keys = [...this.dirty];
    this.dirty.clear();
    try {
      if (this.needFull) {
        const next = new Map<string, ServiceRules>();
        const blocks = new EndpointBlocks();
        for (const svc of this.services.indexer.list()) {
          const k = objectKey(svc);
          const r = this.rulesFor(k, blocks);
          if (r) next.set(k, r);
        }
        await this.opts.nft.apply(fullScript(this.opts.node, next.values()));
        this.applied = next;
        this.blocks = blocks;
        this.members = MemberCounts.of(next.values());
        this.needFull = false;
        this.stats.lastServices = next.size;
      } else {
        const diffs: RuleDiff[] = [];
        const next = new Map<string, ServiceRules | undefined>();
        for (const k of keys) {
          const r = this.rulesFor(k, this.blocks);
          next.set(k, r);
          // Chains that go away give their blocks back (safe before the commit: see lbRules).
          for (const c of this.applied.get(k)?.chains.keys() ?? []) if (!r?.chains.has(c)) this.blocks.release(c);
          const d = diffRules(this.applied.get(k), r);
          if (!isEmptyDiff(d)) diffs.push(d);
        }
        if (diffs.length) await this.opts.nft.apply(renderDiffs(diffs, this.members));
        this.members.commit(diffs);
        for (const [k, r] of next) { if (r) this.applied.set(k, r); else this.applied.delete(k); }
        this.stats.lastServices = keys.length;
      }
      this.failed = false;
      this.stats.syncs++;
      this.stats.lastDurationMs = this.clock.now() - start;
      this.log('proxy: synced', { services: this.stats.lastServices, durationMs: this.stats.lastDurationMs });
    } catch (err) {
      // The kernel refused the batch, so what it holds is unknown: rebuild the whole table next.
      this.failed = true;
      this.needFull = true;
      for (const k of keys) this.dirty.add(k);
      this.log('proxy: sync failed; rebuilding the table', { error: (err as Error).message });
    }
  }

  /** Resolves once no change is pending and no sync is running (tests, benches). */
  idle(timeoutMs = 30_000): Promise<boolean> {
    if (!this.dirty.size && !this.needFull && !this.running && !this.timer) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => { clearTimeout(t); resolve(true); });
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    await this.running;
    await this.factory.stop();
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Removes our table (and only ours). */
  async cleanup(): Promise<void> {
    await this.opts.nft.apply(cleanupScript());
    this.applied.clear();
    this.members = new MemberCounts();
    this.blocks = new EndpointBlocks();
    this.needFull = true;
  }
}
