// The VXLAN backend, for nodes that are not on one link: a tunnel device per node; each peer's pod
// subnet is routed via the peer's tunnel address (onlink), whose MAC is pinned with a permanent
// neighbour entry, and the forwarding database sends that MAC to the peer's node address. Static
// entries only (nolearning): the Node objects are the source of truth, as with flannel.
import type { IpRunner } from './ip.js';
import { vtepAddress, type Peer } from './peers.js';
import { syncRoutes } from './routes.js';

export const VXLAN_DEVICE = 'k8ts.vxlan';
export const VXLAN_VNI = '1';
export const VXLAN_PORT = '4789';

export interface VxlanDevice {
  mac: string;
}

/** Creates (or finds) the tunnel device on the uplink carrying nodeIP, with this node's vtep address. */
export async function ensureVxlanDevice(ip: IpRunner, o: { nodeIP: string; podCIDR: string; mtu?: number }): Promise<VxlanDevice> {
  const exists = await ip('ip', ['-j', 'link', 'show', VXLAN_DEVICE]).then(() => true, () => false);
  if (!exists) {
    await ip('ip', ['link', 'add', VXLAN_DEVICE, 'type', 'vxlan', 'id', VXLAN_VNI, 'local', o.nodeIP, 'dstport', VXLAN_PORT, 'nolearning']);
  }
  // 50 bytes of VXLAN headers come off the uplink's 1500.
  await ip('ip', ['link', 'set', VXLAN_DEVICE, 'mtu', String(o.mtu ?? 1450), 'up']);
  await ip('ip', ['addr', 'replace', `${vtepAddress(o.podCIDR)}/32`, 'dev', VXLAN_DEVICE]);
  const info = JSON.parse(await ip('ip', ['-j', 'link', 'show', VXLAN_DEVICE])) as { address: string }[];
  return { mac: info[0]!.address };
}

/** Neighbour, FDB and route entries for every peer that has published its tunnel MAC. */
export async function syncVxlanPeers(ip: IpRunner, peers: Peer[]): Promise<void> {
  const ready = peers.filter((p) => p.vxlanMac);
  const fdb = JSON.parse((await ip('bridge', ['-j', 'fdb', 'show', 'dev', VXLAN_DEVICE]).catch(() => '[]')) || '[]') as { mac: string; dst?: string }[];
  const wantMacs = new Set(ready.map((p) => p.vxlanMac!.toLowerCase()));
  for (const p of ready) {
    const vtep = vtepAddress(p.podCIDR);
    await ip('ip', ['neigh', 'replace', vtep, 'lladdr', p.vxlanMac!, 'dev', VXLAN_DEVICE, 'nud', 'permanent']);
    await ip('bridge', ['fdb', 'replace', p.vxlanMac!, 'dev', VXLAN_DEVICE, 'dst', p.nodeIP, 'self', 'permanent']);
  }
  for (const f of fdb) {
    if (f.dst && f.mac !== '00:00:00:00:00:00' && !wantMacs.has(f.mac.toLowerCase())) {
      await ip('bridge', ['fdb', 'del', f.mac, 'dev', VXLAN_DEVICE, 'dst', f.dst, 'self']).catch(() => undefined);
    }
  }
  await syncRoutes(ip, ready.map((p) => ({ dst: p.podCIDR, via: vtepAddress(p.podCIDR) })), VXLAN_DEVICE, true);
}

export async function removeVxlanDevice(ip: IpRunner): Promise<void> {
  await ip('ip', ['link', 'del', VXLAN_DEVICE]).catch(() => undefined);
}
