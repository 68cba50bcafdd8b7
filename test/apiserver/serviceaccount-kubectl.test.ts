// The real kubectl (1.27, 1.32, 1.33) against an API server with service account tokens: `create
// token` (audience, duration, bound to a pod) and `auth whoami`, as the admin and as the
// ServiceAccount with the token kubectl printed. Over HTTPS: kubectl sends no credentials over
// plain HTTP (clientcmd applies user auth only to TLS transports).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Harness } from './harness.js';
import { startTokenServer, ADMIN_TOKEN } from './serviceaccount-server.js';
import { decodeJwt } from '../../src/apiserver/serviceaccount/jwt.js';
import { createCa, issueServingCert } from '../../src/pki/index.js';

const KUBECTLS = [
  ['1.32', '/usr/bin/kubectl'],
  ['1.27', '/usr/lib/google-cloud-sdk/bin/kubectl.1.27'],
  ['1.33', '/usr/lib/google-cloud-sdk/bin/kubectl.1.33'],
] as const;

let h: Harness;
let home: string;
let server: string;
let caData: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-sa-'));
  const ca = await createCa('k8ts-test-ca');
  const serving = await issueServingCert(ca, { cn: 'kube-apiserver', ips: ['127.0.0.1'], dnsNames: ['localhost'] });
  ({ h } = await startTokenServer({ tls: serving }));
  server = `https://127.0.0.1:${h.port}`;
  caData = Buffer.from(ca.cert).toString('base64');
});
after(async () => {
  await h?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

interface Run { code: number; stdout: string; stderr: string }

/** kubectl with a kubeconfig for the server and the token (kubectl sends --token only through a context). */
function kubectl(bin: string, args: string[], token = ADMIN_TOKEN): Promise<Run> {
  const dir = mkdtempSync(join(home, 'run-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'test',
    clusters: [{ name: 'test', cluster: { server, 'certificate-authority-data': caData } }],
    users: [{ name: 'test', user: { token } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'test', namespace: 'default' } }],
  }));
  return new Promise((resolve) => {
    execFile(bin, ['--cache-dir', join(dir, 'cache'), ...args], { timeout: 60_000, env: { ...process.env, HOME: home, KUBECONFIG: kubeconfig } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function claims(token: string): Record<string, any> {
  const jwt = decodeJwt(token.trim());
  assert.ok(jwt, `not a JWT: ${token}`);
  return jwt.claims;
}

test('kubectl create serviceaccount, and a pod running as it', async () => {
  const r = await kubectl(KUBECTLS[0][1], ['create', 'serviceaccount', 'bot']);
  assert.equal(r.code, 0, r.stderr);
  const p = await kubectl(KUBECTLS[0][1], ['run', 'web', '--image=busybox', '--overrides={"spec":{"serviceAccountName":"bot"}}']);
  assert.equal(p.code, 0, p.stderr);
});

for (const [label, bin] of KUBECTLS) {
  test(`kubectl ${label} create token prints a token that whoami shows as the ServiceAccount`, async () => {
    const r = await kubectl(bin, ['create', 'token', 'bot']);
    assert.equal(r.code, 0, r.stderr);
    const c = claims(r.stdout);
    assert.equal(c.sub, 'system:serviceaccount:default:bot');
    assert.equal(c.exp - c.iat, 3600);
    const who = await kubectl(bin, ['auth', 'whoami', '-o', 'json'], r.stdout.trim());
    assert.equal(who.code, 0, who.stderr);
    const info = JSON.parse(who.stdout).status.userInfo;
    assert.equal(info.username, 'system:serviceaccount:default:bot');
    assert.deepEqual(info.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    const admin = await kubectl(bin, ['auth', 'whoami']);
    assert.equal(admin.code, 0, admin.stderr);
    assert.match(admin.stdout, /Username\s+test-admin/);
  });

  test(`kubectl ${label} create token --audience --duration --bound-object-kind Pod`, async () => {
    const r = await kubectl(bin, ['create', 'token', 'bot', '--audience', 'vault', '--duration', '10m', '--bound-object-kind', 'Pod', '--bound-object-name', 'web']);
    assert.equal(r.code, 0, r.stderr);
    const c = claims(r.stdout);
    assert.deepEqual(c.aud, ['vault']);
    assert.equal(c.exp - c.iat, 600);
    assert.equal(c['kubernetes.io'].pod.name, 'web');
    const short = await kubectl(bin, ['create', 'token', 'bot', '--duration', '5m']);
    assert.notEqual(short.code, 0);
    assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
    const missing = await kubectl(bin, ['create', 'token', 'nobody']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
  });
}
