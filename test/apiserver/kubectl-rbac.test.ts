// The real kubectl against a server with RBAC: `kubectl auth can-i` (SelfSubjectAccessReview,
// SelfSubjectRulesReview, impersonation with --as) and `kubectl create role/clusterrole/
// rolebinding/clusterrolebinding` with `kubectl get` printing them as Kubernetes does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness.js';
import { allResources } from '../../src/api/registry.js';
import { createAuthorization, impersonatingAuthenticator, type Authorization } from '../../src/apiserver/authz/index.js';
import { testTokenAuthenticator } from './test-token-authenticator.js';

const KUBECTLS = [['1.32', '/usr/bin/kubectl'], ['1.27', '/usr/lib/google-cloud-sdk/bin/kubectl.1.27'], ['1.33', '/usr/lib/google-cloud-sdk/bin/kubectl.1.33']] as const;
const TOKENS = {
  'admin-token': { username: 'root', groups: ['system:masters'] },
  'alice-token': { username: 'alice', groups: [] },
  'builder-token': { username: 'system:serviceaccount:team-a:builder', groups: ['system:serviceaccounts', 'system:serviceaccounts:team-a'] },
};

let h: Harness;
let authz: Authorization;
let home: string;
let front: tls.Server | undefined;
let httpsBase: string;

/**
 * kubectl sends bearer tokens only over HTTPS: a TLS front (self-signed for 127.0.0.1, made with
 * openssl) that splices each connection to the plain-HTTP test server.
 */
async function startTlsFront(dir: string, port: number): Promise<string> {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore', timeout: 30_000 });
  front = tls.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (client) => {
    const upstream = connect(port, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on('error', close); upstream.on('error', close); client.on('close', close); upstream.on('close', close);
  });
  await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', resolve));
  return `https://127.0.0.1:${(front.address() as { port: number }).port}`;
}

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-rbac-'));
  authz = createAuthorization(() => h?.server.ctx);
  h = await startHarness({
    resources: allResources(),
    security: { authenticator: impersonatingAuthenticator(testTokenAuthenticator(TOKENS), () => authz.authorizer), authorizer: authz.authorizer, admission: authz.admission },
  });
  httpsBase = await startTlsFront(home, h.port);
  for (const token of Object.keys(TOKENS)) {
    writeFileSync(join(home, token), [
      'apiVersion: v1', 'kind: Config', 'current-context: c',
      `clusters: [{name: k, cluster: {server: "${httpsBase}", certificate-authority: "${join(home, 'cert.pem')}"}}]`,
      `users: [{name: u, user: {token: "${token}"}}]`,
      'contexts: [{name: c, context: {cluster: k, user: u, namespace: default}}]', '',
    ].join('\n'));
  }
  const admin = { authorization: 'Bearer admin-token' };
  assert.equal((await h.req('POST', '/api/v1/namespaces', { metadata: { name: 'team-a' } }, admin)).status, 201);
  assert.equal((await h.req('POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/rolebindings', {
    metadata: { name: 'builder-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'team-a' }],
  }, admin)).status, 201);
});
after(async () => {
  await new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve()));
  authz?.close();
  await h?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

interface Run { code: number; stdout: string; stderr: string }

