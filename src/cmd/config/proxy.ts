import type { ComponentConfig } from './types.js';

export const proxy: ComponentConfig = {
  name: 'proxy',
  summary: 'the service proxy: programs nftables so every Service is reachable on this node',
  description: 'Keeps the nftables tables "ip k8ts-proxy" and "ip k8ts-proxy-<n>" in step with Services and EndpointSlices.',
  settings: [
    { flag: 'kubeconfig', type: 'path', default: '/var/lib/k8ts/server/admin.kubeconfig', help: 'API server address and credentials (default $KUBECONFIG when set)' },
    { flag: 'node-name', type: 'string', default: '<hostname>', arg: 'NAME', help: 'name of this node' },
    { flag: 'node-ip', type: 'list', default: "<the Node's addresses>", arg: 'IP[,IP]', help: 'addresses NodePorts answer on' },
    { flag: 'min-sync-period', type: 'millis', default: '100', arg: 'MS', help: 'fewest milliseconds between two rule updates' },
    { flag: 'cleanup', type: 'switch', default: 'false', cliOnly: true, help: 'delete the tables ip k8ts-proxy and ip k8ts-proxy-<n> and exit' },
  ],
};
