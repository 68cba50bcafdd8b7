// The files a k8ts-owned containerd runs from: its config.toml and the CNI network list.
// Every path is under the node's own directory, so several nodes (and a distro containerd) can
// share one machine without sharing state. Pure functions: containerd.ts writes what they return.
import { createHash } from 'node:crypto';
import { join } from 'node:path';

export interface NodeLayout {
  dir: string;
  config: string;
  socket: string;
  ttrpcSocket: string;
  root: string;
  state: string;
  opt: string;
  runcRoot: string;
  cniConfDir: string;
  ipamDir: string;
  certsDir: string;
  log: string;
}

/** imagesOnDisk: containerd's root (images, snapshots, its metadata db) in dir/root on disk instead
 *  of on the state tmpfs (containerd.ts): images outlive a restart, pod starts are slower. */
export function nodeLayout(dir: string, o: { imagesOnDisk?: boolean } = {}): NodeLayout {
  return {
    dir,
    config: join(dir, 'config.toml'),
    // unix socket paths are limited to 107 bytes: keep the dir short.
    socket: join(dir, 'containerd.sock'),
    ttrpcSocket: join(dir, 'containerd.sock.ttrpc'),
    // root (content, snapshots, the metadata db, CRI's per-pod files) and runc's root live on the
    // state tmpfs (containerd.ts mounts it) unless asked: see containerd.ts for why, and what it costs.
    root: o.imagesOnDisk ? join(dir, 'root') : join(dir, 'state', 'root'),
    state: join(dir, 'state'),
    opt: join(dir, 'opt'),
    runcRoot: join(dir, 'state', 'runc'),
    cniConfDir: join(dir, 'cni', 'net.d'),
    ipamDir: join(dir, 'cni', 'ipam'),
    certsDir: join(dir, 'certs.d'),
    log: join(dir, 'containerd.log'),
  };
}

/** A bridge name unique to the node's directory (interface names: at most 15 bytes), so two
 *  nodes sharing the host network namespace never share a bridge. */
export function bridgeNameFor(dir: string): string {
  return `k8ts${createHash('sha256').update(dir).digest('hex').slice(0, 8)}`;
}

export interface ContainerdConfigOptions {
  sandboxImage: string;
  runcBinary: string;
  cniBinDir: string;
  /** Where containerd's streaming server (exec/attach/port-forward) listens. */
  streamAddress: string;
  /** "0": a free port chosen by containerd. */
  streamPort: string;
}

const q = (s: string): string => JSON.stringify(s); // TOML basic strings accept JSON escapes

export function containerdConfig(l: NodeLayout, o: ContainerdConfigOptions): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `# Written by k8ts for the node in ${l.dir}; rewritten on every start.
version = 2
root = ${q(l.root)}
state = ${q(l.state)}
# Snapshotters that cannot work here only add failures to the log.
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = ${q(l.socket)}

[ttrpc]
  address = ${q(l.ttrpcSocket)}

[plugins."io.containerd.internal.v1.opt"]
  path = ${q(l.opt)}

[${cri}]
  sandbox_image = ${q(o.sandboxImage)}
  # Without CAP_SYS_RESOURCE (containers, some VMs) lowering oom_score_adj fails every sandbox.
  restrict_oom_score_adj = true
  # Keep netns bind mounts under our own state dir, not /var/run/netns.
  netns_mounts_under_state_dir = true
  stream_server_address = ${q(o.streamAddress)}
  stream_server_port = ${q(o.streamPort)}
  enable_selinux = false

[${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${cri}.containerd.runtimes.runc.options]
  # crun fails on cgroup v1 hybrid layouts; runc works.
  BinaryName = ${q(o.runcBinary)}
  Root = ${q(l.runcRoot)}
  SystemdCgroup = false

[${cri}.cni]
  bin_dir = ${q(o.cniBinDir)}
  conf_dir = ${q(l.cniConfDir)}
  max_conf_num = 1

[${cri}.registry]
  # Our own hosts.toml tree (for a local registry mirror), never /etc/containerd/certs.d.
  config_path = ${q(l.certsDir)}
`;
}

export interface CniOptions {
  podCIDR: string;
  bridge: string;
  ipamDir: string;
  /** Masquerade traffic leaving the pod subnet (true for a one-node cluster). */
  ipMasq: boolean;
}

/** bridge + host-local IPAM on the node's pod subnet, portmap for hostPort. No loopback plugin:
 *  containerd's CRI brings each pod's lo up itself (go-cni's loopback network) before this list
 *  runs, so a loopback entry here only ran the same binary a second time on every ADD and DEL. */
export function cniConflist(o: CniOptions): string {
  return JSON.stringify({
    cniVersion: '1.0.0',
    name: 'k8ts',
    plugins: [
      {
        type: 'bridge',
        bridge: o.bridge,
        isGateway: true,
        ipMasq: o.ipMasq,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          // Its own lease dir: the default /var/lib/cni/networks/<name> would be shared by nodes.
          dataDir: o.ipamDir,
          ranges: [[{ subnet: o.podCIDR }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  }, null, 2);
}
