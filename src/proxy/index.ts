// The service proxy's public face: start it against an API server, stop it, clean up after it.
import { networkInterfaces } from 'node:os';
import { resourceRef, type RestClient } from '../client/rest.js';
import type { Clock } from '../machinery/clock.js';
import { nftRunner } from './nft.js';
import { Proxier, type ProxyLog } from './proxier.js';
import { cleanupScript, isIPv4 } from './rules.js';

export { Proxier, type ProxierOptions, type ProxyLog } from './proxier.js';
export { nftRunner, type NftRunner, type NftOptions } from './nft.js';
export * from './rules.js';
export { MemberCounts, type Member } from './members.js';
export { EndpointBlocks, BLOCK_SIZE } from './blocks.js';

export interface ProxyOptions {
  client: RestClient;
  nodeName: string;
  /** Addresses NodePorts answer on; default the Node's InternalIP/ExternalIP, else this host's. */
  nodeIPs?: string[];
  /** Run nft inside this network namespace (name under /run/netns, or a path): for tests. */
  netns?: string;
  nft?: string;
  clock?: Clock;
  minSyncPeriodMs?: number;
  log?: ProxyLog;
  signal?: AbortSignal;
}

export interface RunningProxy {
  stop(): Promise<void>;
  /** Completed syncs (each one nft transaction). */
  syncs(): number;
  /** Resolves when every observed change is in the kernel. */
  idle(timeoutMs?: number): Promise<boolean>;
  /** Stops and deletes our table. */
  cleanup(): Promise<void>;
  proxier: Proxier;
}

const NODES = resourceRef('', 'v1', 'nodes', false);

async function discoverNodeIPs(client: RestClient, nodeName: string, log: ProxyLog): Promise<string[]> {
  try {
    const node = await client.get<{ status?: { addresses?: { type: string; address: string }[] } }>(NODES, nodeName);
    const ips = (node.status?.addresses ?? []).filter((a) => a.type === 'InternalIP' || a.type === 'ExternalIP').map((a) => a.address).filter(isIPv4);
    if (ips.length) return ips;
  } catch (err) {
    log('proxy: node not readable; using this host\'s addresses for NodePorts', { node: nodeName, error: (err as Error).message });
  }
  return Object.values(networkInterfaces()).flatMap((l) => l ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address);
}

export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  const log = opts.log ?? (() => undefined);
  const nft = nftRunner({ nft: opts.nft, netns: opts.netns, resident: true, netlink: true });
  const nodeIPs = opts.nodeIPs ?? (await discoverNodeIPs(opts.client, opts.nodeName, log));
  const proxier = new Proxier({ client: opts.client, node: { nodeName: opts.nodeName, nodeIPs }, nft, clock: opts.clock, minSyncPeriodMs: opts.minSyncPeriodMs, log });
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= proxier.stop().finally(() => nft.close?.()));
  opts.signal?.addEventListener('abort', () => void stop(), { once: true });
  try {
    await proxier.start();
  } catch (err) {
    await stop();
    throw err;
  }
  log('proxy: started', { node: opts.nodeName, nodeIPs });
  return {
    stop,
    syncs: () => proxier.stats.syncs,
    idle: (t) => proxier.idle(t),
    async cleanup() { await stop(); await nft.apply(cleanupScript()); },
    proxier,
  };
}
