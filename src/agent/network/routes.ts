// The "host-gw" backend: nodes on one link reach each other's pods by a plain route per node
// (its pod subnet via its node address). Routes are tagged with our own routing protocol number,
// so the sync finds and removes exactly the routes it made and never touches others.
import type { IpRunner } from './ip.js';
import type { Peer } from './peers.js';

/** rtnetlink protocol number marking k8ts' routes (unassigned in /etc/iproute2/rt_protos). */
export const ROUTE_PROTO = '75';

export interface RouteEntry {
  dst: string;
  via: string;
  dev?: string;
}

/** Parses `ip -j route show proto 75`. */
export function parseRoutes(json: string): RouteEntry[] {
  const rows = JSON.parse(json || '[]') as { dst: string; gateway?: string; dev?: string }[];
  return rows.filter((r) => r.gateway).map((r) => ({ dst: r.dst, via: r.gateway!, dev: r.dev }));
}

export function wantedRoutes(peers: Peer[]): RouteEntry[] {
  return peers.map((p) => ({ dst: p.podCIDR, via: p.nodeIP }));
}

/** Brings the kernel's k8ts routes to exactly `want`: adds and replaces what differs, deletes the rest. */
export async function syncRoutes(ip: IpRunner, want: RouteEntry[], dev?: string, onlink = false): Promise<{ added: number; removed: number }> {
  const have = parseRoutes(await ip('ip', ['-j', 'route', 'show', 'proto', ROUTE_PROTO]));
  const byDst = new Map(have.map((r) => [r.dst, r]));
  let added = 0;
  let removed = 0;
  for (const w of want) {
    const h = byDst.get(w.dst);
    byDst.delete(w.dst);
    if (h && h.via === w.via && (!dev || h.dev === dev)) continue;
    await ip('ip', ['route', 'replace', w.dst, 'via', w.via, ...(dev ? ['dev', dev] : []), ...(onlink ? ['onlink'] : []), 'proto', ROUTE_PROTO]);
    added++;
  }
  for (const stale of byDst.values()) {
    await ip('ip', ['route', 'del', stale.dst, 'proto', ROUTE_PROTO]).catch(() => undefined);
    removed++;
  }
  return { added, removed };
}
