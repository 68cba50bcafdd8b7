// `k8ts apiserver` with kube-apiserver's security flags (--tls-cert-file, --tls-private-key-file,
// --client-ca-file, --token-auth-file, --enable-bootstrap-token-auth, --authorization-mode,
// --anonymous-auth): the options they build, served over a real TLS API server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { createApiServer } from '../../src/apiserver/server.js';
import { createCa, issueClientCert, issueServingCert, type CertKeyPair } from '../../src/pki/index.js';
import { apiserverSecurity, type ApiserverSecurityFlags } from '../../src/cmd/server-security.js';
import { parseFlags } from '../../src/cmd/apiserver.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-apiserver-flags-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function files() {
  const ca = await createCa();
  const serving = await issueServingCert(ca, { cn: 'kube-apiserver', ips: ['127.0.0.1'] });
  const f = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
  return {
    ca,
    flags: {
      tlsCertFile: f('tls.crt', serving.cert), tlsPrivateKeyFile: f('tls.key', serving.key), clientCAFile: f('ca.crt', ca.cert),
      tokenAuthFile: f('tokens.csv', 'tok-1,carol,u3,"system:masters"\n'),
    },
  };
}

/** Serves with the flags, runs fn against its https base URL, then tears everything down. */
async function serving(flags: ApiserverSecurityFlags, fn: (get: (path: string, o?: { cert?: CertKeyPair; token?: string }) => Promise<number>) => Promise<void>, ca: string): Promise<void> {
  const sub = mkdtempSync(join(dir, 's-'));
  const store = openSqliteStore({ path: join(sub, 'store.db') });
  const sec = apiserverSecurity(flags)!;
  const api = createApiServer({ store, log: () => undefined, ...sec.apiOptions });
  sec.attach(api);
  try {
    const port = await api.listen(0, '127.0.0.1');
    await fn((path, o = {}) => new Promise((resolve, reject) => {
      const req = https.request(`https://127.0.0.1:${port}${path}`, {
        ca, cert: o.cert?.cert, key: o.cert?.key, agent: false, timeout: 10_000, headers: o.token ? { Authorization: `Bearer ${o.token}` } : {},
      }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    }));
  } finally {
    await api.close();
    await store.close();
  }
}

test('the flags parse as kube-apiserver spells them', () => {
  const f = parseFlags(['--tls-cert-file', 'a', '--tls-private-key-file=b', '--client-ca-file', 'c', '--token-auth-file', 'd',
    '--enable-bootstrap-token-auth', '--authorization-mode=Node,RBAC', '--anonymous-auth=false']);
  assert.deepEqual([f.tlsCertFile, f.tlsPrivateKeyFile, f.clientCAFile, f.tokenAuthFile, f.bootstrapTokenAuth, f.authorizationMode, f.anonymousAuth],
    ['a', 'b', 'c', 'd', true, ['Node', 'RBAC'], false]);
});

test('no security flag keeps plain HTTP; half a key pair or a client CA without TLS is an error', () => {
  assert.equal(apiserverSecurity({}), null);
  assert.throws(() => apiserverSecurity({ tlsCertFile: 'x' }), /go together/);
  assert.throws(() => apiserverSecurity({ clientCAFile: 'x' }), /needs HTTPS/);
  assert.throws(() => apiserverSecurity({ authorizationMode: ['ABAC'] }), /unknown mode ABAC/);
});

test('AlwaysAllow: client certificates and static tokens authenticate; anonymous is off (401)', async () => {
  const { ca, flags } = await files();
  const user = await issueClientCert(ca, { cn: 'dave' });
  await serving(flags, async (get) => {
    assert.equal(await get('/api/v1/namespaces', { cert: user }), 200);
    assert.equal(await get('/api/v1/namespaces', { token: 'tok-1' }), 200);
    assert.equal(await get('/api/v1/namespaces', { token: 'tok-2' }), 401);
    assert.equal(await get('/version'), 401);
  }, ca.cert);
});

test('RBAC: anonymous may read /version only; an unbound user is 403; system:masters may do all', async () => {
  const { ca, flags } = await files();
  const nobody = await issueClientCert(ca, { cn: 'nobody' });
  await serving({ ...flags, authorizationMode: ['Node', 'RBAC'] }, async (get) => {
    assert.equal(await get('/version'), 200);
    assert.equal(await get('/api/v1/namespaces'), 403);
    assert.equal(await get('/api/v1/namespaces', { cert: nobody }), 403);
    assert.equal(await get('/api/v1/namespaces', { token: 'tok-1' }), 200);
  }, ca.cert);
  await serving({ ...flags, authorizationMode: ['RBAC'], anonymousAuth: false }, async (get) => {
    assert.equal(await get('/version'), 401);
  }, ca.cert);
});
