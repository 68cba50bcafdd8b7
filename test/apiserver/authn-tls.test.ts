// Authentication over a real TLS API server: a request with no credentials is 401; a client
// certificate from the cluster CA is its CN/O user, one from another CA or expired is 401; a static
// token file user and a bootstrap token (kube-system Secret, read from the server's own cache) are
// recognized, an expired bootstrap token is 401. The authorizer here only records who asked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import type { Store } from '../../src/storage/types.js';
import { createApiServer, type ApiServer } from '../../src/apiserver/server.js';
import type { KubeObject } from '../../src/api/resource.js';
import type { UserInfo } from '../../src/apiserver/auth/types.js';
import { objectKey } from '../../src/apiserver/storage/keys.js';
import { createCa, issueClientCert, issueServingCert, type CertKeyPair } from '../../src/pki/index.js';
import {
  unionAuthenticator, x509Authenticator, bearerTokenAuthenticator, bootstrapTokenAuthenticator, tokenFileAuthenticator, parseTokenFile,
} from '../../src/apiserver/authn/index.js';

let dir: string;
let store: Store;
let api: ApiServer;
let base: string;
let ca: CertKeyPair;
let admin: CertKeyPair;
const seen: UserInfo[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'k8ts-authn-tls-'));
  store = openSqliteStore({ path: join(dir, 'store.db') });
  ca = await createCa('test-ca');
  admin = await issueClientCert(ca, { cn: 'kubernetes-admin', orgs: ['system:masters'] });
  const serving = await issueServingCert(ca, { cn: 'kube-apiserver', dnsNames: ['localhost'], ips: ['127.0.0.1'] });
  let server: ApiServer | undefined;
  const secrets = (name: string) => {
    const s = server?.ctx.byPath.get('/v1/secrets');
    return s?.cache.get(objectKey(s.def, 'kube-system', name))?.obj;
  };
  server = createApiServer({
    store, log: () => undefined,
    tls: { cert: serving.cert, key: serving.key, clientCA: ca.cert },
    security: {
      authenticator: unionAuthenticator(
        x509Authenticator({ clientCA: ca.cert }),
        bearerTokenAuthenticator([
          tokenFileAuthenticator(parseTokenFile('s3cret-token,alice,uid-alice,"devs,ops"\n')),
          bootstrapTokenAuthenticator({ secrets }),
        ]),
      ),
      authorizer: { authorize: (a) => { seen.push(a.user); return { allowed: true }; } },
    },
  });
  api = server;
  base = `https://127.0.0.1:${await api.listen(0, '127.0.0.1')}`;
});

after(async () => {
  await api?.close();
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Reply { status: number; json: any }
function call(method: string, path: string, o: { cert?: CertKeyPair; token?: string; body?: unknown; verifyCA?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = o.body === undefined ? undefined : JSON.stringify(o.body);
    const req = https.request(`${base}${path}`, {
      method, ca: o.verifyCA ?? ca.cert, cert: o.cert?.cert, key: o.cert?.key, agent: false, timeout: 10_000,
      headers: { ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}), ...(data ? { 'Content-Type': 'application/json' } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => { const t = Buffer.concat(chunks).toString(); resolve({ status: res.statusCode ?? 0, json: t ? JSON.parse(t) : null }); });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(data);
  });
}
const lastUser = () => seen[seen.length - 1]!;

test('the API server answers HTTPS with a certificate the cluster CA verifies, and refuses other CAs\' trust', async () => {
  const r = await call('GET', '/version', { cert: admin });
  assert.equal(r.status, 200);
  const other = await createCa('other');
  await assert.rejects(call('GET', '/version', { verifyCA: other.cert }), /self[- ]signed|unable to verify|certificate/i);
});

test('a request with no credentials is 401 Unauthorized', async () => {
  const r = await call('GET', '/api/v1/namespaces');
  assert.equal(r.status, 401);
  assert.equal(r.json.reason, 'Unauthorized');
});

test('a client certificate from the cluster CA is its CN as user and its O as groups', async () => {
  const node = await issueClientCert(ca, { cn: 'system:node:n1', orgs: ['system:nodes'] });
  const r = await call('GET', '/api/v1/namespaces', { cert: node });
  assert.equal(r.status, 200);
  assert.equal(lastUser().username, 'system:node:n1');
  assert.deepEqual(lastUser().groups, ['system:nodes', 'system:authenticated']);
});

test('a client certificate from another CA, or an expired one, is 401', async () => {
  const other = await createCa('other');
  const forged = await issueClientCert(other, { cn: 'kubernetes-admin', orgs: ['system:masters'] });
  assert.equal((await call('GET', '/api/v1/namespaces', { cert: forged })).status, 401);
  const day = 24 * 3600_000;
  const expired = await issueClientCert(ca, { cn: 'old' }, { now: Date.now() - 3 * day, validityMs: day });
  assert.equal((await call('GET', '/api/v1/namespaces', { cert: expired })).status, 401);
});

test('a static token file user is recognized; an unknown token is 401', async () => {
  assert.equal((await call('GET', '/api/v1/namespaces', { token: 's3cret-token' })).status, 200);
  assert.equal(lastUser().username, 'alice');
  assert.equal(lastUser().uid, 'uid-alice');
  assert.deepEqual(lastUser().groups, ['devs', 'ops', 'system:authenticated']);
  assert.equal((await call('GET', '/api/v1/namespaces', { token: 'guess' })).status, 401);
});

function bootstrapSecret(id: string, secret: string, expiration: string): KubeObject {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'bootstrap.kubernetes.io/token', metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    data: { 'token-id': b64(id), 'token-secret': b64(secret), expiration: b64(expiration), 'usage-bootstrap-authentication': b64('true'),
      'auth-extra-groups': b64('system:bootstrappers:k8ts:default-node-token') },
  } as KubeObject;
}

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a bootstrap token is system:bootstrap:<id> while its Secret is valid; expired it is 401', async () => {
  const future = new Date(Date.now() + 3600_000).toISOString();
  const past = new Date(Date.now() - 60_000).toISOString();
  for (const s of [bootstrapSecret('abcdef', '0123456789abcdef', future), bootstrapSecret('zyxwvu', '0123456789abcdef', past)]) {
    const r = await call('POST', '/api/v1/namespaces/kube-system/secrets', { cert: admin, body: s });
    assert.equal(r.status, 201, JSON.stringify(r.json));
  }
  // The authenticator reads the watch cache: wait for the write to reach it.
  await until('the token to be accepted', async () => (await call('GET', '/api/v1/namespaces', { token: 'abcdef.0123456789abcdef' })).status === 200);
  assert.equal(lastUser().username, 'system:bootstrap:abcdef');
  assert.deepEqual(lastUser().groups, ['system:bootstrappers', 'system:bootstrappers:k8ts:default-node-token', 'system:authenticated']);
  assert.equal((await call('GET', '/api/v1/namespaces', { token: 'zyxwvu.0123456789abcdef' })).status, 401);
  assert.equal((await call('GET', '/api/v1/namespaces', { token: 'abcdef.ffffffffffffffff' })).status, 401);
  // Deleting the Secret revokes the token.
  assert.equal((await call('DELETE', '/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef', { cert: admin })).status, 200);
  await until('the token to be refused', async () => (await call('GET', '/api/v1/namespaces', { token: 'abcdef.0123456789abcdef' })).status === 401);
});
