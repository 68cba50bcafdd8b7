import type { ComponentConfig } from './types.js';

export const controllerManager: ComponentConfig = {
  name: 'controller-manager',
  summary: 'the controllers that restore desired state',
  description: 'Runs the controllers (replication, deployment, endpoints, node lifecycle, ...) against the API server; with leader election, several may run and one acts.',
  settings: [
    { flag: 'kubeconfig', type: 'path', default: '/var/lib/k8ts/server/admin.kubeconfig', help: 'API server address and credentials (default $KUBECONFIG when set)' },
    { flag: 'master', type: 'url', default: '', help: "API server address; overrides the kubeconfig's" },
    { flag: 'controllers', type: 'list', default: '*', arg: 'LIST', help: '"*" all; "name" enables and "-name" disables one controller' },
    { flag: 'leader-elect', type: 'bool', default: 'true', help: 'act only while holding the Lease kube-system/kube-controller-manager' },
    { flag: 'leader-elect-lease-duration', type: 'duration', default: '15s', help: 'how long a lease holder is trusted without renewing' },
    { flag: 'leader-elect-renew-deadline', type: 'duration', default: '10s', help: 'how long the leader keeps trying to renew before it stops acting' },
    { flag: 'leader-elect-retry-period', type: 'duration', default: '2s', help: 'how often candidates try to take or renew the lease' },
    { flag: 'cluster-cidr', type: 'cidr', default: '10.244.0.0/16', help: 'pod network; node IPAM carves each node\'s podCIDR from it' },
    { flag: 'node-cidr-mask-size', type: 'int', default: '24', arg: 'N', help: 'prefix length of each node\'s podCIDR' },
    { flag: 'node-monitor-grace-period', type: 'duration', default: '50s', help: 'silence after which a node is marked Unknown' },
    { flag: 'node-monitor-period', type: 'duration', default: '5s', help: 'how often node health is checked' },
    { flag: 'terminated-pod-gc-threshold', type: 'int', default: '12500', arg: 'N', help: 'terminated pods kept before the oldest are deleted (0 disables)' },
    { flag: 'concurrent-syncs', type: 'int', default: '5', arg: 'N', help: 'workers per controller' },
  ],
};
