// Flags of `k8ts agent`, parsed apart from starting anything so they can be tested alone.
import { flagArgs } from './flags.js';

export interface AgentFlags {
  server: string;
  token: string;
  /** CA bundle that signs the API server's certificate (https servers). */
  caFile?: string;
  nodeName: string;
  /** Address other nodes reach this one at (default: the first non-loopback IPv4 address). */
  nodeIP?: string;
  dataDir: string;
  cgroupRoot: string;
  clusterCIDR: string;
  /** The kubelet renews its node Lease every quarter of this (Kubernetes' --node-lease-duration-seconds, default 40). */
  nodeLeaseDurationSeconds?: number;
  backend: 'host-gw' | 'vxlan';
  clusterDNS?: string;
  clusterDomain: string;
  kubeletPort: number;
  /** How long to wait for node IPAM to give this node a pod subnet. */
  podCIDRTimeoutMs: number;
  reset: boolean;
  /** containerd's root (images) on disk instead of the state tmpfs. */
  imagesOnDisk?: boolean;
}

export const AGENT_USAGE = `usage: k8ts agent --server URL --token TOKEN [flags]

Joins this machine to a k8ts cluster as a node: a kubelet with its own containerd, the service
proxy, and the pod network to every other node. Ctrl-C stops it and removes its pods.

flags:
  --server URL            the API server (printed by \`k8ts server\`) (required)
  --token TOKEN           the join token (printed by \`k8ts server\`) (required)
  --ca-file FILE          CA certificate of the API server (https)
  --node-name NAME        (default: the host name)
  --node-ip IP            address other nodes use (default: first non-loopback IPv4)
  --data-dir DIR          (default /var/lib/k8ts-agent)
  --cgroup-root PATH      (default /k8ts) parent of the pods' cgroups
  --cluster-cidr CIDR     (default 10.244.0.0/16) pod addresses of the whole cluster (not NATed)
  --network-backend host-gw|vxlan  (default host-gw) routes between nodes on one link, or a VXLAN overlay
  --node-lease-duration-seconds N  (default 40) the kubelet renews its Lease every N/4 s
  --cluster-dns IP        (default 10.96.0.10) the kube-dns ClusterIP
  --cluster-domain NAME   (default cluster.local)
  --kubelet-port N        (default 10250)
  --images-on-disk        keep containerd's images on disk across restarts (default: a tmpfs; faster pod starts)
  --reset                 remove this agent's pods and state, then exit
`;

export function parseAgentFlags(args: string[], host: string): AgentFlags {
  const f: AgentFlags = {
    server: '', token: '', nodeName: host.toLowerCase(), dataDir: '/var/lib/k8ts-agent', cgroupRoot: '/k8ts',
    clusterCIDR: '10.244.0.0/16', backend: 'host-gw', clusterDNS: '10.96.0.10', clusterDomain: 'cluster.local', kubeletPort: 10250,
    podCIDRTimeoutMs: 60_000, reset: false,
  };
  for (const { name, value } of flagArgs(args, AGENT_USAGE)) {
    switch (name) {
      case '--server': f.server = value(); break;
      case '--token': f.token = value(); break;
      case '--ca-file': f.caFile = value(); break;
      case '--node-name': f.nodeName = value(); break;
      case '--node-ip': f.nodeIP = value(); break;
      case '--data-dir': f.dataDir = value(); break;
      case '--cgroup-root': f.cgroupRoot = value(); break;
      case '--images-on-disk': f.imagesOnDisk = true; break;
      case '--cluster-cidr': f.clusterCIDR = value(); break;
      case '--node-lease-duration-seconds': f.nodeLeaseDurationSeconds = Number(value()); break;
      case '--network-backend': {
        const b = value();
        if (b !== 'host-gw' && b !== 'vxlan') throw new Error(`--network-backend must be host-gw or vxlan, not ${JSON.stringify(b)}`);
        f.backend = b;
        break;
      }
      case '--cluster-dns': f.clusterDNS = value() || undefined; break;
      case '--cluster-domain': f.clusterDomain = value(); break;
      case '--kubelet-port': f.kubeletPort = Number(value()); break;
      case '--reset': f.reset = true; break;
      default: throw new Error(`unknown flag ${name}\n${AGENT_USAGE}`);
    }
  }
  if (!f.reset) {
    if (!f.server) throw new Error(`--server is required: the API server URL that \`k8ts server\` printed\n${AGENT_USAGE}`);
    if (!f.token) throw new Error(`--token is required: the join token that \`k8ts server\` printed\n${AGENT_USAGE}`);
  }
  return f;
}
