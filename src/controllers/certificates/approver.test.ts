import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCsr } from '../../pki/certs.js';
import { autoApprovable } from './approver.js';
import { csrState } from './node-csr.js';
import type { CertificateSigningRequest } from '../../api/certificates/v1/csr.js';

async function csr(cn: string, orgs: string[], requester: { username: string; groups: string[] }, extra: Partial<CertificateSigningRequest['spec']> = {}, dnsNames?: string[]): Promise<CertificateSigningRequest> {
  const { csr: pem } = await createCsr({ cn, orgs, dnsNames });
  return {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'x' },
    spec: { request: Buffer.from(pem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], ...requester, ...extra },
  } as CertificateSigningRequest;
}

const bootstrapper = { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:k8ts:default-node-token', 'system:authenticated'] };

test('a joining node\'s client certificate request from a bootstrap token is approved', async () => {
  const v = autoApprovable(await csr('system:node:n1', ['system:nodes'], bootstrapper));
  assert.deepEqual(v, { ok: true, node: 'n1', renewal: false });
});

test('a node renewing its own certificate is approved; renewing another node\'s is not', async () => {
  const self = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
  assert.deepEqual(autoApprovable(await csr('system:node:n1', ['system:nodes'], self)), { ok: true, node: 'n1', renewal: true });
  assert.equal(autoApprovable(await csr('system:node:n2', ['system:nodes'], self)).ok, false);
});

test('requests that are not plain node client certificates wait for a human', async () => {
  const cases = [
    await csr('system:node:n1', ['system:masters'], bootstrapper),
    await csr('admin', ['system:nodes'], bootstrapper),
    await csr('system:node:n1', ['system:nodes'], bootstrapper, { usages: ['digital signature', 'server auth'] }),
    await csr('system:node:n1', ['system:nodes'], bootstrapper, { signerName: 'kubernetes.io/kube-apiserver-client' }),
    await csr('system:node:n1', ['system:nodes'], bootstrapper, {}, ['evil.example']),
    await csr('system:node:n1', ['system:nodes'], { username: 'alice', groups: ['system:authenticated'] }),
  ];
  for (const c of cases) assert.equal(autoApprovable(c).ok, false, JSON.stringify(c.spec.usages));
});

test('CSR states follow conditions and the certificate', async () => {
  const c = await csr('system:node:n1', ['system:nodes'], bootstrapper);
  assert.equal(csrState(c), 'Pending');
  c.status = { conditions: [{ type: 'Approved', status: 'True' }] };
  assert.equal(csrState(c), 'Approved');
  c.status.certificate = 'eA==';
  assert.equal(csrState(c), 'Issued');
  c.status = { conditions: [{ type: 'Denied', status: 'True' }] };
  assert.equal(csrState(c), 'Denied');
});

test('a node\'s own kubelet serving certificate request is approved; another node\'s or one with other names is not', async () => {
  const self = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
  const serving = { signerName: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'] };
  const mine = await csr('system:node:n1', ['system:nodes'], self, serving, ['n1']);
  assert.deepEqual(autoApprovable(mine), { ok: true, node: 'n1', renewal: false });
  assert.equal(autoApprovable(await csr('system:node:n2', ['system:nodes'], self, serving, ['n2'])).ok, false);
  assert.equal(autoApprovable(await csr('system:node:n1', ['system:nodes'], bootstrapper, serving, ['n1'])).ok, false, 'a bootstrap token may not get serving certificates');
  assert.equal(autoApprovable(await csr('system:node:n1', ['system:nodes'], self, { ...serving, usages: ['server auth', 'client auth'] }, ['n1'])).ok, false);
  assert.equal(autoApprovable(await csr('system:node:n1', ['system:nodes'], self, serving)).ok, false, 'no names');
});
