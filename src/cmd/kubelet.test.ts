import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from './kubelet.js';

test('kubelet flags: defaults, both flag forms, and a required kubeconfig', () => {
  const f = parseFlags(['--kubeconfig', '/k.conf', '--node-name=n1', '--container-runtime-endpoint', 'unix:///run/c.sock', '--cluster-dns', '10.0.0.10', '--pod-manifest-path=/m']);
  assert.equal(f.kubeconfig, '/k.conf');
  assert.equal(f.nodeName, 'n1');
  assert.equal(f.runtimeEndpoint, '/run/c.sock');
  assert.deepEqual(f.clusterDNS, ['10.0.0.10']);
  assert.equal(f.staticPodDir, '/m');
  assert.equal(f.rootDir, '/var/lib/k8ts/kubelet');
  assert.equal(f.clusterDomain, 'cluster.local');
  assert.throws(() => parseFlags([]), /--kubeconfig is required/);
  assert.throws(() => parseFlags(['--kubeconfig', 'x', '--bogus']), /unknown flag --bogus/);
});
