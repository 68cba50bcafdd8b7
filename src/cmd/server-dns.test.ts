import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterDnsIP, kubeDnsObjects, MANAGED_BY, podGateway } from './server-dns.js';
import { parseServerFlags } from './server-flags.js';

test('the cluster DNS address is the service CIDR\'s 10th address', () => {
  assert.equal(clusterDnsIP('10.96.0.0/12'), '10.96.0.10');
  assert.equal(clusterDnsIP('10.43.0.0/16'), '10.43.0.10');
  assert.equal(clusterDnsIP('172.20.5.7/24'), '172.20.5.10'); // host bits ignored, as a CIDR means
  assert.throws(() => clusterDnsIP('10.0.0.0/29'), /too small/);
  assert.throws(() => clusterDnsIP('10.0.0.0'), /invalid IPv4 CIDR/);
});

test('the pods\' gateway is the pod subnet\'s first address', () => {
  assert.deepEqual(podGateway('10.244.0.0/24'), { address: '10.244.0.1', prefix: 24 });
  assert.deepEqual(podGateway('10.250.7.0/24'), { address: '10.250.7.1', prefix: 24 });
  assert.deepEqual(podGateway('10.1.2.128/25'), { address: '10.1.2.129', prefix: 25 });
});

test('kube-dns is a selectorless ClusterIP Service with dns/UDP and dns-tcp/TCP on 53, its endpoints naming the listener', () => {
  const { service, endpoints, slice } = kubeDnsObjects({ clusterIP: '10.96.0.10', address: '10.244.0.1', port: 5353, nodeName: 'n1' });
  const spec = service.spec as Record<string, any>;
  assert.deepEqual([service.metadata.namespace, service.metadata.name], ['kube-system', 'kube-dns']);
  assert.equal(service.metadata.labels!['k8s-app'], 'kube-dns');
  assert.equal(spec.selector, undefined);
  assert.equal(spec.clusterIP, '10.96.0.10');
  assert.deepEqual(spec.ports.map((p: any) => [p.name, p.protocol, p.port, p.targetPort]), [['dns', 'UDP', 53, 5353], ['dns-tcp', 'TCP', 53, 5353]]);
  const s = slice as Record<string, any>;
  assert.equal(s.metadata.labels['kubernetes.io/service-name'], 'kube-dns');
  assert.equal(s.metadata.labels['endpointslice.kubernetes.io/managed-by'], MANAGED_BY);
  assert.deepEqual(s.endpoints, [{ addresses: ['10.244.0.1'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1' }]);
  assert.deepEqual(s.ports.map((p: any) => [p.name, p.protocol, p.port]), [['dns', 'UDP', 5353], ['dns-tcp', 'TCP', 5353]]);
  const e = endpoints as Record<string, any>;
  assert.equal(e.metadata.labels['endpointslice.kubernetes.io/skip-mirror'], 'true');
  assert.deepEqual(e.subsets[0].addresses, [{ ip: '10.244.0.1', nodeName: 'n1' }]);
});

test('k8ts server takes --cluster-dns and --cluster-domain', () => {
  const d = parseServerFlags([], 'h');
  assert.equal(d.clusterDNS, undefined);
  assert.equal(d.clusterDomain, 'cluster.local');
  const f = parseServerFlags(['--cluster-dns', '10.43.0.10', '--cluster-domain=k8s.example'], 'h');
  assert.equal(f.clusterDNS, '10.43.0.10');
  assert.equal(f.clusterDomain, 'k8s.example');
});
