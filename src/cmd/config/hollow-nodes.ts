import type { ComponentConfig } from './types.js';

export const hollowNodes: ComponentConfig = {
  name: 'hollow-nodes',
  summary: 'N simulated nodes in one process (for scale tests)',
  description: 'Registers N nodes that heartbeat and run their pods in simulation (kubemark/kwok style).',
  settings: [
    { flag: 'kubeconfig', type: 'path', default: '/var/lib/k8ts/server/admin.kubeconfig', help: 'API server address and credentials (default $KUBECONFIG when set)' },
    { flag: 'count', type: 'int', default: '', arg: 'N', help: 'how many nodes (required)' },
    { flag: 'name-prefix', type: 'string', default: 'hollow-node-', arg: 'P', help: 'node names are P0, P1, ...' },
    { flag: 'cpu', type: 'string', default: '8', arg: 'Q', help: 'cpu capacity of each node' },
    { flag: 'memory', type: 'string', default: '32Gi', arg: 'Q', help: 'memory capacity of each node' },
    { flag: 'pods', type: 'int', default: '110', arg: 'N', help: 'pod capacity of each node' },
    { flag: 'zones', type: 'list', default: '', arg: 'a,b,c', help: 'zones handed out round-robin as topology.kubernetes.io/zone' },
    { flag: 'lease-renew', type: 'duration', default: '10s', help: 'lease renewal period' },
  ],
};
