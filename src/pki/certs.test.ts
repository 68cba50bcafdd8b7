import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createCa, issueServingCert, issueClientCert, createCsr, signCsr, certificateSubject, certificateSans, USAGE_OIDS } from './certs.js';

const NOW = Date.UTC(2030, 0, 1);
const YEAR = 365 * 24 * 3600 * 1000;

test('a CA is self-signed, marked CA, and valid for ten years', async () => {
  const ca = await createCa('test-ca', { now: NOW });
  const c = new X509Certificate(ca.cert);
  assert.equal(c.ca, true);
  assert.equal(c.subject, 'CN=test-ca');
  assert.ok(c.verify(c.publicKey));
  assert.ok(c.checkPrivateKey(createPrivateKey(ca.key)));
  const years = (Date.parse(c.validTo) - NOW) / YEAR;
  assert.ok(years > 9.9 && years < 10.1, `validity ${years} years`);
  assert.ok(Date.parse(c.validFrom) <= NOW);
});

test('a serving certificate names every DNS name and IP, is for serverAuth only, valid a year', async () => {
  const ca = await createCa('ca', { now: NOW });
  const s = await issueServingCert(ca, { cn: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes.default.svc'], ips: ['127.0.0.1', '10.96.0.1', '::1'] }, { now: NOW });
  const c = new X509Certificate(s.cert);
  assert.ok(c.verify(new X509Certificate(ca.cert).publicKey));
  assert.equal(c.ca, false);
  assert.deepEqual(c.keyUsage, [USAGE_OIDS.serverAuth]);
  assert.deepEqual(certificateSans(s.cert), { dnsNames: ['localhost', 'kubernetes.default.svc'], ips: ['127.0.0.1', '10.96.0.1', '0:0:0:0:0:0:0:1'] });
  assert.equal(c.checkHost('kubernetes.default.svc'), 'kubernetes.default.svc');
  assert.equal(c.checkIP('10.96.0.1'), '10.96.0.1');
  assert.equal(c.checkHost('evil.example'), undefined);
  const days = (Date.parse(c.validTo) - NOW) / (24 * 3600 * 1000);
  assert.ok(days > 364 && days < 366, `validity ${days} days`);
  assert.ok(c.checkPrivateKey(createPrivateKey(s.key)));
});

test('a serving certificate refuses an address that is not an IP', async () => {
  const ca = await createCa();
  await assert.rejects(issueServingCert(ca, { cn: 'x', ips: ['not-an-ip'] }), /not an IP address/);
});

test('a client certificate carries the user as CN and each group as an O, for clientAuth', async () => {
  const ca = await createCa();
  const cl = await issueClientCert(ca, { cn: 'system:node:n1', orgs: ['system:nodes', 'extra'] });
  assert.deepEqual(certificateSubject(cl.cert), { cn: 'system:node:n1', orgs: ['system:nodes', 'extra'] });
  const c = new X509Certificate(cl.cert);
  assert.deepEqual(c.keyUsage, [USAGE_OIDS.clientAuth]);
  assert.ok(c.checkIssued(new X509Certificate(ca.cert)));
});

test('names with DN-special characters are kept exactly as given', async () => {
  const ca = await createCa();
  const odd = 'a+b,c\\d "q"=x;y';
  const cl = await issueClientCert(ca, { cn: odd, orgs: ['g+h', 'o,p'] });
  assert.deepEqual(certificateSubject(cl.cert), { cn: odd, orgs: ['g+h', 'o,p'] });
  const req = await createCsr({ cn: odd, orgs: ['g "x"'] });
  assert.deepEqual(certificateSubject(await signCsr(ca, req.csr, { usages: ['client auth'] })), { cn: odd, orgs: ['g "x"'] });
});

test('a signed CSR keeps the requester\'s subject, SANs and key, with the requested usages', async () => {
  const ca = await createCa();
  const req = await createCsr({ cn: 'system:node:n2', orgs: ['system:nodes'], dnsNames: ['n2.local'], ips: ['192.0.2.7'] });
  const pem = await signCsr(ca, req.csr, { usages: ['digital signature', 'key encipherment', 'server auth'] });
  const c = new X509Certificate(pem);
  assert.ok(c.verify(new X509Certificate(ca.cert).publicKey));
  assert.ok(c.checkPrivateKey(createPrivateKey(req.key)), 'the certificate is for the requester\'s key');
  assert.deepEqual(certificateSubject(pem), { cn: 'system:node:n2', orgs: ['system:nodes'] });
  assert.deepEqual(certificateSans(pem), { dnsNames: ['n2.local'], ips: ['192.0.2.7'] });
  assert.deepEqual(c.keyUsage, [USAGE_OIDS.serverAuth]);
});

test('a CSR whose signature does not match its key is refused', async () => {
  const ca = await createCa();
  const req = await createCsr({ cn: 'alice' });
  // Flip one bit in the signature (the last bytes of the DER).
  const der = Buffer.from(req.csr.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
  der[der.length - 3] ^= 0x01;
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  await assert.rejects(signCsr(ca, tampered, { usages: ['client auth'] }), /signature is invalid/);
});