function kubectl(bin: string, token: keyof typeof TOKENS, args: string[]): Promise<Run> {
  const cache = mkdtempSync(join(home, 'cache-'));
  return new Promise((resolve) => {
    execFile(bin, ['--cache-dir', cache, ...args], { timeout: 60_000, env: { ...process.env, HOME: home, KUBECONFIG: join(home, token) } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

for (const [label, bin] of KUBECTLS) {
  test(`kubectl ${label} auth can-i answers yes and no from RBAC`, async () => {
    const cases: [keyof typeof TOKENS, string[], 'yes' | 'no'][] = [
      ['builder-token', ['list', 'pods', '-n', 'team-a'], 'yes'],
      ['builder-token', ['get', 'deployments.apps', '-n', 'team-a'], 'yes'],
      ['builder-token', ['list', 'pods', '-n', 'default'], 'no'],
      ['builder-token', ['get', 'secrets', '-n', 'team-a'], 'no'],
      ['builder-token', ['delete', 'pods', '-n', 'team-a'], 'no'],
      ['alice-token', ['list', 'pods'], 'no'],
      ['admin-token', ['create', 'clusterroles'], 'yes'],
      ['admin-token', ['get', 'secrets', '--as', 'alice'], 'no'],
      ['admin-token', ['list', 'pods', '-n', 'team-a', '--as', 'system:serviceaccount:team-a:builder'], 'yes'],
      ['admin-token', ['list', 'pods', '-n', 'team-a', '--as', 'someone', '--as-group', 'system:masters'], 'yes'],
    ];
    for (const [token, args, want] of cases) {
      const r = await kubectl(bin, token, ['auth', 'can-i', ...args]);
      assert.equal(r.stdout.trim(), want, `${token} can-i ${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.code, want === 'yes' ? 0 : 1);
    }
    const refused = await kubectl(bin, 'alice-token', ['auth', 'can-i', 'get', 'pods', '--as', 'root']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /cannot impersonate resource "users"/);
  });

  test(`kubectl ${label} auth can-i --list shows the rules a subject holds`, async () => {
    const r = await kubectl(bin, 'builder-token', ['auth', 'can-i', '--list', '-n', 'team-a']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    assert.match(r.stdout, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    assert.match(r.stdout, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    assert.match(r.stdout, /^\s+\[\/version\]\s+\[\]\s+\[get\]$/m);
  });
}

test('kubectl create role, clusterrole, rolebinding and clusterrolebinding; kubectl get prints them', async () => {
  const bin = KUBECTLS[0][1];
  const run = async (args: string[]) => {
    const r = await kubectl(bin, 'admin-token', args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  assert.match(await run(['create', 'clusterrole', 'pod-reader', '--verb=get,list,watch', '--resource=pods,pods/log']), /clusterrole.rbac.authorization.k8s.io\/pod-reader created/);
  assert.match(await run(['create', 'clusterrole', 'monitoring', '--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true']), /created/);
  assert.match(await run(['create', 'role', 'cm-editor', '-n', 'team-a', '--verb=get,update', '--resource=configmaps', '--resource-name=settings']), /role.rbac.authorization.k8s.io\/cm-editor created/);
  assert.match(await run(['create', 'rolebinding', 'alice-cm', '-n', 'team-a', '--role=cm-editor', '--user=alice', '--group=devs']), /created/);
  assert.match(await run(['create', 'clusterrolebinding', 'readers', '--clusterrole=pod-reader', '--serviceaccount=team-a:builder', '--user=alice']), /created/);
  const roles = await run(['get', 'clusterrole', 'pod-reader']);
  assert.match(roles, /^NAME\s+CREATED AT\npod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
  const wide = await run(['get', 'rolebinding', 'alice-cm', '-n', 'team-a', '-o', 'wide']);
  assert.match(wide, /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\nalice-cm\s+Role\/cm-editor\s+\d+s\s+alice\s+devs\s*\n$/);
  const crb = await run(['get', 'clusterrolebinding', 'readers', '-o', 'wide']);
  assert.match(crb, /readers\s+ClusterRole\/pod-reader\s+\d+s\s+alice\s+team-a\/builder/);
  // The new bindings take effect: alice may now read pod logs everywhere.
  const can = await kubectl(bin, 'alice-token', ['auth', 'can-i', 'get', 'pods/log', '-n', 'kube-system']);
  assert.equal(can.stdout.trim(), 'yes', can.stderr);
  // A refused create shows Kubernetes' 403.
  const denied = await kubectl(bin, 'alice-token', ['create', 'role', 'x', '-n', 'team-a', '--verb=get', '--resource=pods']);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /roles.rbac.authorization.k8s.io is forbidden: User "alice" cannot create resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "team-a"/);
});
