import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createCa, issueClientCert, issueServingCert } from '../../pki/certs.js';
import { verifyClientChain, parseCaBundle } from './x509.js';

const der = (pem: string) => new X509Certificate(pem).raw;
const NOW = Date.now();

test('a client certificate from the CA proves CN as the user and each O as a group', async () => {
  const ca = await createCa();
  const c = await issueClientCert(ca, { cn: 'system:node:n1', orgs: ['system:nodes', 'team-a'] });
  assert.deepEqual(verifyClientChain([der(c.cert)], parseCaBundle(ca.cert), NOW), { username: 'system:node:n1', groups: ['system:nodes', 'team-a'] });
});

test('any CA of a bundle is accepted', async () => {
  const [a, b] = [await createCa('a'), await createCa('b')];
  const c = await issueClientCert(b, { cn: 'bob' });
  assert.equal((verifyClientChain([der(c.cert)], parseCaBundle(a.cert + b.cert), NOW) as { username: string }).username, 'bob');
});

test('a certificate from another CA is refused as signed by an unknown authority', async () => {
  const [ca, other] = [await createCa(), await createCa()];
  const c = await issueClientCert(other, { cn: 'mallory', orgs: ['system:masters'] });
  const r = verifyClientChain([der(c.cert)], parseCaBundle(ca.cert), NOW);
  assert.ok(r instanceof Error);
  assert.match(r.message, /unknown authority/);
});

test('an expired certificate, and one not yet valid, are refused', async () => {
  const ca = await createCa('ca', { now: NOW - 10 * 24 * 3600_000 });
  const old = await issueClientCert(ca, { cn: 'alice' }, { now: NOW - 3 * 24 * 3600_000, validityMs: 24 * 3600_000 });
  const r = verifyClientChain([der(old.cert)], parseCaBundle(ca.cert), NOW);
  assert.ok(r instanceof Error);
  assert.match(r.message, /expired/);
  const future = await issueClientCert(ca, { cn: 'alice' }, { now: NOW + 24 * 3600_000 });
  assert.ok(verifyClientChain([der(future.cert)], parseCaBundle(ca.cert), NOW) instanceof Error);
  // The same certificate is good while it is valid.
  assert.ok(!(verifyClientChain([der(old.cert)], parseCaBundle(ca.cert), NOW - 2.5 * 24 * 3600_000) instanceof Error));
});

test('a tampered certificate (one bit of its subject changed) is refused', async () => {
  const ca = await createCa();
  const c = await issueClientCert(ca, { cn: 'alice', orgs: ['viewers'] });
  const raw = Buffer.from(der(c.cert));
  const at = raw.indexOf(Buffer.from('viewers'));
  assert.ok(at > 0);
  raw[at] = 'm'.charCodeAt(0); // "miewers"
  const r = verifyClientChain([raw], parseCaBundle(ca.cert), NOW);
  assert.ok(r instanceof Error);
  assert.match(r.message, /unknown authority/);
});

test('a serving-only certificate is refused for client authentication', async () => {
  const ca = await createCa();
  const s = await issueServingCert(ca, { cn: 'kube-apiserver', dnsNames: ['localhost'] });
  const r = verifyClientChain([der(s.cert)], parseCaBundle(ca.cert), NOW);
  assert.ok(r instanceof Error);
  assert.match(r.message, /incompatible key usage/);
});

test('an expired CA signs nothing valid', async () => {
  const ca = await createCa('ca', { now: NOW - 10 * 24 * 3600_000, validityMs: 24 * 3600_000 });
  const c = await issueClientCert(ca, { cn: 'alice' }, { now: NOW - 10 * 24 * 3600_000 + 3600_000, validityMs: 30 * 24 * 3600_000 });
  assert.ok(verifyClientChain([der(c.cert)], parseCaBundle(ca.cert), NOW) instanceof Error);
});

test('a CA bundle without certificates is an error', () => {
  assert.throws(() => parseCaBundle('nothing here'), /no certificate/);
});
