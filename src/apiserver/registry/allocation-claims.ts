// Service ClusterIPs and NodePorts claimed in the store, one key per value, so that several API
// servers on one datastore hand out each value once (Kubernetes 1.33 does the same with one
// IPAddress object per ClusterIP; before that, one RangeAllocation bitmap updated by CAS). The store's
// create-if-absent is the arbiter; each server's in-memory allocator only mirrors the claims (a
// watch keeps it current) so that it rarely proposes a value another server holds.
//
// A claim whose Service write never happened (the server died between the two) is a leak: the
// repair pass frees claims no Service holds once it has seen them orphaned twice, a pass apart,
// so a claim made just before its Service is written is never taken for a leak.
import type { KubeObject } from '../../api/resource.js';
import { isStoreError, type Store, type Watch, type WatchEvent } from '../../storage/types.js';
import type { ServiceAllocators } from './service-allocators.js';
import { allocatedIPsOf, nodePortsOf, specOf } from './service-fields.js';

export const CLAIMS_PREFIX = '/registry/k8ts.io/allocations/';
const IPS = `${CLAIMS_PREFIX}serviceips/`;
const PORTS = `${CLAIMS_PREFIX}nodeports/`;
const ipKey = (ip: string) => `${IPS}${ip}`;
const portKey = (port: number) => `${PORTS}${port}`;

/** The first value that another holder has, when a claim fails. */
export interface ClaimConflict { ip?: string; port?: number }

export interface AllocationClaims {
  /** Claims every value for `holder` (namespace/name); all or nothing. */
  claim(ips: string[], ports: number[], holder: string): Promise<ClaimConflict | null>;
  release(ips: string[], ports: number[]): Promise<void>;
  /** Mirrors the stored claims into alloc, claims what stored Services hold, then follows changes. */
  start(alloc: ServiceAllocators, services: KubeObject[]): Promise<void>;
  /** One repair pass over the stored claims against the Services that exist now. */
  repair(services: KubeObject[]): Promise<void>;
  stop(): void;
}

type Log = (msg: string, fields?: Record<string, unknown>) => void;

export function storeClaims(store: Store, log: Log = () => undefined): AllocationClaims {
  let alloc: ServiceAllocators | null = null;
  let watch: Watch | null = null;
  let suspects = new Set<string>();
  let stopped = false;

  const mirror = (key: string, held: boolean) => {
    if (!alloc) return;
    // Errors mean "already so" or "outside this server's range": the store stays the arbiter.
    try {
      if (key.startsWith(IPS)) {
        const ip = key.slice(IPS.length);
        if (held) { if (!alloc.ips.has(ip)) alloc.ips.allocate(ip); } else alloc.ips.release(ip);
      } else if (key.startsWith(PORTS)) {
        const port = Number(key.slice(PORTS.length));
        if (held) { if (!alloc.ports.has(port)) alloc.ports.allocate(port); } else alloc.ports.release(port);
      }
    } catch { /* see above */ }
  };

  const keysOf = (ips: string[], ports: number[]) => [...ips.map(ipKey), ...ports.map(portKey)];

  async function release(ips: string[], ports: number[]): Promise<void> {
    for (const key of keysOf(ips, ports)) {
      await store.delete(key).catch((err: unknown) => { if (!isStoreError(err, 'NotFound')) throw err; });
    }
  }

  async function claim(ips: string[], ports: number[], holder: string): Promise<ClaimConflict | null> {
    const taken: string[] = [];
    const value = Buffer.from(JSON.stringify({ holder }));
    for (const key of keysOf(ips, ports)) {
      try {
        await store.create(key, value);
        taken.push(key);
      } catch (err) {
        for (const k of taken) await store.delete(k).catch(() => undefined);
        if (!isStoreError(err, 'Exists')) throw err;
        return key.startsWith(IPS) ? { ip: key.slice(IPS.length) } : { port: Number(key.slice(PORTS.length)) };
      }
    }
    return null;
  }

  const heldBy = (services: KubeObject[]) => {
    const held = new Map<string, string>();
    for (const svc of services) {
      const spec = specOf(svc);
      const name = `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
      for (const k of keysOf(allocatedIPsOf(spec), nodePortsOf(spec))) held.set(k, name);
    }
    return held;
  };

  async function listClaims(): Promise<{ keys: Map<string, number>; revision: number }> {
    const keys = new Map<string, number>();
    let startAfter: string | undefined;
    let revision = 0;
    for (;;) {
      const page = await store.list(CLAIMS_PREFIX, { limit: 1000, startAfter, revision: revision || undefined });
      revision = page.revision;
      for (const kv of page.kvs) keys.set(kv.key, kv.modRevision);
      if (!page.more || !page.kvs.length) break;
      startAfter = page.kvs[page.kvs.length - 1]!.key;
    }
    return { keys, revision };
  }

  return {
    claim,
    release,

    async start(a, services) {
      alloc = a;
      // Services written before claims existed (or by an older server) get theirs now.
      const { keys, revision } = await listClaims();
      for (const [key, holder] of heldBy(services)) {
        if (keys.has(key)) continue;
        await store.create(key, Buffer.from(JSON.stringify({ holder }))).catch((err: unknown) => { if (!isStoreError(err, 'Exists')) throw err; });
      }
      for (const key of keys.keys()) mirror(key, true);
      const follow = (after: number) => {
        if (stopped) return;
        watch = store.watch(CLAIMS_PREFIX, after, {
          onEvents: (events: WatchEvent[]) => { for (const e of events) mirror(e.kv.key, e.type === 'put'); },
          onError: (err) => {
            // Resume where the stream broke; after a compaction, from a fresh list.
            log('allocation claims watch ended; resuming', { err: err.message });
            if (!watch) return;
            void listClaims().then(({ keys: now, revision: rev }) => { for (const k of now.keys()) mirror(k, true); if (watch) follow(rev); }, () => undefined);
          },
        });
      };
      follow(revision);
    },

    async repair(services) {
      const held = heldBy(services);
      const { keys } = await listClaims();
      const orphans = new Set([...keys.keys()].filter((k) => !held.has(k)));
      for (const key of orphans) {
        if (!suspects.has(key)) continue;
        await store.delete(key, keys.get(key)).then(
          () => log('freed a leaked service allocation', { key }),
          () => undefined, // changed or gone meanwhile: someone holds it, or it is already free
        );
      }
      suspects = orphans;
    },

    stop() {
      stopped = true;
      const w = watch;
      watch = null;
      w?.cancel();
    },
  };
}
