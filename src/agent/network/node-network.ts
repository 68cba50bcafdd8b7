// The node's part of the pod network across machines: watches Nodes and keeps this machine's routes
// (host-gw) or tunnel entries (vxlan) to every other node's pod subnet, and masquerades only traffic
// leaving the cluster CIDR. Level-triggered: any Node change schedules one full sync, which compares
// what the Nodes say with what the kernel has and fixes the difference.
import type { RestClient } from '../../client/rest.js';
import type { KubeObject } from '../../api/resource.js';
import { resourceRef } from '../../client/rest.js';
import { SharedInformer } from '../../client/informer/index.js';
import { runIp, type IpRunner } from './ip.js';
import { peersOf, VXLAN_MAC_ANNOTATION, NODE_IP_ANNOTATION, type NodeLike } from './peers.js';
import { syncRoutes, wantedRoutes } from './routes.js';
import { ensureVxlanDevice, removeVxlanDevice, syncVxlanPeers } from './vxlan.js';
import { installMasquerade, removeMasquerade } from './masquerade.js';

export type NetworkBackend = 'host-gw' | 'vxlan';

export interface NodeNetworkOptions {
  client: RestClient;
  nodeName: string;
  nodeIP: string;
  /** This node's pod subnet (from node IPAM). */
  podCIDR: string;
  clusterCIDR: string;
  backend: NetworkBackend;
  ip?: IpRunner;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface NodeNetwork {
  /** Resolves after the first sync with the Nodes the API server had. */
  ready: Promise<void>;
  /** Removes routes, tunnel and NAT table. */
  stop(opts?: { keepKernelState?: boolean }): Promise<void>;
}

const NODES = resourceRef('', 'v1', 'nodes', false);

export async function startNodeNetwork(o: NodeNetworkOptions): Promise<NodeNetwork> {
  const ip = o.ip ?? runIp;
  const log = o.log ?? (() => undefined);
  await installMasquerade(o.clusterCIDR);
  const annotations: Record<string, string> = { [NODE_IP_ANNOTATION]: o.nodeIP };
  if (o.backend === 'vxlan') {
    const dev = await ensureVxlanDevice(ip, { nodeIP: o.nodeIP, podCIDR: o.podCIDR });
    annotations[VXLAN_MAC_ANNOTATION] = dev.mac;
  }
  // Peers learn how to reach this node from its Node object.
  await o.client.patch(NODES, o.nodeName, 'merge', { metadata: { annotations } });

  const informer = new SharedInformer<KubeObject>(o.client, NODES, {});
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const syncOnce = async () => {
    const peers = peersOf(informer.indexer.list() as unknown as NodeLike[], o.nodeName);
    if (o.backend === 'vxlan') await syncVxlanPeers(ip, peers);
    else {
      const r = await syncRoutes(ip, wantedRoutes(peers));
      if (r.added || r.removed) log('pod routes synced', { ...r, peers: peers.length });
    }
  };
  const kick = () => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = (async () => {
      do {
        again = false;
        try { await syncOnce(); } catch (err) { log('pod network sync failed', { err: String(err) }); again = true; await new Promise((r) => setTimeout(r, 1000)); }
      } while (again && !stopped);
    })().finally(() => { running = null; });
  };
  informer.addEventHandler({ onAdd: kick, onUpdate: kick, onDelete: kick });
  informer.start();
  const ready = (async () => {
    await informer.waitForSync(30_000);
    kick();
    await running;
  })();
  return {
    ready,
    async stop(opts = {}) {
      stopped = true;
      informer.stop();
      await running?.catch(() => undefined);
      if (opts.keepKernelState) return;
      await syncRoutes(ip, []).catch(() => undefined);
      if (o.backend === 'vxlan') await removeVxlanDevice(ip);
      await removeMasquerade();
    },
  };
}
