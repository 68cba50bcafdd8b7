// Which other nodes this node must reach, and how: each Node's pod subnet, its address on the
// node network, and (for the VXLAN backend) the MAC of its tunnel device, published on the Node.
export const VXLAN_MAC_ANNOTATION = 'k8ts.io/vxlan-mac';
export const NODE_IP_ANNOTATION = 'k8ts.io/node-ip';

export interface NodeLike {
  metadata: { name?: string; annotations?: Record<string, string> };
  spec?: { podCIDR?: string; podCIDRs?: string[] };
  status?: { addresses?: { type: string; address: string }[] };
}

export interface Peer {
  name: string;
  podCIDR: string;
  nodeIP: string;
  vxlanMac?: string;
}

/** The node's address that other nodes use: the annotation when set, else its InternalIP. */
export function nodeAddress(n: NodeLike): string | undefined {
  return n.metadata.annotations?.[NODE_IP_ANNOTATION]
    ?? n.status?.addresses?.find((a) => a.type === 'InternalIP' && !a.address.includes(':'))?.address;
}

/** Every other node that has a pod subnet and an address (nodes without either cannot be routed yet). */
export function peersOf(nodes: NodeLike[], self: string): Peer[] {
  const out: Peer[] = [];
  for (const n of nodes) {
    const name = n.metadata.name;
    const podCIDR = n.spec?.podCIDRs?.find((c) => !c.includes(':')) ?? n.spec?.podCIDR;
    const nodeIP = nodeAddress(n);
    if (!name || name === self || !podCIDR || !nodeIP) continue;
    out.push({ name, podCIDR, nodeIP, vxlanMac: n.metadata.annotations?.[VXLAN_MAC_ANNOTATION] });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The tunnel endpoint address of a node on the VXLAN backend: its pod subnet's network address
 *  (x.y.z.0/32 on the tunnel device), which no pod ever gets, as flannel does. */
export function vtepAddress(podCIDR: string): string {
  return podCIDR.split('/')[0]!;
}
