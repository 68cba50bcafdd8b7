import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '../../api/core/v1/pod.js';
import { hostResolvConf, nodeResolvConfPath, parseResolvConf, podDnsConfig, type DnsSettings, type DnsWarning } from './dns.js';

const host = { servers: ['192.168.1.1', '192.168.1.2'], searches: ['corp.example'], options: ['timeout:2'] };
const settings: DnsSettings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', host };

function pod(spec: Record<string, unknown> = {}): Pod {
  return { metadata: { name: 'p', namespace: 'shop', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } } as Pod;
}

test('ClusterFirst: only the cluster DNS, the namespace search path then the node\'s, ndots:5', () => {
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst' }), settings), {
    servers: ['10.96.0.10'],
    searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example'],
    options: ['ndots:5'],
  });
  // Unset policy is ClusterFirst (the API server defaults it; static pods may lack it).
  assert.deepEqual(podDnsConfig(pod(), settings).servers, ['10.96.0.10']);
});

test('ClusterFirst on the host network falls back to the node\'s resolv.conf; ClusterFirstWithHostNet does not', () => {
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst', hostNetwork: true }), settings), host);
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }), settings).servers, ['10.96.0.10']);
});

test('Default copies the node\'s resolv.conf', () => {
  assert.deepEqual(podDnsConfig(pod({ dnsPolicy: 'Default' }), settings), host);
});

test('None uses only dnsConfig', () => {
  const r = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }), settings);
  assert.deepEqual(r, { servers: ['1.1.1.1'], searches: ['a.example'], options: ['ndots:2', 'edns0'] });
});

test('dnsConfig is merged into ClusterFirst: servers and searches appended once, options override by name', () => {
  const r = podDnsConfig(pod({ dnsConfig: { nameservers: ['10.96.0.10', '9.9.9.9'], searches: ['svc.cluster.local', 'extra.example'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen', value: '' }] } }), settings);
  assert.deepEqual(r.servers, ['10.96.0.10', '9.9.9.9']);
  assert.deepEqual(r.searches, ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'corp.example', 'extra.example']);
  assert.deepEqual(r.options, ['ndots:1', 'single-request-reopen']);
});

test('without a cluster DNS, ClusterFirst falls back to Default and warns MissingClusterDNS', () => {
  const warnings: DnsWarning[] = [];
  const r = podDnsConfig(pod(), { ...settings, clusterDNS: [] }, (w) => warnings.push(w));
  assert.deepEqual(r, host);
  assert.deepEqual(warnings.map((w) => w.reason), ['MissingClusterDNS']);
});

test('an empty cluster domain keeps only the node\'s search path', () => {
  assert.deepEqual(podDnsConfig(pod(), { ...settings, clusterDomain: '' }).searches, ['corp.example']);
});

test('cuts to 3 nameservers and 32 search paths of at most 2048 characters, warning DNSConfigForming', () => {
  const warnings: DnsWarning[] = [];
  const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
  const r = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'], searches: many } }), settings, (w) => warnings.push(w));
  assert.deepEqual(r.servers, ['1.1.1.1', '2.2.2.2', '3.3.3.3']);
  assert.deepEqual(r.searches, many.slice(0, 32));
  assert.deepEqual(warnings.map((w) => w.reason), ['DNSConfigForming', 'DNSConfigForming']);
  const long = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(2, '0')}.${'x'.repeat(120)}.example`);
  const cut = podDnsConfig(pod({ dnsPolicy: 'None', dnsConfig: { searches: ['y'.repeat(254), ...long] } }), settings);
  assert.ok(cut.searches.join(' ').length <= 2048);
  assert.deepEqual(cut.searches, long.slice(0, cut.searches.length));
  assert.ok(cut.searches.length < 20);
});

test('parses resolv.conf as the kubelet does: nameservers accumulate, the last search and options win', () => {
  const r = parseResolvConf('# comment\nnameserver 10.0.0.1\nsearch old.example\nnameserver 10.0.0.2\nsearch a.example. b.example\noptions ndots:2\noptions rotate\n; other comment\n');
  assert.deepEqual(r, { servers: ['10.0.0.1', '10.0.0.2'], searches: ['a.example', 'b.example'], options: ['rotate'] });
});

test('reads systemd-resolved\'s upstream list when /etc/resolv.conf names only its loopback stub', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-dns-test-'));
  try {
    const etc = join(dir, 'resolv.conf');
    const resolved = join(dir, 'resolved.conf');
    writeFileSync(etc, 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n');
    assert.equal(nodeResolvConfPath(etc, resolved), etc); // no systemd-resolved file: keep it
    writeFileSync(resolved, 'nameserver 192.168.1.1\nsearch lan\n');
    assert.equal(nodeResolvConfPath(etc, resolved), resolved);
    assert.deepEqual(hostResolvConf(nodeResolvConfPath(etc, resolved)).servers, ['192.168.1.1']);
    writeFileSync(etc, 'nameserver 10.0.0.1\n');
    assert.equal(nodeResolvConfPath(etc, resolved), etc);
    assert.deepEqual(hostResolvConf(join(dir, 'absent')), { servers: [], searches: [], options: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
