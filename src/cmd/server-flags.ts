// Flags of `k8ts server`, parsed apart from starting anything so they can be tested alone.
import { flagArgs } from './flags.js';
import { parseDuration } from './duration.js';
export interface ServerFlags {
  dataDir: string;
  bindAddress: string;
  port: number;
  nodeName: string;
  /** This node's pod subnet (the first one node IPAM hands out from clusterCIDR). */
  podCIDR: string;
  clusterCIDR: string;
  /** The kubelet renews its node Lease every quarter of this (Kubernetes' --node-lease-duration-seconds, default 40). */
  nodeLeaseDurationSeconds?: number;
  /** How pods reach pods on other nodes: host-gw routes (one link) or a VXLAN overlay. */
  networkBackend: 'host-gw' | 'vxlan';
  /** EncryptionConfiguration file for Secrets at rest (kube-apiserver's --encryption-provider-config). */
  encryptionProviderConfig?: string;
  /** Audit log (JSON lines; "-" for stdout) and its Policy file (default: every request at Metadata level). */
  auditLogPath?: string;
  auditPolicyFile?: string;
  /** The join token expires this long after each server start (0: never; default 24 h). */
  joinTokenTtlMs: number;
  /** An external store shared by several servers (`etcd:http://a:2379,http://b:2379`); default: the embedded SQLite store. */
  datastoreEndpoint?: string;
  /** Opens the cluster CA and keys the first server put in the shared datastore (default: <data-dir>/server/server-token, made once). */
  serverToken?: string;
  /** Controller manager and scheduler elect a leader (default: on with a shared datastore). */
  leaderElect?: boolean;
  /** Their Lease's duration (default 15 s); renew deadline 2/3 and retry period 1/30 of it (0.5 s: a follower notices the last renewal soon, so failover stays within the lease + 2 s). */
  leaderElectLeaseDurationMs?: number;
  /** How long a node may go without a heartbeat before it is marked NotReady/Unknown (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  serviceCIDR: string;
  /** The kube-dns ClusterIP pods resolve through (default: the service CIDR's 10th address). */
  clusterDNS?: string;
  clusterDomain: string;
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
  /** containerd's root (images) on disk instead of the state tmpfs. */
  imagesOnDisk?: boolean;
  /** Plain HTTP with no authentication (loopback only): for tests and benchmarks that ask for it. */
  insecure: boolean;
  /** kube-apiserver's --token-auth-file (CSV: token,user,uid,"group1,group2"). */
  tokenAuthFile?: string;
  /** More names or addresses for the API server's certificate. */
  extraSANs?: string[];
}

export const SERVER_USAGE = `usage: k8ts server [flags]

Runs the whole cluster on this machine: embedded store, API server, controller manager,
scheduler, and a kubelet with its own containerd. Ctrl-C stops it and removes its pods.

flags:
  --data-dir DIR          (default /var/lib/k8ts) all state; admin.kubeconfig is written here
  --bind-address ADDR     (default 127.0.0.1)
  --port N                (default 6443; HTTPS unless --insecure)
  --node-name NAME        (default: the host name)
  --pod-cidr CIDR         (default 10.244.0.0/24)
  --cluster-cidr CIDR     (default 10.244.0.0/16)
  --node-monitor-grace-period D  (default 40s) silence after which a node is NotReady/Unknown
  --node-lease-duration-seconds N  (default 40) the kubelet renews its Lease every N/4 s
  --encryption-provider-config FILE  encrypt Secrets at rest (apiserver.config.k8s.io/v1 EncryptionConfiguration)
  --audit-log-path PATH   audit events as JSON lines ("-": stdout)
  --audit-policy-file F   audit.k8s.io/v1 Policy (default: every request at Metadata level)
  --join-token-ttl D      (default 24h; 0 = never) the join token expires this long after the server starts
  --datastore-endpoint S  etcd:http://host:2379,... a store shared by several servers (HA); default: embedded SQLite
  --server-token T        with --datastore-endpoint: the token the first server printed; further servers share its CA and keys
  --leader-elect[=BOOL]   controller manager and scheduler elect a leader (default: true with --datastore-endpoint)
  --leader-elect-lease-duration D  (default 15s) how long a dead leader holds its Lease
  --network-backend B     (default host-gw) host-gw: routes between nodes on one link; vxlan: an overlay
  --service-cidr CIDR     (default 10.96.0.0/12)
  --cluster-dns IP        (default the service CIDR's 10th address, 10.96.0.10) the kube-dns ClusterIP
  --cluster-domain NAME   (default cluster.local)
  --cgroup-root PATH      (default /k8ts) parent of the pods' cgroups
  --kubelet-port N        (default 10250, or a free port when --port is 0) kubelet logs/exec server
  --images-on-disk        keep containerd's images on disk across restarts (default: a tmpfs; faster pod starts)
  --disable-agent         control plane only: no kubelet, no containerd
  --no-user-kubeconfig    do not write ~/.kube/config
  --reset                 remove every pod and all state of a previous run, then exit
  --insecure              plain HTTP, no authentication or authorization (loopback --bind-address only)
  --token-auth-file FILE  static bearer tokens: CSV lines token,user,uid,"group1,group2"
  --tls-san NAME|IP       another name or address for the API server certificate (repeatable)
`;

