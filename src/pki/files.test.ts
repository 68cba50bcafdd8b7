import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCa, ensureCert, staleReason } from './files.js';
import { createCa, issueClientCert } from './certs.js';

const dirs: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'k8ts-pki-')); dirs.push(d); return d; };
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

test('ensureCa creates ca.crt and a 0600 ca.key on first call and returns the same CA after', async () => {
  const dir = join(tmp(), 'pki');
  const first = await ensureCa(dir);
  assert.equal(first.created, true);
  assert.equal(statSync(first.keyPath).mode & 0o777, 0o600);
  const again = await ensureCa(dir);
  assert.equal(again.created, false);
  assert.equal(again.cert, first.cert);
  assert.equal(again.key, first.key);
});

test('ensureCa refuses a ca.key that is not the key of ca.crt', async () => {
  const dir = tmp();
  await ensureCa(dir);
  writeFileSync(join(dir, 'ca.key'), (await createCa()).key);
  await assert.rejects(ensureCa(dir), /is not the key of/);
});

test('ensureCert reuses a stored certificate while it is still right', async () => {
  const dir = tmp();
  const ca = await ensureCa(dir);
  const spec = { kind: 'serving' as const, cn: 'apiserver', dnsNames: ['localhost'], ips: ['127.0.0.1'] };
  const a = await ensureCert(dir, 'apiserver', ca, spec);
  assert.equal(a.created, true);
  assert.equal(statSync(a.keyPath).mode & 0o777, 0o600);
  const b = await ensureCert(dir, 'apiserver', ca, spec);
  assert.equal(b.created, false);
  assert.equal(b.cert, a.cert);
});

test('ensureCert reissues when a name is added, the groups change, or another CA signed it', async () => {
  const dir = tmp();
  const ca = await ensureCa(dir);
  const a = await ensureCert(dir, 'apiserver', ca, { kind: 'serving', cn: 'apiserver', ips: ['127.0.0.1'] });
  const b = await ensureCert(dir, 'apiserver', ca, { kind: 'serving', cn: 'apiserver', ips: ['127.0.0.1', '192.0.2.10'] });
  assert.equal(b.created, true);
  assert.notEqual(b.cert, a.cert);
  const k = await ensureCert(dir, 'kubelet', ca, { kind: 'client', cn: 'system:node:a', orgs: ['system:nodes'] });
  const k2 = await ensureCert(dir, 'kubelet', ca, { kind: 'client', cn: 'system:node:a', orgs: ['system:nodes', 'x'] });
  assert.notEqual(k2.cert, k.cert);
  const other = await createCa();
  writeFileSync(join(dir, 'admin.crt'), (await issueClientCert(other, { cn: 'admin' })).cert);
  writeFileSync(join(dir, 'admin.key'), 'x');
  const adm = await ensureCert(dir, 'admin', ca, { kind: 'client', cn: 'admin' });
  assert.equal(adm.created, true);
  assert.equal(staleReason(adm, ca, { kind: 'client', cn: 'admin' }), null);
  assert.notEqual(readFileSync(join(dir, 'admin.key'), 'utf8'), 'x');
});

test('a certificate close to expiry is stale', async () => {
  const ca = await createCa();
  const now = Date.now();
  const c = await issueClientCert(ca, { cn: 'u' }, { now, validityMs: 10 * 24 * 3600 * 1000 });
  assert.equal(staleReason(c, ca, { kind: 'client', cn: 'u' }, now), 'expires soon');
});
