import type { ComponentConfig, Setting } from './types.js';

/** Shared with `agent`, which runs a kubelet. */
export const KUBELET_SETTINGS: Setting[] = [
  { flag: 'kubeconfig', type: 'path', default: '', help: 'API server address and credentials (required)' },
  { flag: 'node-name', type: 'string', default: '<hostname>', arg: 'NAME', help: 'name of this node' },
  { flag: 'root-dir', type: 'path', default: '/var/lib/k8ts/kubelet', arg: 'DIR', help: 'pod directories (volumes, logs links)' },
  { flag: 'container-runtime-endpoint', type: 'string', default: '', arg: 'SOCK', help: 'a CRI socket (unix:///run/containerd/containerd.sock) of a containerd run by its own service; empty: the kubelet starts and stops its own containerd' },
  { flag: 'containerd-dir', type: 'path', default: '/var/lib/k8ts/containerd', arg: 'DIR', help: "state of the kubelet's own containerd" },
  { flag: 'images-dir', type: 'path', default: '/var/lib/k8ts/images', arg: 'DIR', help: 'OCI or Docker image archives imported at start' },
  { flag: 'node-ip', type: 'ip', default: '<first non-loopback IPv4>', arg: 'IP', help: "this node's address" },
  { flag: 'pod-cidr', type: 'cidr', default: '10.244.0.0/24', help: "this node's pod subnet" },
  { flag: 'pod-manifest-path', type: 'path', default: '', arg: 'DIR', help: 'static pod manifests' },
  { flag: 'cluster-dns', type: 'list', default: '', arg: 'IP[,IP]', help: 'DNS servers for ClusterFirst pods' },
  { flag: 'cluster-domain', type: 'string', default: 'cluster.local', arg: 'DOMAIN', help: 'cluster DNS domain written into pods\' resolv.conf' },
];

export const kubelet: ComponentConfig = {
  name: 'kubelet',
  summary: 'runs the pods bound to this node through containerd',
  description: 'Registers this node, keeps its heartbeat, and runs the pods bound to it through CRI: its own containerd (started and stopped with it) or the one at --container-runtime-endpoint.',
  settings: KUBELET_SETTINGS,
};
