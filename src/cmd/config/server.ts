import type { ComponentConfig } from './types.js';

export const server: ComponentConfig = {
  name: 'server',
  summary: 'run the whole cluster on this machine (store, API server, controllers, scheduler, kubelet)',
  description: 'Runs the whole cluster on this machine in one process: embedded store, API server, controller manager, scheduler, and a kubelet with its own containerd and the service proxy. SIGTERM stops it and removes its pods.',
  settings: [
    { flag: 'data-dir', type: 'path', default: '/var/lib/k8ts', arg: 'DIR', help: 'all state; admin.kubeconfig is written here' },
    { flag: 'bind-address', type: 'ip', default: '127.0.0.1', arg: 'ADDR', help: 'address the API server listens on' },
    { flag: 'port', type: 'port', default: '6443', help: 'API server port (HTTPS unless --insecure)' },
    { flag: 'insecure', type: 'switch', default: 'false', help: 'plain HTTP, no authentication or authorization (loopback --bind-address only)' },
    { flag: 'token-auth-file', type: 'path', default: '', arg: 'FILE', help: 'static bearer tokens: CSV lines token,user,uid,"group1,group2"' },
    { flag: 'tls-san', type: 'list', default: '', arg: 'NAME|IP', repeatable: true, help: 'other names or addresses for the API server certificate (a comma-separated list in the file; the flag repeats)' },
    { flag: 'node-name', type: 'string', default: '<hostname>', arg: 'NAME', help: 'name of this node' },
    { flag: 'pod-cidr', type: 'cidr', default: '10.244.0.0/24', help: "this node's pod subnet" },
    { flag: 'cluster-cidr', type: 'cidr', default: '10.244.0.0/16', help: 'pod network of the cluster' },
    { flag: 'node-monitor-grace-period', type: 'duration', default: '40s', help: 'silence after which a node is NotReady/Unknown' },
    { flag: 'node-lease-duration-seconds', type: 'int', default: '40', arg: 'N', help: 'the kubelet renews its node Lease every N/4 seconds' },
    { flag: 'network-backend', type: 'string', default: 'host-gw', choices: ['host-gw', 'vxlan'], help: 'pod network between nodes: routes on one link (host-gw) or a VXLAN overlay' },
    { flag: 'service-cidr', type: 'cidr', default: '10.96.0.0/12', help: 'range ClusterIPs are allocated from' },
    { flag: 'cluster-dns', type: 'ip', default: '10.96.0.10', arg: 'IP', help: "the kube-dns ClusterIP pods resolve through (default: the service CIDR's 10th address)" },
    { flag: 'cluster-domain', type: 'string', default: 'cluster.local', arg: 'NAME', help: "the cluster's DNS domain" },
    { flag: 'cgroup-root', type: 'string', default: '/k8ts', arg: 'PATH', help: "parent of the pods' cgroups" },
    { flag: 'kubelet-port', type: 'port', default: '10250', help: "port of the kubelet's logs/exec server (a free port when --port is 0)" },
    { flag: 'disable-agent', type: 'switch', default: 'false', help: 'control plane only: no kubelet, no containerd' },
    { flag: 'no-user-kubeconfig', type: 'switch', default: 'false', help: 'do not write ~/.kube/config' },
    { flag: 'reset', type: 'switch', default: 'false', cliOnly: true, help: 'remove every pod and all state of a previous run, then exit' },
  ],
};
