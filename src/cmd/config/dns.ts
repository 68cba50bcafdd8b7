import type { ComponentConfig } from './types.js';

export const dns: ComponentConfig = {
  name: 'dns',
  summary: 'cluster DNS: answers <service>.<namespace>.svc.cluster.local from the API',
  description: 'A DNS server for Services and pods, forwarding other names upstream.',
  settings: [
    { flag: 'kubeconfig', type: 'path', default: '/var/lib/k8ts/server/admin.kubeconfig', help: 'API server address and credentials (default $KUBECONFIG when set)' },
    { flag: 'listen', type: 'ip', default: '0.0.0.0', arg: 'ADDR', help: 'address for UDP and TCP' },
    { flag: 'port', type: 'port', default: '53', help: 'port for UDP and TCP queries' },
    { flag: 'cluster-domain', type: 'string', default: 'cluster.local', arg: 'NAME', help: 'the cluster\'s DNS domain' },
    { flag: 'publish-address', type: 'string', default: '', arg: 'IP', help: 'publish this listener as an endpoint of the kube-dns Service (empty: publish nothing)' },
    { flag: 'cluster-dns', type: 'ip', default: '10.96.0.10', arg: 'IP', help: "the kube-dns Service's ClusterIP, with PUBLISH_ADDRESS" },
    { flag: 'node-name', type: 'string', default: '<hostname>', arg: 'NAME', help: 'names this endpoint, with PUBLISH_ADDRESS' },
    { flag: 'upstream', type: 'string', default: '<the nameservers in /etc/resolv.conf>', arg: 'HOST[:PORT],...', help: 'where names outside the cluster domain are forwarded, tried in order' },
  ],
};
