import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig, parseKubeconfig } from './kubeconfig.js';
import { RestClient } from './rest.js';

const doc = `
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c1
  cluster:
    server: https://10.0.0.1:6443/
    certificate-authority-data: ${Buffer.from('CA').toString('base64')}
- name: c2
  cluster:
    server: http://127.0.0.1:8080
contexts:
- name: dev
  context: { cluster: c1, user: u1, namespace: team }
- name: local
  context: { cluster: c2, user: u2 }
users:
- name: u1
  user:
    client-certificate-data: ${Buffer.from('CERT').toString('base64')}
    client-key: key.pem
- name: u2
  user:
    token: abc
`;

test('the current context selects server, CA, client certificate and namespace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubeconfig-'));
  try {
    writeFileSync(join(dir, 'config'), doc);
    writeFileSync(join(dir, 'key.pem'), 'KEY');
    const k = loadKubeconfig(join(dir, 'config'));
    assert.equal(k.server, 'https://10.0.0.1:6443');
    assert.equal(k.ca?.toString(), 'CA');
    assert.equal(k.cert?.toString(), 'CERT');
    assert.equal(k.key?.toString(), 'KEY', 'relative file paths resolve against the kubeconfig folder');
    assert.equal(k.namespace, 'team');
    assert.equal(k.token, undefined);
    // The PEM here is placeholder text: a client refuses it at once, saying what is wrong.
    assert.throws(() => RestClient.fromKubeconfig(join(dir, 'config')), /invalid TLS material for https:\/\/10\.0\.0\.1:6443/);
    const client = RestClient.fromKubeconfig(join(dir, 'config'), { ca: undefined, cert: undefined, key: undefined });
    assert.equal(client.server, 'https://10.0.0.1:6443');
    assert.equal(client.namespace, 'team', 'calls without a namespace use the context namespace');
    client.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a named context with a token user; missing pieces are clear errors', () => {
  const k = parseKubeconfig(doc, '/nowhere', 'local');
  assert.equal(k.server, 'http://127.0.0.1:8080');
  assert.equal(k.token, 'abc');
  assert.equal(k.namespace, 'default');
  assert.throws(() => parseKubeconfig(doc, '/', 'nope'), /context "nope" not found/);
  assert.throws(() => parseKubeconfig('clusters: []', '/'), /no current-context/);
});
