import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { parse } from 'yaml';
import { apiServerNames, componentIdentities, firstServiceIP, prepareServerSecurity } from './server-security.js';
import { parseServerFlags } from './server-flags.js';
import { certificateSubject } from '../pki/index.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-server-security-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the kubernetes Service address is the first of the service CIDR', () => {
  assert.equal(firstServiceIP('10.96.0.0/12'), '10.96.0.1');
  assert.equal(firstServiceIP('172.30.255.0/24'), '172.30.255.1');
  assert.equal(firstServiceIP('fd00::/108'), null);
});

test('the API server certificate names loopback, the host, the Service IP and every kubernetes Service name', () => {
  const n = apiServerNames({ bindAddress: '0.0.0.0', serviceCIDR: '10.96.0.0/12', extraSANs: ['api.example', '203.0.113.9'] });
  for (const ip of ['127.0.0.1', '10.96.0.1', '203.0.113.9']) assert.ok(n.ips.includes(ip), ip);
  for (const d of ['localhost', hostname().toLowerCase(), 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'api.example']) {
    assert.ok(n.dnsNames.includes(d), d);
  }
  assert.ok(!n.ips.includes('0.0.0.0'));
});

test('component identities are the users and groups RBAC\'s bootstrap policy and the Node authorizer expect', () => {
  const ids = componentIdentities('n1');
  assert.deepEqual(ids.kubelet, { cn: 'system:node:n1', orgs: ['system:nodes'] });
  assert.equal(ids['controller-manager']!.cn, 'system:kube-controller-manager');
  assert.equal(ids.scheduler!.cn, 'system:kube-scheduler');
  assert.equal(ids.proxy!.cn, 'system:kube-proxy');
  assert.deepEqual(ids.admin!.orgs, ['system:masters']);
});

test('server security is created once under the data dir and reused: same CA, keys 0600, identities per component', async () => {
  const o = { dataDir: dir, nodeName: 'n1', bindAddress: '127.0.0.1', serviceCIDR: '10.96.0.0/12' };
  const a = await prepareServerSecurity(o);
  a.close();
  const b = await prepareServerSecurity(o);
  b.close();
  assert.equal(b.ca.cert, a.ca.cert);
  assert.equal(b.ca.created, false);
  for (const f of ['ca.key', 'apiserver.key', 'client-admin.key', 'client-kubelet.key', 'sa.key']) assert.equal(statSync(join(b.pkiDir, f)).mode & 0o777, 0o600, f);
  assert.equal(certificateSubject(b.credentials('kubelet').cert).cn, 'system:node:n1');
  assert.equal(certificateSubject(b.credentials('node-network').cert).cn, 'system:node:n1');
  assert.equal(certificateSubject(b.credentials('scheduler').cert).cn, 'system:kube-scheduler');
  const serving = new X509Certificate(b.apiOptions.tls!.cert);
  assert.ok(serving.checkIssued(new X509Certificate(b.ca.cert)));
  assert.ok(serving.checkIP('10.96.0.1'));
  const kc = parse(b.adminKubeconfig('https://127.0.0.1:6443')) as any;
  assert.equal(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), b.ca.cert);
  assert.equal(certificateSubject(Buffer.from(kc.users[0].user['client-certificate-data'], 'base64').toString()).cn, 'kubernetes-admin');
});

test('--insecure is refused on a non-loopback address', () => {
  assert.equal(parseServerFlags(['--insecure'], 'h').insecure, true);
  assert.throws(() => parseServerFlags(['--insecure', '--bind-address', '0.0.0.0'], 'h'), /only on loopback/);
  assert.equal(parseServerFlags([], 'h').insecure, false);
});
