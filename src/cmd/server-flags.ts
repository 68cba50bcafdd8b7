// Flags of `k8ts server`, parsed apart from starting anything so they can be tested alone.
import { flagArgs } from './flags.js';
export interface ServerFlags {
  dataDir: string;
  bindAddress: string;
  port: number;
  nodeName: string;
  /** This node's pod subnet (the first one node IPAM hands out from clusterCIDR). */
  podCIDR: string;
  clusterCIDR: string;
  serviceCIDR: string;
  /** Run the kubelet and its containerd (false: control plane only). */
  kubelet: boolean;
  /** Also write ~/.kube/config unless a kubeconfig not ours is already there. */
  writeUserKubeconfig: boolean;
  readyTimeoutMs: number;
  reset: boolean;
  /** Parent of the pods' cgroups; one per kubelet on a machine. */
  cgroupRoot: string;
  /** Port of the kubelet's logs/exec server (undefined: 10250, or a free port when --port is 0). */
  kubeletPort?: number;
}

export const SERVER_USAGE = `usage: k8ts server [flags]

Runs the whole cluster on this machine: embedded store, API server, controller manager,
scheduler, and a kubelet with its own containerd. Ctrl-C stops it and removes its pods.

flags:
  --data-dir DIR          (default /var/lib/k8ts) all state; admin.kubeconfig is written here
  --bind-address ADDR     (default 127.0.0.1)
  --port N                (default 6443; plain HTTP)
  --node-name NAME        (default: the host name)
  --pod-cidr CIDR         (default 10.244.0.0/24)
  --cluster-cidr CIDR     (default 10.244.0.0/16)
  --service-cidr CIDR     (default 10.96.0.0/12)
  --cgroup-root PATH      (default /k8ts) parent of the pods' cgroups
  --kubelet-port N        (default 10250, or a free port when --port is 0) kubelet logs/exec server
  --disable-agent         control plane only: no kubelet, no containerd
  --no-user-kubeconfig    do not write ~/.kube/config
  --reset                 remove every pod and all state of a previous run, then exit
`;

export function parseServerFlags(args: string[], host: string): ServerFlags {
  const f: ServerFlags = {
    dataDir: '/var/lib/k8ts', bindAddress: '127.0.0.1', port: 6443, nodeName: host.toLowerCase(),
    podCIDR: '10.244.0.0/24', clusterCIDR: '10.244.0.0/16', serviceCIDR: '10.96.0.0/12',
    kubelet: true, writeUserKubeconfig: true, readyTimeoutMs: 60_000, reset: false, cgroupRoot: '/k8ts',
  };
  for (const { name: a, inline: v, value: val } of flagArgs(args)) {
    switch (a) {
      case '--data-dir': f.dataDir = val(); break;
      case '--bind-address': f.bindAddress = val(); break;
      case '--port': {
        const n = Number(val());
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid --port: ${n}`);
        f.port = n;
        break;
      }
      case '--node-name': f.nodeName = val(); break;
      case '--pod-cidr': f.podCIDR = val(); break;
      case '--cluster-cidr': f.clusterCIDR = val(); break;
      case '--service-cidr': f.serviceCIDR = val(); break;
      case '--cgroup-root': f.cgroupRoot = val(); break;
      case '--kubelet-port': {
        const n = Number(val());
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid --kubelet-port: ${n}`);
        f.kubeletPort = n;
        break;
      }
      case '--disable-agent': f.kubelet = false; break;
      case '--no-user-kubeconfig': f.writeUserKubeconfig = false; break;
      case '--reset': f.reset = true; break;
      default: throw new Error(`unknown flag ${a}\n\n${SERVER_USAGE}`);
    }
  }
  return f;
}
