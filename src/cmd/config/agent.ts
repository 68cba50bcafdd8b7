import type { ComponentConfig } from './types.js';

export const agent: ComponentConfig = {
  name: 'agent',
  summary: 'join this machine to a cluster as a node (kubelet, its containerd, proxy, pod network)',
  description: 'Joins this machine to a k8ts cluster as a node: a kubelet with its own containerd, the service proxy, and the pod network to every other node, talking only to the API server at --server with the join token.',
  settings: [
    { flag: 'server', type: 'url', default: '', help: 'the API server URL printed by `k8ts server` (required)' },
    { flag: 'token', type: 'string', default: '', arg: 'TOKEN', help: 'the join token printed by `k8ts server` (required; keep this file mode 0600)' },
    { flag: 'ca-file', type: 'path', default: '', arg: 'FILE', help: 'CA certificate of the API server (https)' },
    { flag: 'node-name', type: 'string', default: '<hostname>', arg: 'NAME', help: 'name of this node' },
    { flag: 'node-ip', type: 'ip', default: '<first non-loopback IPv4>', arg: 'IP', help: 'address other nodes reach this one at' },
    { flag: 'data-dir', type: 'path', default: '/var/lib/k8ts-agent', arg: 'DIR', help: "the agent's state: kubelet, containerd, images" },
    { flag: 'cgroup-root', type: 'string', default: '/k8ts', arg: 'PATH', help: "parent of the pods' cgroups" },
    { flag: 'cluster-cidr', type: 'cidr', default: '10.244.0.0/16', help: 'pod addresses of the whole cluster (not NATed)' },
    { flag: 'network-backend', type: 'string', default: 'host-gw', choices: ['host-gw', 'vxlan'], help: 'pod network between nodes: routes on one link (host-gw) or a VXLAN overlay' },
    { flag: 'cluster-dns', type: 'ip', default: '10.96.0.10', arg: 'IP', help: 'the kube-dns ClusterIP' },
    { flag: 'cluster-domain', type: 'string', default: 'cluster.local', arg: 'NAME', help: "the cluster's DNS domain" },
    { flag: 'kubelet-port', type: 'port', default: '10250', help: "port of the kubelet's logs/exec server" },
    { flag: 'node-lease-duration-seconds', type: 'int', default: '40', arg: 'N', help: 'the kubelet renews its node Lease every N/4 seconds' },
    { flag: 'images-on-disk', type: 'switch', default: 'false', help: "keep containerd's images on disk across restarts (default: on a tmpfs with its state: faster pod starts; images are imported or pulled again after a restart, and use memory)" },
    { flag: 'reset', type: 'switch', default: 'false', cliOnly: true, help: "remove this agent's pods and state, then exit" },
  ],
};
