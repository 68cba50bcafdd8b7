// The kubelet's delegated authentication and authorization against a real API server: bearer
// tokens through TokenReview, client certificates against the client CA, decisions through
// SubjectAccessReview (asked as the node itself, which the Node authorizer allows), cached briefly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../apiserver/harness.js';
import { testTokenAuthenticator } from '../apiserver/test-token-authenticator.js';
import { allResources } from '../../src/api/registry.js';
import { resources as authenticationResources } from '../../src/api/authentication/v1/index.js';
import { authenticationApiHooks } from '../../src/apiserver/serviceaccount/authentication-api.js';
import { createAuthorization, type Authorization } from '../../src/apiserver/authz/index.js';
import { RestClient } from '../../src/client/rest.js';
import { FakeClock } from '../../src/machinery/clock.js';
import { delegatedKubeletAuth } from '../../src/kubelet/auth/index.js';
import { kubeletRequestAttributes } from '../../src/kubelet/server/auth.js';
import type { UserInfo } from '../../src/apiserver/auth/types.js';

const TOKENS = {
  'admin-token': { username: 'root', groups: ['system:masters'] },
  'node-token': { username: 'system:node:n1', groups: ['system:nodes'] },
  'alice-token': { username: 'alice', groups: [] },
  'ops-token': { username: 'ops', groups: ['operators'] },
};

let h: Harness;
let authz: Authorization;
let dir: string;
let client: RestClient;
const names = new Set(allResources().map((d) => `${d.group}/${d.plural}`));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'k8ts-kubelet-auth-'));
  authz = createAuthorization(() => h?.server.ctx);
  h = await startHarness({
    resources: [...allResources(), ...authenticationResources.filter((d) => !names.has(`${d.group}/${d.plural}`))],
    hooks: authenticationApiHooks(),
    security: { authenticator: testTokenAuthenticator(TOKENS), authorizer: authz.authorizer, admission: authz.admission },
  });
  client = new RestClient({ server: h.base, token: 'node-token', maxRetries: 0 });
  const G = 'rbac.authorization.k8s.io';
  const admin = { authorization: 'Bearer admin-token' };
  assert.equal((await h.req('POST', `/apis/${G}/v1/clusterroles`, { metadata: { name: 'kubelet-api' }, rules: [{ verbs: ['*'], apiGroups: [''], resources: ['nodes/proxy', 'nodes/log', 'nodes/stats'] }] }, admin)).status, 201);
  assert.equal((await h.req('POST', `/apis/${G}/v1/clusterrolebindings`, { metadata: { name: 'ops-kubelet' }, roleRef: { apiGroup: G, kind: 'ClusterRole', name: 'kubelet-api' }, subjects: [{ kind: 'Group', apiGroup: G, name: 'operators' }] }, admin)).status, 201);
});
after(async () => {
  client?.close();
  authz?.close();
  await h?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const req = (authorization?: string) => ({ headers: authorization ? { authorization } : {}, socket: {} }) as unknown as IncomingMessage;

test('bearer tokens are authenticated by TokenReview; none is anonymous (null); a bad one is refused', async () => {
  const auth = delegatedKubeletAuth(client);
  const ops = await auth.authenticate(req('Bearer ops-token'));
  assert.equal(ops?.username, 'ops');
  assert.ok(ops?.groups.includes('operators'));
  assert.equal(await auth.authenticate(req()), null);
  await assert.rejects(auth.authenticate(req('Bearer nope')));
});

test('decisions come from SubjectAccessReview and are cached with the kubelet\'s TTLs', async () => {
  const clock = new FakeClock(Date.now());
  const auth = delegatedKubeletAuth(client, { clock });
  const ops: UserInfo = { username: 'ops', groups: ['operators', 'system:authenticated'] };
  const alice: UserInfo = { username: 'alice', groups: ['system:authenticated'] };
  const logs = (u: UserInfo) => kubeletRequestAttributes(u, 'GET', '/containerLogs/default/p/c', 'n1');
  assert.equal((await auth.authorize(logs(ops))).allowed, true);
  assert.equal((await auth.authorize(logs(alice))).allowed, false);
  assert.equal((await auth.authorize(kubeletRequestAttributes(ops, 'GET', '/metrics', 'n1'))).allowed, false, 'nodes/metrics is not granted');
  // Take ops' permission away: the cached "yes" holds for 5 minutes, then the server is asked again.
  assert.equal((await h.req('DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/ops-kubelet', undefined, { authorization: 'Bearer admin-token' })).status, 200);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await auth.authorize(logs(ops))).allowed, true, 'cached');
  clock.advance(301_000);
  assert.equal((await auth.authorize(logs(ops))).allowed, false, 'asked again after the TTL');
});

test('client certificates signed by the client CA are users (CN) in groups (O); others are refused', async () => {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 30_000 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-days', '1', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=kubelet-client-ca');
  ssl('req', '-x509', ...ec, '-days', '1', '-keyout', 'srv.key', '-out', 'srv.crt', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1');
  ssl('req', ...ec, '-keyout', 'ops.key', '-out', 'ops.csr', '-subj', '/CN=ops/O=operators/O=admins');
  ssl('x509', '-req', '-in', 'ops.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'ops.crt');
  ssl('req', '-x509', ...ec, '-days', '1', '-keyout', 'rogue.key', '-out', 'rogue.crt', '-subj', '/CN=ops/O=operators');
  const read = (f: string) => readFileSync(join(dir, f));
  const auth = delegatedKubeletAuth(client, { clientCA: read('ca.crt') });
  const server = https.createServer({ key: read('srv.key'), cert: read('srv.crt'), requestCert: true, rejectUnauthorized: false }, (r, res) => {
    auth.authenticate(r).then((u) => { res.end(JSON.stringify({ user: u })); }, (e: Error) => { res.statusCode = 401; res.end(e.message); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const call = (cert?: string, key?: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const r = https.request({ host: '127.0.0.1', port, path: '/pods', ca: read('srv.crt'), cert: cert ? read(cert) : undefined, key: key ? read(key) : undefined, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', reject);
    r.end();
  });
  try {
    const ok = await call('ops.crt', 'ops.key');
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(JSON.parse(ok.body).user, { username: 'ops', groups: ['operators', 'admins'] });
    const rogue = await call('rogue.crt', 'rogue.key');
    assert.equal(rogue.status, 401);
    assert.match(rogue.body, /unknown authority/);
    assert.deepEqual(JSON.parse((await call()).body), { user: null });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