export function parseServerFlags(args: string[], host: string): ServerFlags {
  const f: ServerFlags = {
    dataDir: '/var/lib/k8ts', bindAddress: '127.0.0.1', port: 6443, nodeName: host.toLowerCase(),
    podCIDR: '10.244.0.0/24', clusterCIDR: '10.244.0.0/16', networkBackend: 'host-gw', joinTokenTtlMs: 24 * 3600_000, serviceCIDR: '10.96.0.0/12', clusterDomain: 'cluster.local',
    kubelet: true, writeUserKubeconfig: true, readyTimeoutMs: 60_000, reset: false, cgroupRoot: '/k8ts', insecure: false,
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
      case '--node-monitor-grace-period': f.nodeMonitorGracePeriodMs = parseDuration(val()); break;
      case '--node-lease-duration-seconds': f.nodeLeaseDurationSeconds = Number(val()); break;
      case '--encryption-provider-config': f.encryptionProviderConfig = val(); break;
      case '--audit-log-path': f.auditLogPath = val(); break;
      case '--audit-policy-file': f.auditPolicyFile = val(); break;
      case '--join-token-ttl': f.joinTokenTtlMs = parseDuration(val()); break;
      case '--datastore-endpoint': f.datastoreEndpoint = val(); break;
      case '--server-token': f.serverToken = val(); break;
      case '--leader-elect': f.leaderElect = v === undefined ? true : v === 'true'; break;
      case '--leader-elect-lease-duration': f.leaderElectLeaseDurationMs = parseDuration(val()); break;
      case '--network-backend': {
        const b = val();
        if (b !== 'host-gw' && b !== 'vxlan') throw new Error(`--network-backend must be host-gw or vxlan, not ${JSON.stringify(b)}`);
        f.networkBackend = b;
        break;
      }
      case '--service-cidr': f.serviceCIDR = val(); break;
      case '--cluster-dns': f.clusterDNS = val(); break;
      case '--cluster-domain': f.clusterDomain = val(); break;
      case '--cgroup-root': f.cgroupRoot = val(); break;
      case '--kubelet-port': {
        const n = Number(val());
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`invalid --kubelet-port: ${n}`);
        f.kubeletPort = n;
        break;
      }
      case '--images-on-disk': f.imagesOnDisk = true; break;
      case '--disable-agent': f.kubelet = false; break;
      case '--no-user-kubeconfig': f.writeUserKubeconfig = false; break;
      case '--reset': f.reset = true; break;
      case '--insecure': f.insecure = true; break;
      case '--token-auth-file': f.tokenAuthFile = val(); break;
      case '--tls-san': (f.extraSANs ??= []).push(val()); break;
      default: throw new Error(`unknown flag ${a}\n\n${SERVER_USAGE}`);
    }
  }
  if (f.insecure && !/^(127\.|::1$|localhost$)/.test(f.bindAddress)) {
    throw new Error(`--insecure serves plain HTTP without authentication: only on loopback, not --bind-address ${f.bindAddress}`);
  }
  return f;
}
